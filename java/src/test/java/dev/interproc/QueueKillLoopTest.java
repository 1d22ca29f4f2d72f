package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's kill loop: {@link SharedQueue} producers and consumers in other JVMs ({@link QueueChild}) killed with
 * SIGKILL at random moments, half of them aimed inside a write or a read. The number of rounds comes from
 * {@link QueueScale}.
 */
class QueueKillLoopTest {

    private static final java.time.Duration PATIENCE = QueueChildren.PATIENCE;
    /** The largest batch of a consumer that reads batches ({@link SharedQueue#drain}). */
    private static final int BATCH = 32;

    @RegisterExtension
    final TestRegion region = new TestRegion("xqkill", QueueChildren.REGION_OPTIONS);

    private final QueueChildren children = new QueueChildren(region);

    /**
     * 20 rounds (at the full scale of docs/testing.md: 200): a producer or a consumer JVM, chosen at random, is killed
     * at a random moment; every second round the test hook pauses it inside each write or read, so that most of those
     * kills land between writing and publishing, or between acting on a message and freeing it. This process plays
     * the other side. Half of the consumers read one message at a time, half in batches of 1 to {@value #BATCH}.
     * Whatever the moment: a killed producer's published messages all arrive, intact and in order (sequence 0, 1,
     * 2, ... with no gap), and nothing else; of a killed consumer's messages, every one it did not act on arrives
     * here, intact and in order, and those it acted on without freeing them arrive again (the documented
     * at-least-once case: the one it read, or the batch it was in), nothing else. The time from the kill until the
     * queue flowed again is printed.
     */
    @Test
    @Timeout(7200)
    void producersAndConsumersKilledAtRandomMomentsLoseNothingAndTearNothing() throws Exception {
        SharedQueue queue = children.queue();
        SharedLong acted = region.memory().sharedLong("acted");
        long seed = Long.getLong("interproc.test.seed", System.nanoTime());
        Random random = new Random(seed);
        QueueChildren.FlowTimes producerFlow = new QueueChildren.FlowTimes();
        QueueChildren.FlowTimes consumerFlow = new QueueChildren.FlowTimes();
        int rounds = QueueScale.KILL_ROUNDS_COUNT;
        int producersKilled = 0;
        int killedInsideAWrite = 0;
        int killedInsideARead = 0;
        int redelivered = 0;
        int batchReaders = 0;
        for (int round = 0; round < rounds; round++) {
            boolean aimed = round % 2 == 1;
            if (random.nextBoolean()) {
                producersKilled++;
                if (killProducer(queue, round, aimed, random, seed, producerFlow)) {
                    killedInsideAWrite++;
                }
            } else {
                int batch = random.nextBoolean() ? 1 + random.nextInt(BATCH) : 0;
                batchReaders += batch > 0 ? 1 : 0;
                int outcome = killConsumer(queue, acted, round, aimed, batch, random, seed, consumerFlow);
                killedInsideARead += outcome & 1;
                redelivered += outcome >> 1;
            }
        }
        System.out.printf(
                "queue, kill loop (seed %d, %d rounds): %d producers killed, %d inside a write; %d consumers killed"
                        + " (%d reading batches), %d inside a read, %d messages acted on and delivered again%n",
                seed,
                rounds,
                producersKilled,
                killedInsideAWrite,
                rounds - producersKilled,
                batchReaders,
                killedInsideARead,
                redelivered);
        producerFlow.print("a producer killed at a random moment");
        consumerFlow.print("a consumer killed at a random moment");
    }

    /**
     * A producer child sends checked messages of producer {@code round} and is killed at a random moment; this
     * process takes them all. Returns whether the kill landed inside a write.
     */
    private boolean killProducer(
            SharedQueue queue, int round, boolean aimed, Random random, long seed, QueueChildren.FlowTimes flow)
            throws Exception {
        try (JavaProcess producer =
                children.childWithPause(aimed ? 1 : 0, "produce", Integer.toString(round), Integer.toString(1 << 30))) {
            StartHandshake.awaitReady(producer, PATIENCE);
            StartHandshake.go(producer);
            int expected = 0;
            for (int before = 1 + random.nextInt(aimed ? 200 : 5000); expected < before; expected++) {
                QueueChildren.checkMessage(queue.poll(PATIENCE), round, expected, seed);
            }
            LockSupport.parkNanos(random.nextInt(1_000_000));
            long dying = QueueChildren.killAndAwaitDeath(producer);
            boolean inside = children.queueState().contains("producers' lock owner dead");
            for (byte[] message = queue.poll(); message != null; message = queue.poll(), expected++) {
                QueueChildren.checkMessage(message, round, expected, seed);
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
     * A consumer child acts on this process's checked messages (producer {@code round}), one at a time or in batches
     * of up to {@code batch} (if 1 or more), and is killed at a random moment; then this process takes what is left.
     * Returns 1 if the kill landed inside a read, plus twice the number of messages the child acted on that came
     * again.
     */
    private int killConsumer(
            SharedQueue queue,
            SharedLong acted,
            int round,
            boolean aimed,
            int batch,
            Random random,
            long seed,
            QueueChildren.FlowTimes flow)
            throws Exception {
        acted.set(-1);
        int sent = 1 + random.nextInt(aimed ? 200 : 5000);
        try (JavaProcess consumer =
                children.childWithPause(aimed ? 1 : 0, "consume-acting", "acted", Integer.toString(batch))) {
            StartHandshake.awaitReady(consumer, PATIENCE);
            StartHandshake.go(consumer);
            Random content = new Random(seed + round);
            for (int sequence = 0; sequence < sent; sequence++) {
                assertTrue(
                        queue.offer(QueueChildren.checkedMessage(round, sequence, content), PATIENCE),
                        "the child took nothing");
            }
            LockSupport.parkNanos(random.nextInt(1_000_000));
            assertTrue(consumer.isAlive(), "the consumer ended before its kill: " + consumer.transcript());
            long dying = QueueChildren.killAndAwaitDeath(consumer);
            boolean inside = children.queueState().contains("consumers' lock owner dead");
            long flowing = System.nanoTime();
            byte[] message = queue.poll(); // takes the consumers' lock over if the child died holding it
            flow.add(dying, System.nanoTime() - flowing);
            int notActedOn = (int) acted.get() + 1;
            int expected = notActedOn;
            if (message != null && message.length >= QueueChild.HEADER) {
                // Acted on, but their space not freed: delivered again, as documented; at most the message read
                // (or the batch) the child died in.
                int first = ByteBuffer.wrap(message).getInt(4);
                int mostAgain = Math.max(batch, 1);
                assertTrue(
                        first <= notActedOn && first >= notActedOn - mostAgain,
                        "round " + round + ": the first message after the kill is " + first + ", the child acted on "
                                + (notActedOn - 1) + " reading " + (batch > 0 ? "batches of " + batch : "one by one"));
                expected = first;
            }
            int again = notActedOn - expected;
            for (; message != null; message = queue.poll(), expected++) {
                QueueChildren.checkMessage(message, round, expected, seed);
            }
            assertEquals(sent, expected, "round " + round + ": the messages after " + (notActedOn - 1) + " were lost");
            return (inside ? 1 : 0) + 2 * again;
        }
    }
}
