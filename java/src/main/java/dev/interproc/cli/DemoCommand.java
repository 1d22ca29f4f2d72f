package dev.interproc.cli;

import dev.interproc.SharedEnum;
import dev.interproc.SharedLong;
import dev.interproc.SharedLongArray;
import dev.interproc.SharedMemory;
import dev.interproc.cli.DemoWorker.Light;
import dev.interproc.cli.DemoWorker.Phase;
import dev.interproc.process.JavaProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code interproc demo}: several JVM processes share one region. Each increments a shared counter and
 * drives a shared traffic light around GREEN -> YELLOW -> RED with compare-and-set; this process shows
 * their progress live, then checks that no increment and no transition was lost.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Runs several JVM processes on one shared region and verifies that nothing was lost.",
        "",
        "Each worker increments a shared counter and moves a shared traffic light GREEN -> YELLOW -> RED -> GREEN "
                + "with compare-and-set. The demo shows their progress live, then checks the totals and removes its "
                + "region. Exit code 0 when verified, 1 otherwise."})
final class DemoCommand implements Callable<Integer> {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration FINISH = Duration.ofSeconds(60);
    private static final long PROGRESS_EVERY_MS = 250;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-w", "--workers"}, defaultValue = "4", paramLabel = "N",
            description = "Worker processes (1-64; default ${DEFAULT-VALUE}).")
    private int workers;

    @Option(names = {"-d", "--duration"}, defaultValue = "3", paramLabel = "SECONDS",
            description = "How long the workers run (default ${DEFAULT-VALUE} s).")
    private double seconds;

    @Option(names = "--region", paramLabel = "NAME",
            description = "Name of the shared-memory region (default: interproc-demo-<pid>); removed at the end.")
    private String regionName;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || workers > 64) {
            throw new ParameterException(spec.commandLine(), "--workers must be 1 to 64, was " + workers);
        }
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new ParameterException(spec.commandLine(),
                    "--duration must be more than 0 and at most 3600 seconds, was " + seconds);
        }
        String region = regionName != null ? regionName : "interproc-demo-" + ProcessHandle.current().pid();
        PrintWriter out = spec.commandLine().getOut();
        SharedMemory memory = SharedMemory.create(region);
        // Ctrl-C runs shutdown hooks but no finally block: remove the region then too.
        Thread removeOnInterrupt = new Thread(() -> SharedMemory.unlink(region), "interproc-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(removeOnInterrupt);
        List<JavaProcess> children = new ArrayList<>();
        try (memory) {
            Demo demo = new Demo(memory, workers);
            out.printf("interproc demo: %d worker JVMs share region '%s' for %s s%n", workers, region, format(seconds));
            for (int index = 0; index < workers; index++) {
                children.add(JavaProcess.builder(DemoWorker.class).jvmOptions("-Xmx64m")
                        .args(region, String.valueOf(index), String.valueOf(workers)).start());
            }
            for (JavaProcess child : children) {
                child.awaitLine("READY"::equals, STARTUP);
            }
            demo.phase.set(Phase.RUNNING);
            long start = System.nanoTime();
            children.forEach(child -> child.sendLine("GO"));
            long deadline = start + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                Thread.sleep(Math.max(1, Math.min(PROGRESS_EVERY_MS, (deadline - System.nanoTime()) / 1_000_000)));
                out.println(demo.progressLine(System.nanoTime() - start));
                out.flush();
            }
            demo.phase.set(Phase.STOPPING);
            for (JavaProcess child : children) {
                child.awaitLine("DONE"::equals, FINISH);
            }
            long elapsed = System.nanoTime() - start;
            for (JavaProcess child : children) {
                int exit = child.waitFor(FINISH);
                if (exit != 0) {
                    spec.commandLine().getErr().printf("%s exited with %d; its output:%n%s", child, exit,
                            child.transcript());
                    return 1;
                }
            }
            String verdict = demo.verify();
            out.println(verdict);
            out.printf(Locale.ROOT, "throughput: %s increments/s and %s light transitions/s over %s s, %d processes%n",
                    format(demo.counter.get() * 1e9 / elapsed), format(demo.totalTransitions() * 1e9 / elapsed),
                    format(elapsed / 1e9), workers);
            return verdict.startsWith("verified") ? 0 : 1;
        } catch (TimeoutException stuck) {
            spec.commandLine().getErr().println("interproc demo failed: " + stuck.getMessage());
            return 1;
        } finally {
            children.forEach(JavaProcess::close);
            SharedMemory.unlink(region);
            try {
                Runtime.getRuntime().removeShutdownHook(removeOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs (or ran) anyway; unlinking twice is harmless.
            }
            out.flush();
        }
    }

    /** The demo's slots, as the coordinator sees them. */
    private static final class Demo {

        final SharedLong counter;
        final SharedEnum<Light> light;
        final SharedEnum<Phase> phase;
        final SharedLongArray progress;
        final SharedLongArray transitions;
        final int workers;

        Demo(SharedMemory memory, int workers) {
            this.workers = workers;
            counter = memory.sharedLong(DemoWorker.COUNTER);
            light = memory.sharedEnum(DemoWorker.LIGHT, Light.class, Light.GREEN);
            phase = memory.sharedEnum(DemoWorker.PHASE, Phase.class, Phase.WAITING);
            progress = memory.sharedLongArray(DemoWorker.PROGRESS, workers);
            transitions = memory.sharedLongArray(DemoWorker.TRANSITIONS, workers * Light.values().length);
        }

        String progressLine(long elapsedNanos) {
            StringJoiner perWorker = new StringJoiner(" ");
            for (int i = 0; i < workers; i++) {
                perWorker.add(format(progress.getAcquire(i)));
            }
            return String.format(Locale.ROOT, "%6.2f s  increments %14s  light %-6s  per worker: %s",
                    elapsedNanos / 1e9, format(counter.get()), light.get(), perWorker);
        }

        long fromColour(Light colour) {
            long sum = 0;
            for (int i = 0; i < workers; i++) {
                sum += transitions.get(i * Light.values().length + colour.ordinal());
            }
            return sum;
        }

        long totalTransitions() {
            long total = 0;
            for (Light colour : Light.values()) {
                total += fromColour(colour);
            }
            return total;
        }

        /**
         * Every increment must be in the shared counter, and the transitions the workers won must form one
         * history from GREEN: that fixes how many left each colour and which colour the light shows now.
         */
        String verify() {
            long sumOfWorkers = 0;
            for (int i = 0; i < workers; i++) {
                sumOfWorkers += progress.get(i);
            }
            long shared = counter.get();
            long total = totalTransitions();
            List<String> problems = new ArrayList<>();
            if (shared != sumOfWorkers) {
                problems.add("the shared counter is " + format(shared) + " but the workers made " + format(sumOfWorkers)
                        + " increments");
            }
            StringJoiner history = new StringJoiner(", ");
            int colours = Light.values().length;
            for (Light colour : Light.values()) {
                long expected = (total - colour.ordinal() + colours - 1) / colours;
                long won = fromColour(colour);
                history.add(colour + "->" + colour.next() + " " + format(won));
                if (won != expected) {
                    problems.add(format(won) + " transitions left " + colour + ", a history of " + format(total)
                            + " steps from GREEN has " + format(expected));
                }
            }
            Light expectedLight = Light.values()[(int) (total % colours)];
            if (light.get() != expectedLight) {
                problems.add("the light shows " + light.get() + " after " + format(total) + " steps from GREEN, not "
                        + expectedLight);
            }
            if (!problems.isEmpty()) {
                return "NOT verified: " + String.join("; ", problems);
            }
            return "verified: " + format(shared) + " increments by " + workers + " processes, none lost (shared counter"
                    + " = sum of the workers' counts); " + format(total) + " light transitions, consistent (" + history
                    + "; ends at " + light.get() + ")";
        }
    }

    private static String format(double value) {
        return value >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
