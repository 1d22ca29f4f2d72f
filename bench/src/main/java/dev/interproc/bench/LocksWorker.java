package dev.interproc.bench;

import dev.interproc.SharedLock;
import dev.interproc.SharedLongArray;
import dev.interproc.SharedMemory;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;

/**
 * One process of {@link LocksBenchmark}: {@code LocksWorker REGION IMPL OPERATION REPETITIONS SECONDS CPU INDEX}.
 *
 * <p>IMPL is {@code shared-lock} (a SharedLock) or {@code file-lock} (java.nio FileChannel.lock on a file
 * beside the region); OPERATION is {@code lockUnlock} or {@code lockIncrement} (lock, increment a plain
 * shared counter, note whether the previous holder was another process, unlock), the same loop as
 * bench/baselines/locks_baseline.c. The worker pins itself to CPU, warms up alone, then per repetition
 * prints {@code READY r}, waits for GO, and prints {@code RESULT r OPERATIONS NANOSECONDS OWNER_CHANGES}.
 */
public final class LocksWorker {

    static final int BATCH = 256;
    private static final long WARMUP_NANOS = 1_500_000_000L;

    private LocksWorker() {}

    public static void main(String[] args) throws IOException {
        String region = args[0];
        String impl = args[1];
        boolean increment = args[2].equals("lockIncrement");
        int repetitions = Integer.parseInt(args[3]);
        long nanos = (long) (Double.parseDouble(args[4]) * 1e9);
        CpuAffinity.pinCurrentThread(Integer.parseInt(args[5]));
        long me = Long.parseLong(args[6]) + 1;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (SharedMemory memory = SharedMemory.open(region);
                FileChannel file = FileChannel.open(LocksBenchmark.lockFile(region), StandardOpenOption.WRITE)) {
            SharedLock lock = memory.sharedLock(LocksBenchmark.LOCK_SLOT);
            SharedLongArray state = memory.sharedLongArray(LocksBenchmark.STATE_SLOT, 2);
            run(impl, lock, file, state, increment, me, System.nanoTime() + WARMUP_NANOS);
            state.set(0, 0);
            for (int r = 0; r < repetitions; r++) {
                StartHandshake.signalReady(r);
                StartHandshake.awaitGo(stdin);
                long start = System.nanoTime();
                long[] opsAndChanges = run(impl, lock, file, state, increment, me, start + nanos);
                long elapsed = System.nanoTime() - start;
                System.out.println("RESULT " + r + " " + opsAndChanges[0] + " " + elapsed + " " + opsAndChanges[1]);
            }
        }
    }

    private static long[] run(
            String impl,
            SharedLock lock,
            FileChannel file,
            SharedLongArray state,
            boolean increment,
            long me,
            long deadline)
            throws IOException {
        return switch (impl) {
            case "shared-lock" -> sharedLock(lock, state, increment, me, deadline);
            case "file-lock" -> fileLock(file, state, increment, me, deadline);
            default -> throw new IllegalArgumentException("unknown lock " + impl + "; shared-lock or file-lock");
        };
    }

    private static long[] sharedLock(
            SharedLock lock, SharedLongArray state, boolean increment, long me, long deadline) {
        long ops = 0;
        long changes = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                lock.lock();
                if (increment) {
                    state.setOpaque(0, state.getOpaque(0) + 1);
                    if (state.getOpaque(1) != me) {
                        changes++;
                        state.setOpaque(1, me);
                    }
                }
                lock.unlock();
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        return new long[] {ops, changes};
    }

    private static long[] fileLock(FileChannel file, SharedLongArray state, boolean increment, long me, long deadline)
            throws IOException {
        long ops = 0;
        long changes = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                FileLock held = file.lock();
                if (increment) {
                    state.setOpaque(0, state.getOpaque(0) + 1);
                    if (state.getOpaque(1) != me) {
                        changes++;
                        state.setOpaque(1, me);
                    }
                }
                held.release();
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        return new long[] {ops, changes};
    }
}
