package dev.interproc.testing;

import dev.interproc.connection.Connection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client of a {@link HostileListener}: round-trips "ping N" on its own thread until stopped,
 * recording each latency, or records the first failure (no answer within the patience, a wrong answer, an
 * exception) and stops.
 */
public final class GoodClient implements Runnable {

    private final Connection connection;
    private final Duration patience;
    private final Semaphore roundTrips = new Semaphore(0);
    private long[] latencies = new long[1024];
    private int count;
    private volatile boolean stopped;
    private volatile Throwable failure;

    /**
     * A client on {@code connection}, which it closes when it stops.
     *
     * @param patience how long one round trip may take before the client fails
     */
    public GoodClient(Connection connection, Duration patience) {
        this.connection = connection;
        this.patience = patience;
    }

    @Override
    public void run() {
        try (connection) {
            for (int i = 0; !stopped; i++) {
                byte[] ping = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                connection.sendBytes(ping);
                if (!connection.poll(patience)) {
                    throw new IOException("no answer to round trip " + i + " within " + patience);
                }
                byte[] answer = connection.recvBytes();
                if (!Arrays.equals(ping, answer)) {
                    throw new IOException("round trip " + i + " answered "
                            + new String(answer, StandardCharsets.ISO_8859_1) + " to "
                            + new String(ping, StandardCharsets.US_ASCII));
                }
                record(System.nanoTime() - start);
                roundTrips.release();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            roundTrips.release(Integer.MAX_VALUE / 2); // whoever waits for round trips stops and reports it
        }
    }

    /**
     * Waits for {@code count} more round trips than have been made so far.
     *
     * @return false if they were not made within the patience each, or the client failed
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitRoundTrips(int count) throws InterruptedException {
        roundTrips.drainPermits();
        if (failure != null) {
            return false;
        }
        return roundTrips.tryAcquire(count, patience.toNanos() * count, TimeUnit.NANOSECONDS) && failure == null;
    }

    /** Stops after the round trip under way; the thread running the client then closes its connection. */
    public void stop() {
        stopped = true;
    }

    /** @return the first failure, or null */
    public Throwable failure() {
        return failure;
    }

    /** Forgets the latencies recorded so far, so that the next figures describe only what follows. */
    public synchronized void resetLatencies() {
        count = 0;
    }

    /** @return the round trips recorded since the start or the last reset */
    public synchronized int roundTripCount() {
        return count;
    }

    /**
     * The latency at a percentile of those recorded since the start or the last reset.
     *
     * @param percent 50 for the median, 100 for the maximum
     * @return the latency in nanoseconds, or 0 if none was recorded
     */
    public synchronized long percentileNanos(double percent) {
        if (count == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(count * percent / 100.0) - 1)];
    }

    private synchronized void record(long nanos) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = nanos;
    }
}
