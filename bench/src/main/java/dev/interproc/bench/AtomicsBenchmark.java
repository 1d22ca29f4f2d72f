package dev.interproc.bench;

import dev.interproc.SharedMemory;
import java.util.List;
import java.util.Locale;

/**
 * The multi-process atomics benchmark: SharedLong get, set, getAndAdd and compareAndSet, by 1 JVM
 * (uncontended) and by 2 JVMs on the same slot (contended), each process an {@link AtomicsWorker}.
 *
 * <pre>AtomicsBenchmark [SECONDS [REPETITIONS [OPERATION PROCESSES]]]</pre>
 *
 * Defaults: 3 seconds, 3 repetitions, every operation by 1 and by 2 processes; OPERATION and
 * PROCESSES select one figure (bench/run alternates C and Java repetitions that way).
 *
 * <p>Worker i is pinned to CPU i, as in the C baseline; the {@link WorkerHarness} starts the processes of
 * one measurement together. Prints one line per
 * operation and process count, in the C baseline's format (bench/run sets the two side by side):
 * <pre>result suite=atomics impl=java op=getAndAdd processes=2 ops_per_s=MEDIAN reps=R1,R2,R3</pre>
 * where ops_per_s is the total over the processes.
 */
public final class AtomicsBenchmark {

    static final String SLOT = "bench/word";
    static final List<String> OPERATIONS = List.of("get", "set", "getAndAdd", "compareAndSet");

    private AtomicsBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> operations = args.length > 3 ? List.of(args[2]) : OPERATIONS;
        List<Integer> processCounts = args.length > 3 ? List.of(Integer.parseInt(args[3])) : List.of(1, 2);
        if (!(seconds > 0)
                || repetitions < 1
                || args.length == 3
                || !OPERATIONS.containsAll(operations)
                || processCounts.get(0) < 1) {
            throw new IllegalArgumentException("usage: AtomicsBenchmark [SECONDS > 0 [REPETITIONS >= 1 [OPERATION "
                    + "PROCESSES]]]; OPERATION: one of " + OPERATIONS);
        }
        System.out.printf(
                Locale.ROOT,
                "# SharedLong across JVMs, %.1f s x %d repetitions, median reported%n",
                seconds,
                repetitions);
        for (int processes : processCounts) {
            for (String operation : operations) {
                double[] results = new double[repetitions];
                double fewestShare = measure(operation, processes, seconds, results);
                System.out.printf(
                        Locale.ROOT,
                        "result suite=atomics impl=java op=%s processes=%d ops_per_s=%s fewest_share=%.2f%n",
                        operation,
                        processes,
                        WorkerHarness.medianAndReps(results),
                        fewestShare);
            }
        }
    }

    /** Fills {@code opsPerSecond}, one figure per repetition, and returns the lowest fewest share of them. */
    private static double measure(String operation, int processes, double seconds, double[] opsPerSecond)
            throws Exception {
        int repetitions = opsPerSecond.length;
        String region = "ip-bench-" + ProcessHandle.current().pid() + "-" + operation + "-" + processes;
        try (SharedMemory memory = SharedMemory.create(region)) {
            memory.sharedLong(SLOT);
            long[][][] results =
                    WorkerHarness.run(AtomicsWorker.class, processes, repetitions, seconds, i -> new String[] {
                        region, operation, String.valueOf(repetitions), String.valueOf(seconds), WorkerHarness.cpuOf(i)
                    });
            double fewestShare = 1;
            for (int r = 0; r < repetitions; r++) {
                opsPerSecond[r] = WorkerHarness.opsPerSecond(results[r]);
                fewestShare = Math.min(fewestShare, WorkerHarness.fewestShare(results[r]));
            }
            return fewestShare;
        } finally {
            SharedMemory.unlink(region);
        }
    }
}
