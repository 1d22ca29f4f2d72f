package dev.interproc.example.worker;

import dev.interproc.process.JavaProcess;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child JVM of the demo with a name ("worker", "api-2") whose standard output is relayed to the
 * {@link DemoLog} line by line as it comes.
 */
final class ChildProcess implements AutoCloseable {

    private static final Duration LONGEST_SILENCE = Duration.ofMinutes(10);

    private final String name;
    private final JavaProcess process;
    private final Thread relay;

    ChildProcess(String name, JavaProcess process, DemoLog log) {
        this.name = name;
        this.process = process;
        this.relay = Thread.ofPlatform().daemon().name("relay " + name).start(() -> relay(log));
    }

    /** Starts a child JVM running {@code mainClass} with small-footprint JVM options. */
    static ChildProcess start(String name, Class<?> mainClass, DemoLog log, String... args) {
        JavaProcess process = JavaProcess.builder(mainClass)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")
                .args(args)
                .start();
        return new ChildProcess(name, process, log);
    }

    String name() {
        return name;
    }

    JavaProcess process() {
        return process;
    }

    /** Prints every line of the child's standard output, in order, until it ends. */
    private void relay(DemoLog log) {
        for (int relayed = 0; ; relayed++) {
            try {
                log.say(name, process.awaitLine(nthLine(relayed), LONGEST_SILENCE));
            } catch (TimeoutException ended) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Matches the line at {@code index}: {@link JavaProcess#awaitLine} tests each line once, in order. */
    private static Predicate<String> nthLine(int index) {
        int[] tested = {0};
        return line -> tested[0]++ == index;
    }

    /** Waits until every line the child wrote was relayed. */
    void awaitRelayed(Duration timeout) throws InterruptedException {
        relay.join(timeout);
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.close();
    }
}
