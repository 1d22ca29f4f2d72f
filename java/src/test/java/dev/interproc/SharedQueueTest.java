package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract of {@link SharedQueue} within one process: order, sizes, wrap-around, blocking, refusals. */
@Timeout(120)
class SharedQueueTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Duration SHORT = Duration.ofMillis(50);

    @RegisterExtension
    final TestRegion region = new TestRegion("queue");

    /** A message of {@code length} bytes whose every byte depends on {@code seed}. */
    static byte[] message(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    @Test
    void everySizeFromZeroToTheMaximumLeavesInOrderAcrossManyWrapArounds() {
        SharedQueue queue = region.memory().sharedQueue("q", 256);
        assertEquals(124, queue.maxMessageBytes(), "a record of half the ring: 4 + 124 bytes");
        List<byte[]> inFlight = new ArrayList<>();
        int seed = 0;
        long bytesWritten = 0;
        for (int round = 0; round < 20; round++) {
            for (int length = 0; length <= queue.maxMessageBytes(); length++) {
                byte[] next = message(seed++, length);
                while (!queue.offer(next)) {
                    assertFalse(inFlight.isEmpty(), "an empty queue refused a message of " + length + " bytes");
                    assertArrayEquals(inFlight.removeFirst(), queue.poll());
                }
                inFlight.add(next);
                bytesWritten += length;
                assertEquals(inFlight.size(), queue.size());
            }
        }
        for (byte[] expected : inFlight) {
            assertArrayEquals(expected, queue.poll());
        }
        assertNull(queue.poll());
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.bytesHeld());
        assertTrue(bytesWritten > 100 * queue.capacity(), "the ring wrapped around many times");
    }

    @Test
    void aFullQueueRefusesAndAnEmptyOneReturnsNothingEachWithinItsTimeout() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        int accepted = 0;
        while (queue.offer(message(accepted, 20))) {
            accepted++;
        }
        assertEquals(2, accepted, "records of 24 bytes: two fit in 64");
        assertEquals(48, queue.bytesHeld());
        long start = System.nanoTime();
        assertFalse(queue.offer(message(9, 20), SHORT));
        assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "offer waited its timeout");
        assertFalse(queue.offer(message(9, 20), 0, TimeUnit.SECONDS));
        assertTrue(queue.offer(new byte[8]), "a smaller record still fits: 48 + 16 = 64");
        queue.drainTo(new ArrayList<>(), Integer.MAX_VALUE);
        start = System.nanoTime();
        assertNull(queue.poll(SHORT));
        assertTrue(System.nanoTime() - start >= SHORT.toNanos(), "poll waited its timeout");
        assertNull(queue.poll(0, TimeUnit.SECONDS));
    }

    @Test
    void aMessageOverTheMaximumIsRefusedAndNothingIsWritten() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024, 100);
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> queue.offer(new byte[101]));
        assertTrue(
                refused.getMessage().contains("101 bytes is longer than the 100 bytes queue 'q' takes"),
                refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> queue.put(new byte[101]));
        assertTrue(queue.isEmpty());
        assertTrue(queue.offer(new byte[100]));
    }

    @Test
    void aCapacityOrMaximumOutOfRangeIsRefusedAndOtherOpenersMustAgree() {
        SharedMemory memory = region.memory();
        assertThrows(IllegalArgumentException.class, () -> memory.sharedQueue("a", 1000));
        assertThrows(IllegalArgumentException.class, () -> memory.sharedQueue("a", 32));
        assertThrows(IllegalArgumentException.class, () -> memory.sharedQueue("a", 1024, 509));
        assertThrows(IllegalArgumentException.class, () -> memory.sharedQueue("a", 1024, -1));
        assertEquals(508, memory.sharedQueue("a", 1024, 508).maxMessageBytes());
        try (SharedMemory other = SharedMemory.open(region.name())) {
            assertThrows(IncompatibleSlotException.class, () -> other.sharedQueue("a", 2048));
            assertThrows(IncompatibleSlotException.class, () -> other.sharedQueue("a", 1024, 100));
            assertEquals(1024, other.sharedQueue("a", 1024).capacity());
        }
    }

    @Test
    void aSegmentIsSentAndAHandlerReadsTheMessageInPlace() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        try (Arena arena = Arena.ofConfined()) {
            assertTrue(queue.offer(arena.allocateFrom(JAVA_BYTE, message(1, 40))));
        }
        assertTrue(queue.offer(MemorySegment.ofBuffer(ByteBuffer.wrap(message(2, 30)))));
        AtomicReference<byte[]> seen = new AtomicReference<>();
        assertTrue(queue.read(view -> {
            assertTrue(view.isReadOnly());
            seen.set(view.toArray(JAVA_BYTE));
        }));
        assertArrayEquals(message(1, 40), seen.get());
        assertThrows(
                IllegalStateException.class,
                () -> queue.read(view -> {
                    throw new IllegalStateException("handler failed");
                }));
        assertEquals(1, queue.size(), "a handler that throws leaves its message in the queue");
        assertArrayEquals(message(2, 30), queue.poll());
        assertFalse(queue.read(view -> {}));
    }

    @Test
    void drainToTakesUpToTheLimitInOrder() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        for (int i = 0; i < 5; i++) {
            assertTrue(queue.offer(message(i, i)));
        }
        List<byte[]> drained = new ArrayList<>();
        assertEquals(3, queue.drainTo(drained, 3));
        assertEquals(2, queue.drainTo(drained, 10));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(message(i, i), drained.get(i));
        }
        assertEquals(0, queue.drainTo(drained, 10));
    }

    @Test
    void drainHandsSeveralMessagesInPlaceInOneBatchInOrderAcrossWrapArounds() {
        SharedQueue queue = region.memory().sharedQueue("q", 256);
        int seed = 0;
        int next = 0;
        List<byte[]> seen = new ArrayList<>();
        SharedQueue.MessageHandler keep = view -> {
            assertTrue(view.isReadOnly());
            seen.add(view.toArray(JAVA_BYTE));
        };
        for (int round = 0; round < 50; round++) {
            int put = 0;
            while (queue.offer(message(seed, seed % 60))) {
                seed++;
                put++;
            }
            assertEquals(Math.min(2, put), queue.drain(keep, 2), "a batch stops at its limit");
            assertEquals(put - Math.min(2, put), queue.drain(keep, Integer.MAX_VALUE), "a batch takes all there is");
            assertEquals(0, queue.size());
            assertEquals(0, queue.bytesHeld());
            for (; next < seed; next++) {
                assertArrayEquals(message(next, next % 60), seen.get(next), "message " + next);
            }
        }
        assertEquals(seed, seen.size());
        assertEquals(0, queue.drain(keep, 10), "an empty queue: no batch");
        assertThrows(IllegalArgumentException.class, () -> queue.drain(keep, 0));
    }

    @Test
    void aHandlerThatThrowsInsideABatchLeavesItsMessageAndTheRestInTheQueue() throws InterruptedException {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        for (int i = 0; i < 5; i++) {
            assertTrue(queue.offer(message(i, 10 + i)));
        }
        List<byte[]> seen = new ArrayList<>();
        IllegalStateException failure = assertThrows(
                IllegalStateException.class,
                () -> queue.drain(
                        view -> {
                            if (seen.size() == 2) {
                                throw new IllegalStateException("handler failed on the third");
                            }
                            seen.add(view.toArray(JAVA_BYTE));
                        },
                        10));
        assertEquals("handler failed on the third", failure.getMessage());
        assertEquals(3, queue.size(), "the two handled are consumed, the third and the rest stay");
        for (int i = 2; i < 5; i++) {
            assertArrayEquals(message(i, 10 + i), queue.poll(SHORT));
        }
        List<byte[]> refusing = new ArrayList<>() {
            @Override
            public boolean add(byte[] bytes) {
                if (size() == 1) {
                    throw new UnsupportedOperationException("full");
                }
                return super.add(bytes);
            }
        };
        assertTrue(queue.offer(message(7, 7)));
        assertTrue(queue.offer(message(8, 8)));
        assertThrows(UnsupportedOperationException.class, () -> queue.drainTo(refusing, 5));
        assertArrayEquals(message(7, 7), refusing.getFirst());
        assertArrayEquals(message(8, 8), queue.poll(), "a message the sink refused stays in the queue");
    }

    @Test
    void aWaitingDrainGetsTheFirstMessagePutAndEndsAtShutdown() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 1024);
        List<byte[]> seen = new ArrayList<>();
        SharedQueue.MessageHandler keep = view -> seen.add(view.toArray(JAVA_BYTE));
        assertEquals(0, queue.drain(keep, 10, SHORT), "nothing came within the timeout");
        try (ExecutorService threads = Executors.newSingleThreadExecutor()) {
            Future<Integer> drained = threads.submit(() -> queue.drain(keep, 10, PATIENCE));
            awaitWaiting(RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET);
            queue.put(message(1, 33));
            assertTrue(drained.get() >= 1);
        }
        assertArrayEquals(message(1, 33), seen.getFirst());
        queue.shutdown();
        assertThrows(QueueShutDownException.class, () -> queue.drain(keep, 10, PATIENCE));
        assertThrows(QueueShutDownException.class, () -> queue.drain(keep, 10));
    }

    @Test
    void aBlockedTakerIsWokenByAPutAndABlockedPutterByATake() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        try (ExecutorService threads = Executors.newCachedThreadPool()) {
            Future<byte[]> taker = threads.submit(queue::take);
            queue.put(message(5, 20));
            assertArrayEquals(message(5, 20), taker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));

            queue.put(message(6, 20));
            queue.put(message(7, 20));
            Future<?> putter = threads.submit(() -> {
                queue.put(message(8, 20));
                return null;
            });
            assertArrayEquals(message(6, 20), queue.take());
            putter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(message(7, 20), queue.take());
            assertArrayEquals(message(8, 20), queue.take());
        }
    }

    @Test
    void aThousandVirtualThreadsTakeWhatOtherVirtualThreadsPut() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 256, 8);
        int messages = 1000;
        Set<Integer> received = ConcurrentHashMap.newKeySet();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> takers = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                takers.add(threads.submit(() -> {
                    byte[] message = queue.take();
                    assertTrue(received.add(MemorySegment.ofArray(message).get(JAVA_INT_UNALIGNED, 0)));
                    return null;
                }));
            }
            for (int i = 0; i < messages; i++) {
                int id = i;
                threads.submit(() -> {
                    byte[] message = new byte[4];
                    MemorySegment.ofArray(message).set(JAVA_INT_UNALIGNED, 0, id);
                    queue.put(message);
                    return null;
                });
            }
            for (Future<?> taker : takers) {
                taker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        assertEquals(messages, received.size());
        assertTrue(queue.isEmpty());
    }

    @Test
    void anInterruptedTakerOrPutterThrowsAndTakesOrWritesNothing() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread taker = Thread.ofPlatform().start(() -> {
            try {
                outcome.set(new AssertionError("took " + queue.take().length + " bytes"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        awaitWaiting(RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET);
        taker.interrupt();
        taker.join(PATIENCE.toMillis());
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));

        queue.put(message(1, 20));
        queue.put(message(2, 20));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.put(message(3, 4)));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, queue::take);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> queue.poll(SHORT));
        assertEquals(2, queue.size(), "interrupted calls wrote and took nothing");
        assertArrayEquals(message(1, 20), queue.poll(), "the non-waiting forms ignore interrupts");
    }

    @Test
    void aShutDownQueueRefusesPutsAndEndsTakesOnceDrained() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        try (ExecutorService threads = Executors.newCachedThreadPool()) {
            queue.put(message(1, 20));
            queue.put(message(2, 20));
            Future<?> blockedPutter = threads.submit(() -> {
                queue.put(message(3, 20));
                return null;
            });
            awaitWaiting(RegionLayout.QUEUE_PRODUCERS_WAITING_OFFSET);
            try (SharedMemory other = SharedMemory.open(region.name())) {
                other.sharedQueue("q", 64, 20).shutdown();
            }
            assertTrue(queue.isShutDown());
            ExecutionException refused = assertThrows(
                    ExecutionException.class, () -> blockedPutter.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof QueueShutDownException, String.valueOf(refused.getCause()));
            assertThrows(QueueShutDownException.class, () -> queue.offer(new byte[1]));

            assertArrayEquals(message(1, 20), queue.take(), "takers drain what was published before");
            List<byte[]> rest = new ArrayList<>();
            assertEquals(1, queue.drainTo(rest, 10));
            assertArrayEquals(message(2, 20), rest.getFirst());
            QueueShutDownException ended = assertThrows(QueueShutDownException.class, queue::take);
            assertEquals("shared queue 'q' is shut down and its last message was taken", ended.getMessage());
            assertThrows(QueueShutDownException.class, queue::poll);
            assertThrows(QueueShutDownException.class, () -> queue.drainTo(rest, 10));
        }
    }

    @Test
    void aBlockedTakerIsWokenByShutdown() throws Exception {
        SharedQueue queue = region.memory().sharedQueue("q", 64, 20);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> taker = threads.submit(queue::take);
            awaitWaiting(RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET);
            queue.shutdown();
            ExecutionException ended =
                    assertThrows(ExecutionException.class, () -> taker.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertTrue(ended.getCause() instanceof QueueShutDownException, String.valueOf(ended.getCause()));
        }
    }

    @Test
    void inspectionShowsMessagesBytesAndCapacity() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024, 100);
        assertTrue(queue.offer(new byte[10]));
        assertTrue(queue.offer(new byte[3]));
        SlotInfo slot = SharedMemory.inspect(region.name()).slots().stream()
                .filter(info -> info.name().equals("q"))
                .findFirst()
                .orElseThrow();
        assertEquals("SharedQueue", slot.type());
        assertEquals("2 messages, 24 of 1024 bytes held, messages up to 100 bytes", slot.value());
    }

    @Test
    void damagedPositionsAndLengthsAreRefusedNamingTheField() {
        SharedQueue queue = region.memory().sharedQueue("q", 1024, 100);
        assertTrue(queue.offer(new byte[10]));
        MemorySegment slot = slotMemory("q");
        slot.set(JAVA_INT, RegionLayout.QUEUE_RING_OFFSET, 1000);
        IncompatibleRegionException length = assertThrows(IncompatibleRegionException.class, queue::poll);
        assertTrue(
                length.getMessage().contains("queue 'q' field ring: the record length at position 0 is 1000"),
                length.getMessage());
        slot.set(JAVA_INT, RegionLayout.QUEUE_RING_OFFSET, 10);
        slot.set(JAVA_LONG, RegionLayout.QUEUE_HEAD_OFFSET, 12);
        IncompatibleRegionException head = assertThrows(IncompatibleRegionException.class, queue::poll);
        assertTrue(head.getMessage().contains("fields head 12 and tail 16"), head.getMessage());
        // A producer reads head only once the head it last read leaves too little room: filling the ring gets there.
        assertThrows(IncompatibleRegionException.class, () -> {
            while (true) {
                queue.offer(new byte[100]);
            }
        });
        slot.set(JAVA_LONG, RegionLayout.QUEUE_HEAD_OFFSET, 0);
        assertArrayEquals(new byte[10], queue.poll(), "repaired, the queue works again");
    }

    /** Spins until a thread has registered to sleep in the count of waiters at {@code countOffset} of slot "q". */
    private void awaitWaiting(long countOffset) {
        MemorySegment slot = slotMemory("q");
        while (slot.get(JAVA_INT, countOffset) == 0) {
            Thread.onSpinWait();
        }
    }

    private MemorySegment slotMemory(String name) {
        return new SlotDirectory(region.memory().region())
                .entries().stream()
                        .filter(entry -> entry.name().equals(name))
                        .findFirst()
                        .orElseThrow()
                        .value();
    }
}
