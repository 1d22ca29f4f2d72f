package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
    final TestRegion region = new TestRegion("xqueue");

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
        return JavaProcess.builder(QueueChild.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .systemProperty("interproc.test.queuePauseMillis", Long.toString(pauseMillis))
                .args(all.toArray(String[]::new))
                .start();
    }

    /**
     * 2 producer and 2 consumer JVMs move 200,000 checksummed messages of 16 bytes to 2 KiB: every message arrives
     * exactly once and intact (the consumers check each checksum), and each consumer sees each producer's messages
     * in the order they were sent.
     */
    @Test
    @Timeout(600)
    void twoProducersAndTwoConsumersMoveEveryMessageExactlyOnceInProducerOrder() throws Exception {
        int perProducer = 100_000;
        SharedQueue queue = queue();
        List<JavaProcess> producers = List.of(
                child("produce", "0", Integer.toString(perProducer)),
                child("produce", "1", Integer.toString(perProducer)));
        List<Path> outputs = List.of(journals.resolve("consumer-0"), journals.resolve("consumer-1"));
        List<JavaProcess> consumers = List.of(
                child("consume", outputs.get(0).toString()),
                child("consume", outputs.get(1).toString()));
        List<JavaProcess> all = new ArrayList<>(producers);
        all.addAll(consumers);
        try {
            StartHandshake.startTogether(all, PATIENCE);
            long start = System.nanoTime();
            for (JavaProcess producer : producers) {
                assertEquals(0, producer.waitFor(PATIENCE), producer.transcript());
            }
            for (int i = 0; i < consumers.size(); i++) {
                queue.put(new byte[0]);
            }
            for (JavaProcess consumer : consumers) {
                assertEquals(0, consumer.waitFor(PATIENCE), consumer.transcript());
            }
            long nanos = System.nanoTime() - start;
            System.out.printf(
                    "queue, 2 producer and 2 consumer JVMs: %d messages of 16..%d bytes in %d ms (%.0f messages/s)%n",
                    2 * perProducer,
                    QueueChild.MAX_MESSAGE,
                    TimeUnit.NANOSECONDS.toMillis(nanos),
                    2.0 * perProducer * 1e9 / nanos);
        } finally {
            all.forEach(JavaProcess::close);
        }
        QueueChild.checkJournals(outputs, 2, perProducer);
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
                killInsideAWrite(producer, queue, before, round, flow);
            }
        }
        flow.print("a producer killed inside a write");
    }

    /**
     * A producer is killed between claim and commit ({@link QueueClaim}), its claimed room filled: no consumer ever
     * sees a byte of it, the inspection says the dead producer's message will be written over, and the next producer
     * takes the producers' lock over and the queue flows again.
     */
    @Test
    @Timeout(600)
    void aProducerKilledBetweenClaimAndCommitPublishesNothingAndTheQueueFlowsAgain() throws Exception {
        SharedQueue queue = queue();
        MemorySegment slot = slotMemory();
        FlowTimes flow = new FlowTimes();
        for (int round = 0; round < KILL_ROUNDS; round++) {
            byte[] before = SharedQueueTest.message(round, 100 + 400 * round);
            queue.put(before);
            long tail = slot.get(JAVA_LONG, RegionLayout.QUEUE_TAIL_OFFSET);
            try (JavaProcess producer = child("claim-doomed")) {
                StartHandshake.awaitReady(producer, PATIENCE);
                StartHandshake.go(producer);
                producer.awaitLine("CLAIMED"::equals, PATIENCE);
                assertEquals(tail, slot.get(JAVA_LONG, RegionLayout.QUEUE_TAIL_OFFSET), "nothing published yet");
                assertTrue(queueState().contains("producers' lock held by pid " + producer.pid()), queueState());
                killInsideAWrite(producer, queue, before, round, flow);
            }
        }
        flow.print("a producer killed between claim and commit");
    }

    /** A child JVM puts Strings through a typed view; the parent takes them through its own, in order. */
    @Test
    @Timeout(300)
    void aTypedViewCarriesObjectsBetweenJvms() throws Exception {
        TypedQueue<String> strings = queue().typed(String.class, JavaSerializationCodec.standard());
        int count = 1000;
        try (JavaProcess producer = child("typed-put", Integer.toString(count))) {
            StartHandshake.awaitReady(producer, PATIENCE);
            StartHandshake.go(producer);
            for (int i = 0; i < count; i++) {
                assertEquals("message " + i, strings.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(0, producer.waitFor(PATIENCE), producer.transcript());
        }
        assertNull(strings.poll());
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
     * 20 rounds: a producer JVM sends checked messages and is killed at a random moment, every second round with
     * the test hook pausing it inside each write, so that most of those kills land between writing and publishing.
     * Whatever the moment, the parent (the consumer) receives every message the producer published, intact and in
     * order (sequence 0, 1, 2, ... with no gap), nothing else, and the queue then flows again.
     */
    @Test
    @Timeout(600)
    void producersKilledAtRandomMomentsLoseNothingPublishedAndTearNothing() throws Exception {
        SharedQueue queue = queue();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        FlowTimes flow = new FlowTimes();
        int killedInsideAWrite = 0;
        for (int round = 0; round < 20; round++) {
            boolean aimed = round % 2 == 1;
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
                if (queueState().contains("producers' lock owner dead")) {
                    killedInsideAWrite++;
                }
                for (byte[] message = queue.poll(); message != null; message = queue.poll(), expected++) {
                    checkMessage(message, round, expected, seed);
                }
                long flowing = System.nanoTime();
                assertTrue(queue.offer(new byte[0], PATIENCE), "the queue never flowed again");
                flow.add(dying, System.nanoTime() - flowing);
                assertArrayEquals(new byte[0], queue.poll());
                assertNull(queue.poll());
            }
        }
        System.out.printf(
                "queue, producer kill loop (seed %d): %d of 20 kills inside a write%n", seed, killedInsideAWrite);
        flow.print("a producer killed at a random moment");
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
        try (JavaProcess child = JavaProcess.builder(QueueChild.class)
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

    /**
     * Kills {@code producer}, caught inside a write (holding the producers' lock, nothing published), and checks
     * that the inspection names the dead producer, the queue flows again and holds {@code before}, then the next
     * message, and nothing of the dead producer's.
     */
    private void killInsideAWrite(JavaProcess producer, SharedQueue queue, byte[] before, int round, FlowTimes flow)
            throws Exception {
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

    /** Per kill: the time until the child's exit was seen, and then until the queue's next operation was done. */
    private static final class FlowTimes {
        private final List<Long> deathMicros = new ArrayList<>();
        private final List<Long> takeoverMicros = new ArrayList<>();

        void add(long deathNanos, long takeoverNanos) {
            deathMicros.add(TimeUnit.NANOSECONDS.toMicros(deathNanos));
            takeoverMicros.add(TimeUnit.NANOSECONDS.toMicros(takeoverNanos));
        }

        void print(String what) {
            Collections.sort(deathMicros);
            Collections.sort(takeoverMicros);
            System.out.printf(
                    "queue, %s: exit seen after median %d us (max %d), then flowing again after median %d us (max %d)"
                            + " (%d rounds)%n",
                    what,
                    deathMicros.get(deathMicros.size() / 2),
                    deathMicros.getLast(),
                    takeoverMicros.get(takeoverMicros.size() / 2),
                    takeoverMicros.getLast(),
                    takeoverMicros.size());
        }
    }

    /** The queue's state as {@code interproc show} describes it. */
    private String queueState() {
        return QueueChild.describe(region.name(), "q");
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
