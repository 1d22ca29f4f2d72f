package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Claim/commit writes of {@link SharedQueue} ({@link QueueClaim}) within one process, and byte buffers in and out.
 */
@Timeout(120)
class QueueClaimTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    final TestRegion region = new TestRegion("qclaim");

    @Test
    void aCommitPublishesTheBytesWrittenInPlaceUpToItsLength() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        try (QueueClaim claim = queue.claim(100, PATIENCE)) {
            assertEquals(100, claim.maxLength());
            MemorySegment.copy(MemorySegment.ofArray(SharedQueueTest.message(1, 60)), 0, claim.segment(), 0, 60);
            assertNull(queue.poll(), "nothing is published before the commit");
            claim.commit(60);
            assertFalse(claim.isOpen());
        }
        assertArrayEquals(SharedQueueTest.message(1, 60), queue.poll());
        try (QueueClaim empty = queue.claim(0)) {
            empty.commit(0);
        }
        assertArrayEquals(new byte[0], queue.poll());
        assertNull(queue.poll());
    }

    @Test
    void anAbortOrACloseWithoutCommitPublishesNothingAndFreesTheProducersLock() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        try (QueueClaim claim = queue.claim(50)) {
            claim.segment().fill((byte) 7);
            claim.abort();
            assertThrows(IllegalStateException.class, () -> claim.commit(1), "an aborted claim stays ended");
        }
        try (QueueClaim claim = queue.claim(50)) {
            claim.segment().fill((byte) 8);
        }
        assertNull(queue.poll());
        assertTrue(queue.offer(SharedQueueTest.message(2, 10)), "the lock was released");
        assertArrayEquals(SharedQueueTest.message(2, 10), queue.poll());
    }

    @Test
    void theSegmentIsClosedWhenTheClaimEndsAndBelongsToTheClaimingThread() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        MemorySegment kept;
        QueueClaim claim = queue.claim(16);
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            Future<?> foreign = other.submit(() -> claim.commit(1));
            Exception refused = assertThrows(Exception.class, () -> foreign.get(30, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof WrongThreadException, refused.toString());
        }
        kept = claim.segment();
        kept.set(JAVA_BYTE, 0, (byte) 1);
        claim.commit(1);
        assertThrows(IllegalStateException.class, () -> kept.set(JAVA_BYTE, 0, (byte) 2), "no write after commit");
        assertThrows(IllegalStateException.class, claim::segment);
        assertArrayEquals(new byte[] {1}, queue.poll());
    }

    @Test
    void aClaimOverTheMaximumOrANegativeOneOrACommitBeyondTheClaimIsRefused() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 256);
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> queue.claim(125));
        assertTrue(tooLong.getMessage().contains("longer than the 124 bytes queue 'q' takes"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> queue.claim(-1));
        try (QueueClaim claim = queue.claim(10)) {
            IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> claim.commit(11));
            assertTrue(beyond.getMessage().contains("cannot publish 11 bytes"), beyond.getMessage());
            assertTrue(claim.isOpen(), "a refused commit leaves the claim open");
        }
        assertNull(queue.poll());
    }

    @Test
    void aThreadHoldingAClaimIsRefusedASecondClaimOrAPutInsteadOfWaitingForItself() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        try (QueueClaim claim = queue.claim(8)) {
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> queue.claim(8));
            assertTrue(again.getMessage().contains("holds a claim on shared queue 'q'"), again.getMessage());
            assertThrows(IllegalStateException.class, () -> queue.offer(new byte[1]));
            claim.commit(0);
        }
        assertTrue(queue.offer(new byte[1]));
    }

    @Test
    void anotherProducerWaitsForTheClaimToEndAndPublishesAfterIt() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        CountDownLatch started = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newCachedThreadPool()) {
            Future<?> putter;
            try (QueueClaim claim = queue.claim(4)) {
                putter = threads.submit(() -> {
                    started.countDown();
                    queue.put(new byte[] {2});
                    return null;
                });
                started.await();
                claim.segment().set(JAVA_BYTE, 0, (byte) 1);
                claim.commit(1);
            }
            putter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        List<byte[]> messages = new ArrayList<>();
        queue.drainTo(messages, 10);
        assertEquals(2, messages.size());
        assertArrayEquals(new byte[] {1}, messages.get(0), "the claimed message first: the putter waited for it");
        assertArrayEquals(new byte[] {2}, messages.get(1));
    }

    @Test
    void aClaimThatDoesNotFitBeforeTheEndWrapsAndAShorterCommitIsReadIntact() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 256);
        for (int round = 0; round < 40; round++) {
            assertTrue(queue.offer(SharedQueueTest.message(round, 8 * (round % 7))));
            try (QueueClaim claim = queue.claim(60, PATIENCE)) {
                assertTrue(claim != null, "56 bytes held leave room for a wrapped claim of 64");
                byte[] body = SharedQueueTest.message(round + 100, round % 13);
                MemorySegment.copy(MemorySegment.ofArray(body), 0, claim.segment(), 0, body.length);
                claim.commit(body.length);
            }
            assertArrayEquals(SharedQueueTest.message(round, 8 * (round % 7)), queue.poll());
            assertArrayEquals(SharedQueueTest.message(round + 100, round % 13), queue.poll());
            assertEquals(0, queue.bytesHeld());
        }
    }

    @Test
    void aClaimOnAFullQueueTimesOutAndAShutDownQueueRefusesClaims() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        assertTrue(queue.offer(new byte[20]));
        assertTrue(queue.offer(new byte[20]));
        assertNull(queue.claim(20, Duration.ofMillis(20)), "no room came in time");
        assertNull(queue.claim(20, Duration.ZERO));
        queue.poll();
        QueueClaim before = queue.claim(4, PATIENCE);
        queue.shutdown();
        before.segment().set(JAVA_INT, 0, 42);
        before.commit(4);
        assertThrows(QueueShutDownException.class, () -> queue.claim(4));
        queue.poll();
        assertArrayEquals(
                ByteBuffer.allocate(4)
                        .order(java.nio.ByteOrder.nativeOrder())
                        .putInt(42)
                        .array(),
                queue.poll(),
                "a claim made before the shutdown still publishes");
    }

    @Test
    void byteBuffersGoInThroughASegmentAndComeOutThroughARead() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        ByteBuffer direct = ByteBuffer.allocateDirect(64)
                .put(SharedQueueTest.message(3, 40))
                .flip();
        assertTrue(queue.offer(MemorySegment.ofBuffer(direct)));
        ByteBuffer into = ByteBuffer.allocate(100);
        assertTrue(queue.read(message -> into.put(message.asByteBuffer())));
        assertEquals(40, into.position());
        byte[] got = new byte[40];
        into.flip().get(got);
        assertArrayEquals(SharedQueueTest.message(3, 40), got);
    }
}
