package dev.interproc.bench;

import dev.interproc.SharedMemory;
import java.util.List;
import java.util.Locale;

/**
 * The multi-process atomics benchmark: SharedLong get, set, getAndAdd and compareAndSet, by 1 JVM
 * (uncontended) and by 2 JVMs on the same slot (contended), each process an {@link AtomicsWorker}.
 *
 * <pre>AtomicsBenchmark [SECONDS [REPETITIONS]]      defaults: 3 seconds, 3 repetitions</pre>
 *
 * <p>Worker i is pinned to CPU i, as in the C baseline. The processes of one measurement start together: each prints READY, and when all have, each gets
 * GO on standard input. Prints one line per operation and process count, in the C baseline's format
 * (bench/run sets the two side by side):
 * <pre>result suite=atomics impl=java op=getAndAdd processes=2 ops_per_s=MEDIAN reps=R1,R2,R3</pre>
 * where ops_per_s is the total over the processes.
 */
public final class AtomicsBenchmark {

    static final String SLOT = "bench/word";
    static final List<String> OPERATIONS = List.of("get", "set", "getAndAdd", "compareAndSet");

    private AtomicsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (!(seconds > 0) || repetitions < 1) {
            throw new IllegalArgumentException("usage: AtomicsBenchmark [SECONDS > 0 [REPETITIONS >= 1]]");
        }
        System.out.printf(Locale.ROOT, "# SharedLong across JVMs, %.1f s x %d repetitions, median reported%n",
                seconds, repetitions);
        for (int processes = 1; processes <= 2; processes++) {
            for (String operation : OPERATIONS) {
                double[] results = measure(operation, processes, seconds, repetitions);
                System.out.printf(Locale.ROOT, "result suite=atomics impl=java op=%s processes=%d ops_per_s=%s%n",
                        operation, processes, WorkerHarness.medianAndReps(results));
            }
        }
    }

    private static double[] measure(String operation, int processes, double seconds, int repetitions)
            throws Exception {
        String region = "ip-bench-" + ProcessHandle.current().pid() + "-" + operation + "-" + processes;
        try (SharedMemory memory = SharedMemory.create(region)) {
            memory.sharedLong(SLOT);
            long[][][] results = WorkerHarness.run(AtomicsWorker.class, processes, repetitions, seconds,
                    i -> new String[] {region, operation, String.valueOf(repetitions), String.valueOf(seconds),
                        WorkerHarness.cpuOf(i)});
            double[] opsPerSecond = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                opsPerSecond[r] = WorkerHarness.opsPerSecond(results[r]);
            }
            return opsPerSecond;
        } finally {
            SharedMemory.unlink(region);
        }
    }
}
