package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the cross-process queue tests ({@link QueueAcrossProcessesTest}, {@link QueueKillLoopTest}) share: the queue
 * of the test's region, its {@link QueueChild} JVMs, the check of a message, the kill and its timing.
 */
final class QueueChildren {

    static final Duration PATIENCE = Duration.ofSeconds(120);
    /** A region with room for the queue at any {@link QueueScale}. */
    static final RegionOptions REGION_OPTIONS =
            RegionOptions.defaults().withSize(Math.max(RegionOptions.DEFAULT_SIZE, 4 * QueueChild.CAPACITY));

    private final TestRegion region;

    QueueChildren(TestRegion region) {
        this.region = region;
    }

    SharedQueue queue() {
        return region.memory().sharedQueue("q", QueueChild.CAPACITY, QueueChild.MAX_MESSAGE);
    }

    JavaProcess child(String... args) {
        return childWithPause(0, args);
    }

    /** A child whose queue pauses {@code pauseMillis} inside every write and read (the test hook). */
    JavaProcess childWithPause(long pauseMillis, String... args) {
        List<String> all = new ArrayList<>(List.of(args[0], region.name(), "q"));
        all.addAll(List.of(args).subList(1, args.length));
        return QueueScale.passOn(JavaProcess.builder(QueueChild.class))
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .systemProperty("interproc.test.queuePauseMillis", Long.toString(pauseMillis))
                .args(all.toArray(String[]::new))
                .start();
    }

    /** The queue's state as {@code interproc show} describes it. */
    String queueState() {
        return SharedMemory.inspect(region.name()).slots().stream()
                .filter(slot -> slot.name().equals("q"))
                .findFirst()
                .orElseThrow()
                .value();
    }

    /** Checks that {@code message} is intact and is message {@code sequence} of producer {@code producer}. */
    static void checkMessage(byte[] message, int producer, int sequence, long seed) {
        String which = "producer " + producer + "'s message " + sequence + " (seed " + seed + ")";
        assertTrue(message != null && message.length >= QueueChild.HEADER, which + ": missing or torn");
        ByteBuffer header = ByteBuffer.wrap(message);
        assertEquals(producer, header.getInt(), which);
        assertEquals(sequence, header.getInt(), which + ": lost, duplicated or out of order");
        assertEquals(QueueChild.checksum(message), header.getLong(), which + ": torn");
    }

    /** A checked message (see {@link QueueChild}) of 16 bytes to the largest. */
    static byte[] checkedMessage(int producer, int sequence, Random content) {
        byte[] message = new byte[QueueChild.HEADER + content.nextInt(QueueChild.MAX_MESSAGE - QueueChild.HEADER + 1)];
        content.nextBytes(message);
        ByteBuffer.wrap(message).putInt(producer).putInt(sequence).putLong(QueueChild.checksum(message));
        return message;
    }

    /** Kills {@code child} with SIGKILL and returns the nanoseconds until its exit was seen. */
    static long killAndAwaitDeath(JavaProcess child) throws Exception {
        long killedAt = System.nanoTime();
        child.kill();
        child.waitFor(PATIENCE);
        return System.nanoTime() - killedAt;
    }

    /**
     * Per kill: the time until the child's exit was seen, then until the queue's next operation was done, and the
     * sum: from the SIGKILL to the queue flowing again. Printed, not asserted (figures belong in bench/: the
     * queue-flow suite).
     */
    static final class FlowTimes {
        private final List<Long> deathMicros = new ArrayList<>();
        private final List<Long> takeoverMicros = new ArrayList<>();
        private final List<Long> totalMicros = new ArrayList<>();

        void add(long deathNanos, long takeoverNanos) {
            deathMicros.add(TimeUnit.NANOSECONDS.toMicros(deathNanos));
            takeoverMicros.add(TimeUnit.NANOSECONDS.toMicros(takeoverNanos));
            totalMicros.add(TimeUnit.NANOSECONDS.toMicros(deathNanos + takeoverNanos));
        }

        void print(String what) {
            if (totalMicros.isEmpty()) {
                return;
            }
            System.out.printf(
                    "queue, %s (%d rounds), microseconds p50/p99/max: kill to exit seen %s, then to flowing again %s;"
                            + " kill to flowing again %s%n",
                    what,
                    totalMicros.size(),
                    percentiles(deathMicros),
                    percentiles(takeoverMicros),
                    percentiles(totalMicros));
        }

        private static String percentiles(List<Long> micros) {
            List<Long> sorted = micros.stream().sorted().toList();
            return sorted.get(sorted.size() / 2) + "/" + sorted.get((int) (sorted.size() * 0.99)) + "/"
                    + sorted.getLast();
        }
    }
}
