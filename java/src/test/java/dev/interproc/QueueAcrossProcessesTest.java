package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedQueue} between JVMs ({@link QueueChild}): many producers and consumers, and producers and consumers
 * killed with SIGKILL inside a write or a read.
 */
class QueueAcrossProcessesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Rounds of each kill test: each starts a child JVM. */
    private static final int KILL_ROUNDS = 5;

    @RegisterExtension
    final TestRegion region =
            new TestRegion("xqueue", RegionOptions.defaults().withSize(Math.max(1 << 20, 4 * QueueChild.CAPACITY)));

    @TempDir
    Path journals;

    private SharedQueue queue() {
        return region.memory().sharedQueue("q", QueueChild.CAPACITY, QueueChild.MAX_MESSAGE);
    }

    private JavaProcess child(String... args) {
        return childWithPause(0, args);
    }

    /** A child whose queue pauses {@code pauseMillis} inside every write and read (the test hook). */
    private JavaProcess childWithPause(long pauseMillis, String... args) {
        List<String> all = new ArrayList<>(List.of(args[0], region.name(), "q"));
        all.addAll(List.of(args).subList(1, args.length));
        return QueueScale.passOn(JavaProcess.builder(QueueChild.class))
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .systemProperty("interproc.test.queuePauseMillis", Long.toString(pauseMillis))
                .args(all.toArray(String[]::new))
                .start();
    }

    /**
     * 2 producer and 2 consumer JVMs (at the full scale of docs/testing.md: 4 and 4) move 200,000 checksummed
     * messages (2,000,000) of 16 bytes to 2 KiB (64 KiB): every message arrives exactly once and intact (the
     * consumers check each checksum), and each consumer sees each producer's messages in the order they were sent.
     */
    @Test
    @Timeout(7200)
    void producersAndConsumersMoveEveryMessageExactlyOnceInProducerOrder() throws Exception {
        int producerCount = QueueScale.PRODUCERS_COUNT;
        int consumerCount = QueueScale.CONSUMERS_COUNT;
        int total = QueueScale.MESSAGES_COUNT;
        SharedQueue queue = queue();
        List<JavaProcess> producers = new ArrayList<>();
        int[] sent = new int[producerCount];
        for (int p = 0; p < producerCount; p++) {
            sent[p] = total / producerCount + (p < total % producerCount ? 1 : 0);
            producers.add(child("produce", Integer.toString(p), Integer.toString(sent[p])));
        }
        List<Path> outputs = new ArrayList<>();
        List<JavaProcess> consumers = new ArrayList<>();
        for (int c = 0; c < consumerCount; c++) {
            outputs.add(journals.resolve("consumer-" + c));
            consumers.add(child("consume", outputs.get(c).toString()));
        }
        List<JavaProcess> all = new ArrayList<>(producers);
        all.addAll(consumers);
        Duration patience = PATIENCE.multipliedBy(1 + total / 100_000);
        try {
            StartHandshake.startTogether(all, PATIENCE);
            long start = System.nanoTime();
            for (JavaProcess producer : producers) {
                assertEquals(0, producer.waitFor(patience), producer.transcript());
            }
            for (int i = 0; i < consumers.size(); i++) {
                queue.put(new byte[0]);
            }
            for (JavaProcess consumer : consumers) {
                assertEquals(0, consumer.waitFor(patience), consumer.transcript());
            }
            long nanos = System.nanoTime() - start;
            System.out.printf(
                    "queue, %d producer and %d consumer JVMs: %d messages of %d..%d bytes in %d ms (%.0f messages/s)%n",
                    producerCount,
                    consumerCount,
                    total,
                    QueueChild.HEADER,
                    QueueChild.MAX_MESSAGE,
                    TimeUnit.NANOSECONDS.toMillis(nanos),
                    total * 1e9 / nanos);
        } finally {
            all.forEach(JavaProcess::close);
        }
        List<BitSet> received = new ArrayList<>();
        for (int p = 0; p < producerCount; p++) {
            received.add(new BitSet(sent[p]));
        }
        for (Path output : outputs) {
            int[] last = new int[producerCount];
            Arrays.fill(last, -1);
            try (DataInputStream journal = new DataInputStream(new BufferedInputStream(Files.newInputStream(output)))) {
                while (true) {
                    int producer;
                    try {
                        producer = journal.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    int sequence = journal.readInt();
                    assertTrue(
                            sequence > last[producer],
                            output + ": producer " + producer + "'s " + sequence + " came after its " + last[producer]);
                    last[producer] = sequence;
                    assertTrue(
                            !received.get(producer).get(sequence),
                            "producer " + producer + "'s message " + sequence + " arrived twice");
                    received.get(producer).set(sequence);
                }
            }
        }
        for (int p = 0; p < producerCount; p++) {
            assertEquals(sent[p], received.get(p).cardinality(), "messages of producer " + p + " lost");
        }
        assertTrue(queue.isEmpty());
    }

    /**
     * A producer is killed while its message is written but not yet published (the test hook holds it there): no
     * consumer ever sees it, the inspection says the dead producer's message will be written over, and the next
     * producer takes the producers' lock over and the queue flows again.
     */
    @Test
    @Timeout(600)
    void aProducerKilledInsideAWritePublishesNothingAndTheQueueFlowsAgain() throws Exception {
        SharedQueue queue = queue();
        MemorySegment slot = slotMemory();
        FlowTimes flow = new FlowTimes();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            byte[] before = SharedQueueTest.message(round, 100);
            assertTrue(queue.offer(before));
            long tail = slot.get(JAVA_LONG, RegionLayout.QUEUE_TAIL_OFFSET);
            try (JavaProcess producer = childWithPause(TimeUnit.HOURS.toMillis(1), "put-doomed")) {
                StartHandshake.awaitReady(producer, PATIENCE);
                StartHandshake.go(producer);
                producer.awaitLine("PUTTING"::equals, PATIENCE);
                long at = RegionLayout.QUEUE_RING_OFFSET + (tail & (QueueChild.CAPACITY - 1));
                ChildProgress.await(
                        producer,
                        PATIENCE,
                        "the producer never wrote its message",
                        () -> slot.get(JAVA_INT, at) == QueueChild.MAX_MESSAGE
                                && slot.get(JAVA_BYTE, at + 4 + QueueChild.MAX_MESSAGE - 1) == QueueChild.DOOMED);
                assertEquals(tail, slot.get(JAVA_LONG, RegionLayout.QUEUE_TAIL_OFFSET), "nothing published yet");
                long dying = killAndAwaitDeath(producer);
                assertTrue(
                        queueState()
                                .contains("producers' lock owner dead (pid " + producer.pid()
                                        + "): its unpublished message will be written over"),
                        queueState());
                byte[] after = SharedQueueTest.message(round + 1000, 50);
                long flowing = System.nanoTime();
                assertTrue(queue.offer(after, PATIENCE), "the queue never flowed again");
                flow.add(dying, System.nanoTime() - flowing);
                assertArrayEquals(before, queue.poll());
                assertArrayEquals(after, queue.poll(), "the dead producer's message was published");
                assertNull(queue.poll());
            }
        }
        flow.print("a producer killed inside a write");
    }

    /**
     * A consumer is killed while it reads a message (it holds the consumers' lock, head not yet moved): the next
     * consumer gets that same message, then the rest, in order (the documented at-least-once case).
     */
    @Test
    @Timeout(600)
    void aConsumerKilledInsideAReadLeavesItsMessageToTheNextConsumer() throws Exception {
        SharedQueue queue = queue();
        FlowTimes flow = new FlowTimes();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            byte[] first = SharedQueueTest.message(round, 200);
            byte[] second = SharedQueueTest.message(round + 1000, 7);
            queue.put(first);
            queue.put(second);
            try (JavaProcess consumer = childWithPause(TimeUnit.HOURS.toMillis(1), "take-doomed")) {
                StartHandshake.awaitReady(consumer, PATIENCE);
                StartHandshake.go(consumer);
                consumer.awaitLine("TAKING"::equals, PATIENCE);
                String heldByChild = "consumers' lock held by pid " + consumer.pid();
                ChildProgress.await(
                        consumer, PATIENCE, "the consumer never took the consumers' lock", () -> queueState()
                                .contains(heldByChild));
                long dying = killAndAwaitDeath(consumer);
                assertTrue(queueState().contains("the message it was reading stays in the queue"), queueState());
                long flowing = System.nanoTime();
                byte[] again = queue.poll(PATIENCE);
                flow.add(dying, System.nanoTime() - flowing);
                assertArrayEquals(first, again, "the dead consumer's message is the next one taken");
                assertArrayEquals(second, queue.poll());
                assertNull(queue.poll());
            }
        }
        flow.print("a consumer killed inside a read");
    }

    /**
     * 20 rounds (at the full scale of docs/testing.md: 200): a producer or a consumer JVM, chosen at random, is killed
     * at a random moment; every second round the test hook pauses it inside each write or read, so that most of those
     * kills land between writing and publishing, or between acting on a message and freeing it. This process plays
     * the other side. Whatever the moment: a killed producer's published messages all arrive, intact and in order
     * (sequence 0, 1, 2, ... with no gap), and nothing else; of a killed consumer's messages, every one it did not
     * act on arrives here, intact and in order, and the one it acted on without freeing it arrives again (the
     * documented at-least-once case), nothing else. The time from the kill until the queue flowed again is printed.
     */
    @Test
    @Timeout(7200)
    void producersAndConsumersKilledAtRandomMomentsLoseNothingAndTearNothing() throws Exception {
        SharedQueue queue = queue();
        SharedLong acted = region.memory().sharedLong("acted");
        long seed = Long.getLong("interproc.test.seed", System.nanoTime());
        Random random = new Random(seed);
        FlowTimes producerFlow = new FlowTimes();
        FlowTimes consumerFlow = new FlowTimes();
        int rounds = QueueScale.KILL_ROUNDS_COUNT;
        int producersKilled = 0;
        int killedInsideAWrite = 0;
        int killedInsideARead = 0;
        int redelivered = 0;
        for (int round = 0; round < rounds; round++) {
            boolean aimed = round % 2 == 1;
            if (random.nextBoolean()) {
                producersKilled++;
                if (killProducer(queue, round, aimed, random, seed, producerFlow)) {
                    killedInsideAWrite++;
                }
            } else {
                int outcome = killConsumer(queue, acted, round, aimed, random, seed, consumerFlow);
                killedInsideARead += outcome & 1;
                redelivered += outcome >> 1;
            }
        }
        System.out.printf(
                "queue, kill loop (seed %d, %d rounds): %d producers killed, %d inside a write; %d consumers killed,"
                        + " %d inside a read, %d messages acted on and delivered again%n",
                seed,
                rounds,
                producersKilled,
                killedInsideAWrite,
                rounds - producersKilled,
                killedInsideARead,
                redelivered);
        producerFlow.print("a producer killed at a random moment");
        consumerFlow.print("a consumer killed at a random moment");
    }

    /**
     * A producer child sends checked messages of producer {@code round} and is killed at a random moment; this
     * process takes them all. Returns whether the kill landed inside a write.
     */
    private boolean killProducer(SharedQueue queue, int round, boolean aimed, Random random, long seed, FlowTimes flow)
            throws Exception {
        try (JavaProcess producer =
                childWithPause(aimed ? 1 : 0, "produce", Integer.toString(round), Integer.toString(1 << 30))) {
            StartHandshake.awaitReady(producer, PATIENCE);
            StartHandshake.go(producer);
            int expected = 0;
            for (int before = 1 + random.nextInt(aimed ? 200 : 5000); expected < before; expected++) {
                checkMessage(queue.poll(PATIENCE), round, expected, seed);
            }
            LockSupport.parkNanos(random.nextInt(1_000_000));
            long dying = killAndAwaitDeath(producer);
            boolean inside = queueState().contains("producers' lock owner dead");
            for (byte[] message = queue.poll(); message != null; message = queue.poll(), expected++) {
                checkMessage(message, round, expected, seed);
            }
            long flowing = System.nanoTime();
            assertTrue(queue.offer(new byte[0], PATIENCE), "the queue never flowed again");
            flow.add(dying, System.nanoTime() - flowing);
            assertArrayEquals(new byte[0], queue.poll());
            assertNull(queue.poll());
            return inside;
        }
    }

    /**
     * A consumer child acts on this process's checked messages (producer {@code round}) and is killed at a random
     * moment; then this process takes what is left. Returns 1 if the kill landed inside a read, plus 2 if the message
     * the child acted on last came again.
     */
    private int killConsumer(
            SharedQueue queue, SharedLong acted, int round, boolean aimed, Random random, long seed, FlowTimes flow)
            throws Exception {
        acted.set(-1);
        int sent = 1 + random.nextInt(aimed ? 200 : 5000);
        try (JavaProcess consumer = childWithPause(aimed ? 1 : 0, "consume-acting", "acted")) {
            StartHandshake.awaitReady(consumer, PATIENCE);
            StartHandshake.go(consumer);
            Random content = new Random(seed + round);
            for (int sequence = 0; sequence < sent; sequence++) {
                assertTrue(queue.offer(checkedMessage(round, sequence, content), PATIENCE), "the child took nothing");
            }
            LockSupport.parkNanos(random.nextInt(1_000_000));
            assertTrue(consumer.isAlive(), "the consumer ended before its kill: " + consumer.transcript());
            long dying = killAndAwaitDeath(consumer);
            boolean inside = queueState().contains("consumers' lock owner dead");
            long flowing = System.nanoTime();
            byte[] message = queue.poll(); // takes the consumers' lock over if the child died holding it
            flow.add(dying, System.nanoTime() - flowing);
            long actedOn = acted.get();
            int expected = (int) actedOn + 1;
            boolean again =
                    message != null && actedOn >= 0 && ByteBuffer.wrap(message).getInt(4) == actedOn;
            if (again) {
                expected = (int) actedOn; // acted on, but its space not freed: delivered again, as documented
            }
            for (; message != null; message = queue.poll(), expected++) {
                checkMessage(message, round, expected, seed);
            }
            assertEquals(sent, expected, "round " + round + ": the messages after " + actedOn + " were lost");
            return (inside ? 1 : 0) + (again ? 2 : 0);
        }
    }

    /** A checked message (see {@link QueueChild}) of 16 bytes to the largest. */
    private static byte[] checkedMessage(int producer, int sequence, Random content) {
        byte[] message = new byte[QueueChild.HEADER + content.nextInt(QueueChild.MAX_MESSAGE - QueueChild.HEADER + 1)];
        content.nextBytes(message);
        ByteBuffer.wrap(message).putInt(producer).putInt(sequence).putLong(QueueChild.checksum(message));
        return message;
    }

    /**
     * 1,000 virtual threads of a child JVM with 2 carriers block in {@code take}: they sleep off their carriers, so
     * 1,000 other virtual threads of the child still run to their end, and a message for each taker wakes them all.
     */
    @Test
    @Timeout(300)
    void aThousandBlockedVirtualTakersOnTwoCarriersStarveNoOtherVirtualThread() throws Exception {
        SharedQueue queue = queue();
        int takers = 1000;
        try (JavaProcess child = QueueScale.passOn(JavaProcess.builder(QueueChild.class))
                .jvmOptions("-Xmx128m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .systemProperty("jdk.virtualThreadScheduler.parallelism", "2")
                .args("virtual-takers", region.name(), "q", Integer.toString(takers))
                .start()) {
            StartHandshake.awaitReady(child, PATIENCE);
            StartHandshake.go(child);
            String others = child.awaitLine(line -> line.startsWith("OTHERS "), PATIENCE);
            child.awaitLine("BLOCKED"::equals, PATIENCE);
            for (int i = 0; i < takers; i++) {
                queue.put(new byte[] {(byte) i});
            }
            child.awaitLine("DONE"::equals, PATIENCE);
            assertEquals(0, child.waitFor(PATIENCE), child.transcript());
            System.out.printf(
                    "queue, %d virtual takers blocked on 2 carriers: %d other virtual threads ran in %s ms%n",
                    takers, takers, others.substring("OTHERS ".length()));
        }
        assertTrue(queue.isEmpty());
    }

    /** Checks that {@code message} is intact and is message {@code sequence} of producer {@code producer}. */
    private static void checkMessage(byte[] message, int producer, int sequence, long seed) {
        String which = "producer " + producer + "'s message " + sequence + " (seed " + seed + ")";
        assertTrue(message != null && message.length >= QueueChild.HEADER, which + ": missing or torn");
        ByteBuffer header = ByteBuffer.wrap(message);
        assertEquals(producer, header.getInt(), which);
        assertEquals(sequence, header.getInt(), which + ": lost, duplicated or out of order");
        assertEquals(QueueChild.checksum(message), header.getLong(), which + ": torn");
    }

    /** Kills {@code child} with SIGKILL and returns the nanoseconds until its exit was seen. */
    private static long killAndAwaitDeath(JavaProcess child) throws Exception {
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
    private static final class FlowTimes {
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

    /** The queue's state as {@code interproc show} describes it. */
    private String queueState() {
        return SharedMemory.inspect(region.name()).slots().stream()
                .filter(slot -> slot.name().equals("q"))
                .findFirst()
                .orElseThrow()
                .value();
    }

    private MemorySegment slotMemory() {
        return new SlotDirectory(region.memory().region())
                .entries().stream()
                        .filter(entry -> entry.name().equals("q"))
                        .findFirst()
                        .orElseThrow()
                        .value();
    }
}
