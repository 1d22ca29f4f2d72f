package dev.interproc.bench;

import dev.interproc.SharedMemory;
import dev.interproc.process.JavaProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * The multi-process atomics benchmark: SharedLong get, set, getAndAdd and compareAndSet, by 1 JVM
 * (uncontended) and by 2 JVMs on the same slot (contended), each process an {@link AtomicsWorker}.
 *
 * <pre>AtomicsBenchmark [SECONDS [REPETITIONS [OPERATION PROCESSES]]]</pre>
 *
 * Defaults: 3 seconds, 3 repetitions, every operation by 1 and by 2 processes; OPERATION and
 * PROCESSES select one figure (bench/run alternates C and Java repetitions that way).
 *
 * <p>Worker i is pinned to CPU i, as in the C baseline. The processes of one measurement start
 * together: each prints READY, and when all have, each gets GO on standard input. Prints one line per
 * operation and process count, in the C baseline's format (bench/run sets the two side by side):
 * <pre>result suite=atomics impl=java op=getAndAdd processes=2 ops_per_s=MEDIAN reps=R1,R2,R3</pre>
 * where ops_per_s is the total over the processes.
 */
public final class AtomicsBenchmark {

    static final String SLOT = "bench/word";
    static final List<String> OPERATIONS = List.of("get", "set", "getAndAdd", "compareAndSet");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private AtomicsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> operations = args.length > 3 ? List.of(args[2]) : OPERATIONS;
        List<Integer> processCounts = args.length > 3 ? List.of(Integer.parseInt(args[3])) : List.of(1, 2);
        if (!(seconds > 0) || repetitions < 1 || args.length == 3 || !OPERATIONS.containsAll(operations)
                || processCounts.get(0) < 1) {
            throw new IllegalArgumentException("usage: AtomicsBenchmark [SECONDS > 0 [REPETITIONS >= 1 [OPERATION "
                    + "PROCESSES]]]; OPERATION: one of " + OPERATIONS);
        }
        System.out.printf(Locale.ROOT, "# SharedLong across JVMs, %.1f s x %d repetitions, median reported%n",
                seconds, repetitions);
        for (int processes : processCounts) {
            for (String operation : operations) {
                double[] results = measure(operation, processes, seconds, repetitions);
                StringBuilder reps = new StringBuilder();
                for (double result : results) {
                    reps.append(reps.isEmpty() ? "" : ",").append(Math.round(result));
                }
                double[] sorted = results.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT,
                        "result suite=atomics impl=java op=%s processes=%d ops_per_s=%d reps=%s%n", operation,
                        processes, Math.round(sorted[repetitions / 2]), reps);
            }
        }
    }

    private static double[] measure(String operation, int processes, double seconds, int repetitions)
            throws InterruptedException, TimeoutException {
        String region = "ip-bench-" + ProcessHandle.current().pid() + "-" + operation + "-" + processes;
        Duration run = Duration.ofMillis((long) (seconds * 1000) + 60_000);
        List<JavaProcess> workers = new ArrayList<>();
        try (SharedMemory memory = SharedMemory.create(region)) {
            memory.sharedLong(SLOT);
            for (int i = 0; i < processes; i++) {
                workers.add(JavaProcess.builder(AtomicsWorker.class).jvmOptions("-Xmx256m")
                        .args(region, operation, String.valueOf(repetitions), String.valueOf(seconds),
                                String.valueOf(i % Runtime.getRuntime().availableProcessors())).start());
            }
            double[] results = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                String ready = "READY " + r;
                for (JavaProcess worker : workers) {
                    worker.awaitLine(ready::equals, STARTUP);
                }
                workers.forEach(worker -> worker.sendLine("GO"));
                String prefix = "RESULT " + r + " ";
                for (JavaProcess worker : workers) {
                    String[] result = worker.awaitLine(line -> line.startsWith(prefix), run).split(" ");
                    results[r] += Long.parseLong(result[2]) * 1e9 / Long.parseLong(result[3]);
                }
            }
            for (JavaProcess worker : workers) {
                int exit = worker.waitFor(STARTUP);
                if (exit != 0) {
                    throw new IllegalStateException(worker + " exited with " + exit + ":\n" + worker.transcript());
                }
            }
            return results;
        } finally {
            workers.forEach(JavaProcess::close);
            SharedMemory.unlink(region);
        }
    }
}
