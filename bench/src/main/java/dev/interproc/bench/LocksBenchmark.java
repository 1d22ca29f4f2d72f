package dev.interproc.bench;

import dev.interproc.SharedMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The multi-process locks benchmark: SharedLock and java.nio FileChannel.lock, each process a
 * {@link LocksWorker} started by the {@link WorkerHarness}.
 *
 * <pre>LocksBenchmark [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION PROCESSES]]]
 *     defaults: 3 seconds, 3 repetitions, every case; IMPLEMENTATION: shared-lock or file-lock</pre>
 *
 * Cases: lockUnlock by 1 process; lockIncrement by 1 and by 2 processes. The last three arguments select one
 * figure, for re-running it alone (while tuning, say). Prints, in the format of
 * bench/baselines/locks_baseline.c:
 * <pre>result suite=locks impl=java-shared-lock op=lockIncrement processes=2 ops_per_s=MEDIAN reps=... owner_change=F
 *     fewest_share=S</pre>
 * where S is the operations of the least served process over an equal share (1.00: perfectly even).
 * and fails if a lockIncrement run lost an update (the counter must equal the operations).
 */
public final class LocksBenchmark {

    static final String LOCK_SLOT = "bench/lock";
    static final String STATE_SLOT = "bench/state";

    private record Case(String operation, int processes) {}

    private static final List<Case> CASES =
            List.of(new Case("lockUnlock", 1), new Case("lockIncrement", 1), new Case("lockIncrement", 2));

    private LocksBenchmark() {}

    static Path lockFile(String region) {
        return Path.of(System.getProperty("java.io.tmpdir"), region + ".filelock");
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> implementations = List.of("shared-lock", "file-lock");
        List<Case> cases = CASES;
        if (args.length == 5) {
            implementations = List.of(args[2]);
            cases = List.of(new Case(args[3], Integer.parseInt(args[4])));
        }
        if (!(seconds > 0)
                || repetitions < 1
                || (args.length > 2 && args.length != 5)
                || !List.of("shared-lock", "file-lock").containsAll(implementations)
                || !CASES.containsAll(cases)) {
            throw new IllegalArgumentException("usage: LocksBenchmark [SECONDS > 0 [REPETITIONS >= 1"
                    + " [shared-lock|file-lock lockUnlock 1|lockIncrement 1|lockIncrement 2]]]");
        }
        System.out.printf(
                Locale.ROOT,
                "# Java locks across JVMs, %.1f s x %d repetitions, median reported%n",
                seconds,
                repetitions);
        for (String impl : implementations) {
            for (Case c : cases) {
                measure(impl, c, seconds, repetitions);
            }
        }
    }

    private static void measure(String impl, Case c, double seconds, int repetitions) throws Exception {
        String region =
                "ip-bench-" + ProcessHandle.current().pid() + "-" + impl + "-" + c.operation() + "-" + c.processes();
        Path file = lockFile(region);
        Files.deleteIfExists(file);
        Files.createFile(file);
        try (SharedMemory memory = SharedMemory.create(region)) {
            memory.sharedLock(LOCK_SLOT);
            var state = memory.sharedLongArray(STATE_SLOT, 2);
            long[][][] results =
                    WorkerHarness.run(LocksWorker.class, c.processes(), repetitions, seconds, i -> new String[] {
                        region,
                        impl,
                        c.operation(),
                        String.valueOf(repetitions),
                        String.valueOf(seconds),
                        WorkerHarness.cpuOf(i),
                        String.valueOf(i)
                    });
            double[] opsPerSecond = new double[repetitions];
            long operations = 0;
            long changes = 0;
            double[] perWorker = new double[c.processes()];
            for (int r = 0; r < repetitions; r++) {
                opsPerSecond[r] = WorkerHarness.opsPerSecond(results[r]);
                for (int w = 0; w < results[r].length; w++) {
                    operations += results[r][w][0];
                    changes += results[r][w][2];
                    perWorker[w] += results[r][w][0];
                }
            }
            double fewestShare = WorkerHarness.fewestShare(perWorker);
            if (c.operation().equals("lockIncrement") && state.get(0) != operations) {
                throw new IllegalStateException(
                        impl + " lost updates: counter " + state.get(0) + ", operations " + operations);
            }
            System.out.printf(
                    Locale.ROOT,
                    "result suite=locks impl=java-%s op=%s processes=%d ops_per_s=%s"
                            + " owner_change=%.3f fewest_share=%.2f%n",
                    impl,
                    c.operation(),
                    c.processes(),
                    WorkerHarness.medianAndReps(opsPerSecond),
                    operations == 0 ? 0.0 : (double) changes / operations,
                    fewestShare);
        } finally {
            SharedMemory.unlink(region);
            Files.deleteIfExists(file);
        }
    }
}
