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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedQueue} between JVMs ({@link QueueChild}): many producers and consumers, a producer and a consumer
 * killed with SIGKILL inside a write or a read, and blocked virtual takers; {@link QueueKillLoopTest} kills at random
 * moments. The scale comes from {@link QueueScale}.
 */
class QueueAcrossProcessesTest {

    private static final Duration PATIENCE = QueueChildren.PATIENCE;
    /** Rounds of each kill test: each starts a child JVM. */
    private static final int KILL_ROUNDS = 5;

    @RegisterExtension
    final TestRegion region =
            new TestRegion("xqueue", RegionOptions.defaults().withSize(Math.max(1 << 20, 4 * QueueChild.CAPACITY)));

    @TempDir
    Path journals;

    private final QueueChildren children = new QueueChildren(region);

    private SharedQueue queue() {
        return children.queue();
    }

    private JavaProcess child(String... args) {
        return children.child(args);
    }

    private JavaProcess childWithPause(long pauseMillis, String... args) {
        return children.childWithPause(pauseMillis, args);
    }

    private String queueState() {
        return children.queueState();
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
        QueueChild.checkJournals(outputs, sent);
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
        QueueChildren.FlowTimes flow = new QueueChildren.FlowTimes();
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
        QueueChildren.FlowTimes flow = new QueueChildren.FlowTimes();
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
        QueueChildren.FlowTimes flow = new QueueChildren.FlowTimes();
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
                long dying = QueueChildren.killAndAwaitDeath(consumer);
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
     * A consumer is killed in the middle of a batch read ({@link SharedQueue#drain}): 3 messages handled, inside the
     * handler of the 4th, the rest of the batch not yet read, {@code head} not moved. The next consumer gets the
     * whole batch again, the 3 handled included (the documented at-least-once case), intact and in order, then
     * what was put after: nothing lost, nothing torn.
     */
    @Test
    @Timeout(600)
    void aConsumerKilledInsideABatchLeavesTheWholeBatchToTheNextConsumer() throws Exception {
        SharedQueue queue = queue();
        QueueChildren.FlowTimes flow = new QueueChildren.FlowTimes();
        int batch = 8;
        int handled = 3;
        for (int round = 0; round < KILL_ROUNDS; round++) {
            Random content = new Random(round);
            for (int sequence = 0; sequence < batch; sequence++) {
                queue.put(QueueChildren.checkedMessage(round, sequence, content));
            }
            try (JavaProcess consumer = child("drain-stuck", Integer.toString(handled))) {
                StartHandshake.awaitReady(consumer, PATIENCE);
                StartHandshake.go(consumer);
                consumer.awaitLine(("STUCK " + handled)::equals, PATIENCE);
                for (int sequence = 0; sequence < handled; sequence++) {
                    assertTrue(consumer.transcript().contains("HANDLED " + sequence), consumer.transcript());
                }
                assertEquals(batch, queue.size(), "nothing consumed before the batch ends");
                queue.put(QueueChildren.checkedMessage(round, batch, content));
                long dying = QueueChildren.killAndAwaitDeath(consumer);
                assertTrue(queueState().contains("the message it was reading stays in the queue"), queueState());
                long flowing = System.nanoTime();
                List<byte[]> again = new ArrayList<>();
                assertTrue(queue.drain(message -> again.add(message.toArray(JAVA_BYTE)), 100, PATIENCE) > 0);
                flow.add(dying, System.nanoTime() - flowing);
                assertEquals(batch + 1, again.size(), "the dead consumer's batch, then the message put after");
                for (int sequence = 0; sequence <= batch; sequence++) {
                    QueueChildren.checkMessage(again.get(sequence), round, sequence, round);
                }
                assertTrue(queue.isEmpty());
            }
        }
        flow.print("a consumer killed inside a batch read");
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

    /**
     * Kills {@code producer}, caught inside a write (holding the producers' lock, nothing published), and checks
     * that the inspection names the dead producer, the queue flows again and holds {@code before}, then the next
     * message, and nothing of the dead producer's.
     */
    private void killInsideAWrite(
            JavaProcess producer, SharedQueue queue, byte[] before, int round, QueueChildren.FlowTimes flow)
            throws Exception {
        long dying = QueueChildren.killAndAwaitDeath(producer);
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

    private MemorySegment slotMemory() {
        return new SlotDirectory(region.memory().region())
                .entries().stream()
                        .filter(entry -> entry.name().equals("q"))
                        .findFirst()
                        .orElseThrow()
                        .value();
    }
}
