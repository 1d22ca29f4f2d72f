package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Starting {@link ChildMain} JVMs together and checking how they ended, with their transcripts on failure. */
final class ChildProcesses {

    static final Duration STARTUP = Duration.ofSeconds(60);
    static final Duration RUN = Duration.ofSeconds(120);

    private ChildProcesses() {}

    /**
     * A child running {@link ChildMain} with these arguments; a small heap and the serial collector keep
     * its start-up and its GC threads light, as several children share the build machine's cores.
     */
    static JavaProcess.Builder child(String... args) {
        return JavaProcess.builder(ChildMain.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC")
                .args(args);
    }

    /**
     * A {@link LockChild} running {@code command} on {@code region}, followed by the command's {@code args}; as
     * light as {@link #child}.
     */
    static JavaProcess.Builder lockChild(String command, String region, String... args) {
        List<String> all = new ArrayList<>(List.of(command, region));
        all.addAll(List.of(args));
        return JavaProcess.builder(LockChild.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC")
                .args(all.toArray(String[]::new));
    }

    /** Starts every child, waits until each has printed READY, then sends GO to all of them. */
    static List<JavaProcess> startTogether(List<JavaProcess.Builder> builders)
            throws InterruptedException, TimeoutException {
        List<JavaProcess> started = new ArrayList<>();
        try {
            for (JavaProcess.Builder builder : builders) {
                started.add(builder.start());
            }
            StartHandshake.startTogether(started, STARTUP);
        } catch (InterruptedException | TimeoutException | RuntimeException e) {
            started.forEach(JavaProcess::close);
            throw e;
        }
        return started;
    }

    /** Waits for the child's {@code DONE ...} line and returns the words after DONE. */
    static String[] done(JavaProcess child) throws InterruptedException, TimeoutException {
        return child.awaitLine(line -> line.startsWith("DONE "), RUN)
                .substring(5)
                .split(" ");
    }

    /** Waits for the child to exit and fails, with its transcript, unless it exited with 0. */
    static void assertExitsCleanly(JavaProcess child) throws InterruptedException, TimeoutException {
        int code = child.waitFor(RUN);
        assertEquals(0, code, () -> child + " exited with " + code + "; its output:\n" + child.transcript());
    }

    static void closeAll(List<JavaProcess> children) {
        children.forEach(JavaProcess::close);
    }
}
