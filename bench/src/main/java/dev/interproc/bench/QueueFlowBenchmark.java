package dev.interproc.bench;

import dev.interproc.SharedMemory;
import dev.interproc.SharedQueue;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How soon a {@link SharedQueue} flows again after the process holding one of its locks is killed with SIGKILL
 * (issue 13: within 10 ms, found through the process table, nobody calling an unblock method).
 *
 * <pre>QueueFlowBenchmark [ROUNDS]     default 20 rounds per side</pre>
 *
 * Per round, a {@link QueueWorker} JVM ({@code doomed-put} or {@code doomed-take}) takes the producers' or the
 * consumers' lock and stays inside the write or the read (the test hook {@code interproc.test.queuePauseMillis}
 * holds it there). A thread of this process is then started on the same side ({@code put} or {@code take}) and
 * waits for the lock; after {@value #WAITER_HEAD_START_MILLIS} ms the worker is killed. The figure is the time from
 * just before the SIGKILL to that thread's return: the death noticed, the lock taken over, the message moved. One
 * round more than reported runs first, as the warm-up.
 * Prints, per side:
 * <pre>result suite=queue-flow impl=java-interproc op=producer-killed rounds=N p50_us=A p99_us=B max_us=C</pre>
 */
public final class QueueFlowBenchmark {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long WAITER_HEAD_START_MILLIS = 20;
    private static final String SLOT = "bench/flow";

    private QueueFlowBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (rounds < 1 || args.length > 1) {
            throw new IllegalArgumentException("usage: QueueFlowBenchmark [ROUNDS >= 1]");
        }
        System.out.println("# queue flow after a SIGKILL of a lock holder, " + rounds + " rounds per side");
        for (String side : new String[] {"producer", "consumer"}) {
            long[] micros = new long[rounds];
            String region = "ip-bench-flow-" + ProcessHandle.current().pid() + "-" + side;
            try (SharedMemory memory = SharedMemory.create(region)) {
                SharedQueue queue = memory.sharedQueue(SLOT, QueueBenchmark.CAPACITY, QueueTransport.MESSAGE_BYTES);
                round(region, queue, side.equals("producer")); // warm-up: the first takeover loads its classes
                for (int round = 0; round < rounds; round++) {
                    micros[round] = round(region, queue, side.equals("producer"));
                }
            } finally {
                SharedMemory.unlink(region);
            }
            Arrays.sort(micros);
            System.out.printf(
                    Locale.ROOT,
                    "result suite=queue-flow impl=java-interproc op=%s-killed rounds=%d p50_us=%d p99_us=%d"
                            + " max_us=%d%n",
                    side,
                    rounds,
                    micros[rounds / 2],
                    micros[(int) (rounds * 0.99)],
                    micros[rounds - 1]);
        }
    }

    /** One kill: returns the microseconds from the SIGKILL to the waiting thread's return. */
    private static long round(String region, SharedQueue queue, boolean producer) throws Exception {
        byte[] message = QueueTransport.message(QueueTransport.DATA);
        if (!producer) {
            queue.put(message); // the message the doomed consumer is reading
        }
        try (JavaProcess doomed = JavaProcess.builder(QueueWorker.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .systemProperty("interproc.test.queuePauseMillis", Long.toString(TimeUnit.HOURS.toMillis(1)))
                .args(producer ? "doomed-put" : "doomed-take", region, SLOT)
                .start()) {
            StartHandshake.awaitReady(doomed, PATIENCE);
            StartHandshake.go(doomed);
            awaitHolder(region, (producer ? "producers" : "consumers") + "' lock held by pid " + doomed.pid());
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    if (producer) {
                        queue.put(message);
                    } else {
                        queue.take();
                    }
                    return System.nanoTime();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAITER_HEAD_START_MILLIS));
            long killed = System.nanoTime();
            doomed.kill();
            long flowing = waiter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            doomed.waitFor(PATIENCE);
            if (producer && queue.poll() == null) {
                throw new IllegalStateException("the message put after the kill is missing");
            }
            if (!queue.isEmpty()) {
                throw new IllegalStateException("the queue holds " + queue.size() + " messages after a round");
            }
            return TimeUnit.NANOSECONDS.toMicros(flowing - killed);
        }
    }

    /** Waits until the queue's description names the holder. */
    private static void awaitHolder(String region, String holder) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (SharedMemory.inspect(region).slots().stream()
                .noneMatch(slot -> slot.name().equals(SLOT) && slot.value().contains(holder))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no worker took the lock: " + holder);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
