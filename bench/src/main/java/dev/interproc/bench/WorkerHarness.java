package dev.interproc.bench;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The multi-process harness: N worker JVMs started together behind a barrier, round after round.
 *
 * <p>A worker is a main class that, for each repetition r, prints {@code READY r}, waits for {@code GO} on
 * standard input, runs its loop, and prints {@code RESULT r N1 N2 ...} (numbers: operations, nanoseconds, and
 * whatever else the benchmark counts). The harness sends GO to all workers once every one of them is READY
 * ({@link StartHandshake} with rounds), so the processes of one repetition start together, and returns the numbers
 * of every RESULT line.
 */
final class WorkerHarness {

    private static final Duration STARTUP = Duration.ofSeconds(60);

    private WorkerHarness() {}

    /**
     * Runs {@code processes} workers of {@code workerClass} for {@code repetitions} rounds of about
     * {@code seconds} each.
     *
     * @param argsOfWorker the arguments of worker i
     * @return results[r][i] = the numbers of worker i's RESULT line of repetition r
     */
    static long[][][] run(
            Class<?> workerClass, int processes, int repetitions, double seconds, IntFunction<String[]> argsOfWorker)
            throws Exception {
        return run(workerClass, List.of(), processes, repetitions, seconds, argsOfWorker);
    }

    /**
     * Runs {@code processes} workers of {@code workerClass}, started with the JVM options {@code jvmOptions} too,
     * for {@code repetitions} rounds of about {@code seconds} each.
     *
     * @param argsOfWorker the arguments of worker i
     * @return results[r][i] = the numbers of worker i's RESULT line of repetition r
     */
    static long[][][] run(
            Class<?> workerClass,
            List<String> jvmOptions,
            int processes,
            int repetitions,
            double seconds,
            IntFunction<String[]> argsOfWorker)
            throws Exception {
        Duration round = Duration.ofMillis((long) (seconds * 1000) + 60_000);
        List<JavaProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                workers.add(JavaProcess.builder(workerClass)
                        .jvmOptions("-Xmx256m")
                        .jvmOptions(jvmOptions.toArray(String[]::new))
                        .args(argsOfWorker.apply(i))
                        .start());
            }
            long[][][] results = new long[repetitions][processes][];
            for (int r = 0; r < repetitions; r++) {
                StartHandshake.startTogether(workers, r, STARTUP);
                String prefix = "RESULT " + r + " ";
                for (int i = 0; i < processes; i++) {
                    String line = workers.get(i).awaitLine(l -> l.startsWith(prefix), round);
                    results[r][i] = Arrays.stream(
                                    line.substring(prefix.length()).split(" "))
                            .mapToLong(Long::parseLong)
                            .toArray();
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
        }
    }

    /** The CPU worker i pins itself to: i modulo the CPUs of this machine, as the C baselines do. */
    static String cpuOf(int worker) {
        return String.valueOf(worker % Runtime.getRuntime().availableProcessors());
    }

    /** Total operations per second of one repetition: the sum over workers of N1 * 1e9 / N2. */
    static double opsPerSecond(long[][] repetition) {
        double total = 0;
        for (long[] worker : repetition) {
            total += worker[0] * 1e9 / worker[1];
        }
        return total;
    }

    /**
     * The slowest worker's rate over an equal share of one repetition's total: well below 1 means a worker was
     * held off its CPU for part of the time (by the host, on a VM), so the others ran alone.
     */
    static double fewestShare(long[][] repetition) {
        return fewestShare(Arrays.stream(repetition)
                .mapToDouble(worker -> worker[0] * 1e9 / worker[1])
                .toArray());
    }

    /** The least served worker's amount (operations, or a rate) over an equal share of all workers' total. */
    static double fewestShare(double[] perWorker) {
        double total = Arrays.stream(perWorker).sum();
        return total > 0 ? Arrays.stream(perWorker).min().orElseThrow() * perWorker.length / total : 0;
    }

    /** The median of some figures and all of them, as "MEDIAN reps=R1,R2,..." fields of a result line. */
    static String medianAndReps(double[] figures) {
        double[] sorted = figures.clone();
        Arrays.sort(sorted);
        StringBuilder reps = new StringBuilder();
        for (double figure : figures) {
            reps.append(reps.isEmpty() ? "" : ",").append(Math.round(figure));
        }
        return Math.round(sorted[figures.length / 2]) + " reps=" + reps;
    }
}
