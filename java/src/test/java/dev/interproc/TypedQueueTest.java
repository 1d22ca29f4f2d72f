package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.BytesCodec;
import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.codec.PickleCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * The {@link BlockingQueue} contract of {@link TypedQueue} as far as it holds across processes (in the manner of the
 * JSR-166 TCK's BlockingQueue tests), what it refuses, Python's queue API on it, and encoding errors.
 */
@Timeout(120)
class TypedQueueTest {

    private static final long PATIENCE_SECONDS = 30;
    private static final long SHORT_MILLIS = 20;

    @RegisterExtension
    final TestRegion region = new TestRegion("qtyped");

    /** A queue of 1 KiB of ring holding Integers by Java serialization (81 bytes each: 88-byte records). */
    private TypedQueue<Integer> integers() {
        return region.memory().sharedQueue("q", 1024).typed(Integer.class, JavaSerializationCodec.standard());
    }

    /** Fills {@code queue} with 0, 1, 2, ... until it refuses one; returns how many it took. */
    private static int fill(BlockingQueue<Integer> queue) {
        int count = 0;
        while (queue.offer(count)) {
            count++;
        }
        return count;
    }

    @Test
    void offeredElementsArePolledInOrderAndTheQueueEmpties() {
        TypedQueue<Integer> queue = integers();
        assertTrue(queue.isEmpty());
        int count = fill(queue);
        assertTrue(count > 5, "a kilobyte holds several serialized Integers, held " + count);
        assertEquals(count, queue.size());
        assertFalse(queue.offer(99), "a full queue refuses an offer");
        for (int i = 0; i < count; i++) {
            assertEquals(i, queue.peek(), "peek sees the head");
            assertEquals(i, queue.poll());
        }
        assertNull(queue.poll());
        assertNull(queue.peek());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.size());
    }

    @Test
    void addRemoveAndElementThrowWhereOfferPollAndPeekReturn() throws InterruptedException {
        TypedQueue<Integer> queue = integers();
        assertThrows(NoSuchElementException.class, queue::remove);
        assertThrows(NoSuchElementException.class, queue::element);
        int count = fill(queue);
        assertThrows(IllegalStateException.class, () -> queue.add(count));
        assertEquals(0, queue.element());
        assertEquals(0, queue.remove());
        assertTrue(queue.add(count));
        queue.clear();
        assertTrue(queue.isEmpty());
        assertTrue(queue.addAll(List.of(7, 8)));
        assertEquals(7, queue.take());
    }

    @Test
    void timedOfferAndPollReturnAtTheirTimeoutAndUntimedOnesWaitForTheOtherSide() throws Exception {
        TypedQueue<Integer> queue = integers();
        assertNull(queue.poll(SHORT_MILLIS, TimeUnit.MILLISECONDS));
        int count = fill(queue);
        assertFalse(queue.offer(count, SHORT_MILLIS, TimeUnit.MILLISECONDS));
        try (ExecutorService threads = Executors.newCachedThreadPool()) {
            Future<?> putter = threads.submit(() -> {
                queue.put(count);
                return null;
            });
            for (int i = 0; i <= count; i++) {
                assertEquals(i, queue.take());
            }
            putter.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            Future<Integer> taker = threads.submit(queue::take);
            assertTrue(queue.offer(42, PATIENCE_SECONDS, TimeUnit.SECONDS));
            assertEquals(42, taker.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void anInterruptedTakerOrPutterThrowsInterruptedException() {
        TypedQueue<Integer> queue = integers();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, queue::take);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.poll(1, TimeUnit.SECONDS));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.put(1));
        assertTrue(queue.isEmpty(), "nothing was written");
    }

    @Test
    void nullElementsAreRefused() {
        TypedQueue<Integer> queue = integers();
        assertThrows(NullPointerException.class, () -> queue.offer(null));
        assertThrows(NullPointerException.class, () -> queue.add(null));
        assertThrows(NullPointerException.class, () -> queue.put(null));
        assertThrows(NullPointerException.class, () -> queue.offer(null, 1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> queue.putNowait(null));
        assertTrue(queue.isEmpty());
    }

    @Test
    void drainToMovesTheElementsInOrderUpToItsLimitAndNotIntoItself() {
        TypedQueue<Integer> queue = integers();
        int count = fill(queue);
        List<Integer> drained = new ArrayList<>();
        assertEquals(2, queue.drainTo(drained, 2));
        assertEquals(count - 2, queue.drainTo(drained));
        assertEquals(0, queue.drainTo(drained));
        for (int i = 0; i < count; i++) {
            assertEquals(i, drained.get(i));
        }
        assertThrows(IllegalArgumentException.class, () -> queue.drainTo(queue));
        assertThrows(NullPointerException.class, () -> {
            queue.offer(1);
            queue.drainTo(null);
        });
    }

    @Test
    void remainingCapacityCountsTheRingsFreeBytes() {
        TypedQueue<Integer> queue = integers();
        assertEquals(1024, queue.remainingCapacity());
        queue.offer(1);
        assertEquals(1024 - queue.bytes().bytesHeld(), queue.remainingCapacity());
        assertTrue(queue.remainingCapacity() < 1024);
    }

    @Test
    void iterationSearchAndRemovalOfAnArbitraryElementAreUnsupportedSayingWhy() {
        TypedQueue<Integer> queue = integers();
        queue.offer(1);
        List<Executable> unsupported = List.of(
                queue::iterator,
                () -> queue.contains(1),
                () -> queue.remove(1),
                queue::toArray,
                () -> queue.toArray(new Integer[0]),
                () -> queue.containsAll(List.of(1)),
                () -> queue.removeAll(List.of(1)),
                () -> queue.retainAll(List.of(1)),
                () -> queue.removeIf(element -> true),
                () -> queue.forEach(element -> {}),
                () -> queue.stream().count());
        for (Executable call : unsupported) {
            UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class, call);
            assertTrue(refused.getMessage().contains("only the head can be seen"), refused.getMessage());
        }
        assertEquals(1, queue.poll(), "nothing was removed");
        assertTrue(queue.toString().contains("Integer"), queue.toString());
    }

    @Test
    void pythonsPutAndGetMapFullToIllegalStateAndEmptyToNoSuchElement() throws InterruptedException {
        TypedQueue<Integer> queue = integers();
        assertTrue(queue.empty());
        assertFalse(queue.full());
        NoSuchElementException empty = assertThrows(NoSuchElementException.class, queue::getNowait);
        assertTrue(empty.getMessage().contains("(queue.Empty)"), empty.getMessage());
        assertThrows(NoSuchElementException.class, () -> queue.get(false, null));
        assertThrows(NoSuchElementException.class, () -> queue.get(true, Duration.ofMillis(SHORT_MILLIS)));
        IllegalArgumentException negative =
                assertThrows(IllegalArgumentException.class, () -> queue.get(true, Duration.ofSeconds(-1)));
        assertTrue(negative.getMessage().contains("'timeout' must be a non-negative number"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> queue.put(1, true, Duration.ofSeconds(-1)));
        int count = fill(queue);
        assertEquals(count, queue.qsize());
        IllegalStateException full = assertThrows(IllegalStateException.class, () -> queue.putNowait(count));
        assertTrue(full.getMessage().contains("(queue.Full)"), full.getMessage());
        assertThrows(IllegalStateException.class, () -> queue.put(count, false, null));
        assertThrows(IllegalStateException.class, () -> queue.put(count, true, Duration.ofMillis(SHORT_MILLIS)));
        assertEquals(0, queue.get(true, null));
        assertEquals(1, queue.get(true, Duration.ofSeconds(PATIENCE_SECONDS)));
        assertEquals(2, queue.getNowait());
        queue.put(count, true, null);
        queue.put(count + 1, true, Duration.ofSeconds(PATIENCE_SECONDS));
        queue.clear();
        queue.putNowait(5);
        assertFalse(queue.empty());
        queue.shutdown();
        assertThrows(QueueShutDownException.class, () -> queue.putNowait(6));
        assertEquals(5, queue.get(false, null));
        assertThrows(QueueShutDownException.class, () -> queue.get(true, null));
    }

    @Test
    void fullMeansNotEvenAnEmptyMessageFits() {
        TypedQueue<byte[]> queue = region.memory().sharedQueue("q", 64, 24).typed(byte[].class, BytesCodec.INSTANCE);
        queue.putNowait(new byte[20]);
        queue.putNowait(new byte[20]);
        assertFalse(queue.full(), "16 bytes are free");
        queue.putNowait(new byte[0]);
        assertFalse(queue.full(), "8 bytes are free: an empty message fits");
        queue.putNowait(new byte[0]);
        assertTrue(queue.full());
    }

    @Test
    void anElementTheCodecRefusesOrThatEncodesTooLongIsRefusedBeforeAnythingIsWritten() {
        SharedQueue bytes = region.memory().sharedQueue("q", 1024, 100);
        TypedQueue<Object> queue = bytes.typed(Object.class, JavaSerializationCodec.standard());
        IllegalArgumentException tooLong =
                assertThrows(IllegalArgumentException.class, () -> queue.offer("x".repeat(200)));
        assertTrue(tooLong.getMessage().contains("takes messages of up to 100 bytes"), tooLong.getMessage());
        TypedQueue<Object> raw = bytes.typed(Object.class, BytesCodec.INSTANCE);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> raw.offer("text"));
        assertTrue(refused.getMessage().contains("BytesCodec cannot encode a java.lang.String"), refused.getMessage());
        assertEquals(0, bytes.bytesHeld(), "nothing was written");
    }

    @Test
    void aMessageThatFailsToDecodeThrowsNamingTheQueueAndIsConsumed() throws InterruptedException {
        SharedQueue bytes = region.memory().sharedQueue("q", 1024);
        TypedQueue<Integer> queue = bytes.typed(Integer.class, JavaSerializationCodec.standard());
        bytes.put(new byte[] {1, 2, 3});
        queue.put(1);
        UndecodableMessageException peeked = assertThrows(UndecodableMessageException.class, queue::peek);
        assertTrue(peeked.getMessage().contains("it is still the head"), peeked.getMessage());
        UndecodableMessageException garbage = assertThrows(UndecodableMessageException.class, queue::take);
        assertTrue(
                garbage.getMessage()
                        .startsWith("shared queue 'q': a message of 3 bytes cannot be decoded by"
                                + " JavaSerializationCodec"),
                garbage.getMessage());
        assertTrue(garbage.getMessage().endsWith("it was taken from the queue"), garbage.getMessage());
        assertEquals(1, queue.take(), "the bad message was consumed");

        TypedQueue<String> strings = bytes.typed(String.class, JavaSerializationCodec.standard());
        queue.put(2);
        UndecodableMessageException wrongType = assertThrows(UndecodableMessageException.class, strings::poll);
        assertTrue(
                wrongType.getMessage().contains("it decodes to a java.lang.Integer, not a java.lang.String"),
                wrongType.getMessage());

        bytes.put(new byte[] {(byte) 0x80, 4, 'N', '.'}); // pickle protocol 4: None
        TypedQueue<Object> pickles = bytes.typed(Object.class, PickleCodec.INSTANCE);
        UndecodableMessageException none = assertThrows(UndecodableMessageException.class, pickles::getNowait);
        assertTrue(none.getMessage().contains("it decodes to null"), none.getMessage());
        assertTrue(bytes.isEmpty());
    }

    @Test
    void picklesAndBytesGoThroughTheirCodecs() throws InterruptedException {
        SharedQueue bytes = region.memory().sharedQueue("q", 4096);
        TypedQueue<Object> pickles = bytes.typed(Object.class, PickleCodec.INSTANCE);
        pickles.put(List.of("one", "two"));
        assertEquals(List.of("one", "two"), pickles.take());
        TypedQueue<byte[]> raw = bytes.typed(byte[].class, BytesCodec.INSTANCE);
        raw.put(new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, bytes.take(), "BytesCodec's message is the bytes themselves");
    }
}
