package dev.interproc.bench;

import dev.interproc.SharedLong;
import dev.interproc.SharedMemory;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * One process of {@link AtomicsBenchmark}: {@code AtomicsWorker REGION OPERATION REPETITIONS SECONDS CPU}.
 *
 * <p>It pins itself to the given CPU, warms the operation up alone (so that the JIT has compiled its
 * loop), then for each repetition prints {@code READY r}, waits for {@code GO} on standard input, runs
 * the operation on the shared long for the given time and prints {@code RESULT r OPERATIONS NANOSECONDS}.
 *
 * <p>Each operation has its own loop method calling one SharedLong method, so every call site is
 * monomorphic and inlined; the loops have the shape of the C baseline's (bench/baselines/atomics_baseline.c):
 * batches of {@value #BATCH} operations between looks at the clock.
 */
public final class AtomicsWorker {

    /** Operations between two looks at the clock, as in the C baseline. */
    static final int BATCH = 4096;

    private static final long WARMUP_NANOS = 1_500_000_000L;

    /** Where loads go, so that the JIT cannot drop them. */
    private static volatile long sink;

    private AtomicsWorker() {}

    public static void main(String[] args) throws IOException {
        String region = args[0];
        String operation = args[1];
        int repetitions = Integer.parseInt(args[2]);
        long nanos = (long) (Double.parseDouble(args[3]) * 1e9);
        CpuAffinity.pinCurrentThread(Integer.parseInt(args[4]));
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedLong value = memory.sharedLong(AtomicsBenchmark.SLOT);
            run(operation, value, System.nanoTime() + WARMUP_NANOS);
            for (int r = 0; r < repetitions; r++) {
                StartHandshake.signalReady(r);
                StartHandshake.awaitGo(stdin);
                long start = System.nanoTime();
                long ops = run(operation, value, start + nanos);
                long elapsed = System.nanoTime() - start;
                System.out.println("RESULT " + r + " " + ops + " " + elapsed);
            }
        }
    }

    static long run(String operation, SharedLong value, long deadline) {
        return switch (operation) {
            case "get" -> get(value, deadline);
            case "set" -> set(value, deadline);
            case "getAndAdd" -> getAndAdd(value, deadline);
            case "compareAndSet" -> compareAndSet(value, deadline);
            default ->
                throw new IllegalArgumentException(
                        "unknown operation " + operation + "; one of get, set, getAndAdd, compareAndSet");
        };
    }

    private static long get(SharedLong value, long deadline) {
        long ops = 0;
        long sum = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                sum += value.get();
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        sink = sum;
        return ops;
    }

    private static long set(SharedLong value, long deadline) {
        long ops = 0;
        long next = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                value.set(next++);
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        return ops;
    }

    private static long getAndAdd(SharedLong value, long deadline) {
        long ops = 0;
        long sum = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                sum += value.getAndAdd(1);
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        sink = sum;
        return ops;
    }

    /**
     * One operation is one successful increment by compare-and-set. A failure retries from the witnessed value
     * that {@code compareAndExchange} returns, as C's failed {@code atomic_compare_exchange_strong} does: the same
     * {@code lock cmpxchg} as compareAndSet, without a second read of a line the other process just took.
     */
    private static long compareAndSet(SharedLong value, long deadline) {
        long ops = 0;
        do {
            long seen = value.get();
            for (int i = 0; i < BATCH; i++) {
                long witnessed;
                while ((witnessed = value.compareAndExchange(seen, seen + 1)) != seen) {
                    seen = witnessed;
                }
                seen++;
            }
            ops += BATCH;
        } while (System.nanoTime() < deadline);
        return ops;
    }
}
