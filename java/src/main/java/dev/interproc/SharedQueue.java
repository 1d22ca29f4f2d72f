package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.WordWatch;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * A bounded queue of byte messages shared by any number of producers and consumers in any processes, blocking
 * like a {@link java.util.concurrent.BlockingQueue} and unwedgeable by the death of any of them. Obtain one with
 * {@link SharedMemory#sharedQueue(String, long, int)}.
 *
 * <pre>{@code
 * SharedQueue jobs = memory.sharedQueue("jobs", 1 << 20, 4096);
 * jobs.put(request);                 // producer, any process
 * byte[] next = jobs.take();         // consumer, any process
 * }</pre>
 *
 * <h2>Messages</h2>
 * A message is 0 to {@link #maxMessageBytes()} bytes; the ring holds {@link #capacity()} bytes of records (a
 * 4-byte length, the payload, padding to 8 bytes). Messages leave in the order they were published; two
 * messages of one producer thread keep their order. A message larger than the maximum is refused with
 * {@link IllegalArgumentException} before anything is written.
 *
 * <h2>Blocking, interruption, timeouts</h2>
 * {@link #put} waits for space and {@link #take} for a message as long as it takes; the timed forms wait at most
 * their timeout and return {@code false} or {@code null}; {@link #offer(byte[])} and {@link #poll()} never wait
 * for space or a message (only, briefly, for another producer or consumer to finish its copy). Every waiting form
 * throws {@link InterruptedException} if the thread is interrupted on entry or while it waits (noticed within one
 * wait slice, a few milliseconds); nothing was written or taken then. Virtual threads wait without pinning their
 * carrier. No lock is held while waiting.
 *
 * <h2>Death of a producer or a consumer</h2>
 * Producers write under a producers' lock and publish a message with one store of the queue's {@code tail};
 * consumers read under a consumers' lock and free its space with one store of {@code head} (docs/layout.md,
 * "Queue slot"). Both locks follow the lock protocol, so the death of a holder (SIGKILL) is found through the
 * process table by the next producer or consumer within one wait slice:
 * <ul>
 *   <li>a producer that dies while writing has published nothing: no consumer ever sees its partial message, and
 *       the next producer writes over it;
 *   <li>a message is consumed when {@code take} (or {@code poll}, {@code read}) returns: a consumer that dies
 *       before, even after copying the message or while {@link #read(MessageHandler)}'s handler runs, leaves it in
 *       the queue for the next consumer. Delivery is therefore at least once for a consumer that dies between
 *       its handler's work and the store of {@code head}, and exactly once otherwise.
 * </ul>
 *
 * <h2>Damaged regions</h2>
 * Every position and length read from the region is checked against the ring's geometry before use; a
 * contradiction throws {@link IncompatibleRegionException} naming the field, and nothing is read or written
 * outside the ring.
 *
 * <p>Memory effects: actions of a thread before it publishes a message happen-before the actions of the thread
 * that takes it, after it returns. Safe for any number of threads.
 */
public final class SharedQueue extends CoordinationSlot {

    /**
     * Receives one message in place: see {@link SharedQueue#read(MessageHandler)}.
     */
    @FunctionalInterface
    public interface MessageHandler {
        /**
         * Handles one message.
         *
         * @param message a read-only view of the message's bytes in the queue, valid only during this call
         */
        void onMessage(MemorySegment message);
    }

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final long PUT_LOCK_OFFSET = RegionLayout.QUEUE_PUT_LOCK_OFFSET;
    private static final long TAKE_LOCK_OFFSET = RegionLayout.QUEUE_TAKE_LOCK_OFFSET;
    private static final long TAIL_OFFSET = RegionLayout.QUEUE_TAIL_OFFSET;
    private static final long PUT_COUNT_OFFSET = RegionLayout.QUEUE_PUT_COUNT_OFFSET;
    private static final long NOT_EMPTY_OFFSET = RegionLayout.QUEUE_NOT_EMPTY_OFFSET;
    private static final long CONSUMERS_WAITING_OFFSET = RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET;
    private static final long HEAD_OFFSET = RegionLayout.QUEUE_HEAD_OFFSET;
    private static final long TAKE_COUNT_OFFSET = RegionLayout.QUEUE_TAKE_COUNT_OFFSET;
    private static final long NOT_FULL_OFFSET = RegionLayout.QUEUE_NOT_FULL_OFFSET;
    private static final long PRODUCERS_WAITING_OFFSET = RegionLayout.QUEUE_PRODUCERS_WAITING_OFFSET;
    private static final long CAPACITY_OFFSET = RegionLayout.QUEUE_CAPACITY_OFFSET;
    private static final long MAX_MESSAGE_OFFSET = RegionLayout.QUEUE_MAX_MESSAGE_OFFSET;
    private static final long RING_OFFSET = RegionLayout.QUEUE_RING_OFFSET;
    private static final int ALIGN = RegionLayout.QUEUE_ALIGN;
    private static final int WRAP = RegionLayout.QUEUE_WRAP;
    private static final int LENGTH_BYTES = Integer.BYTES;
    /** The largest ring: positions and sizes stay far from overflowing a long. */
    static final long MAX_CAPACITY = 1L << 40;
    /** The largest message: the largest Java array. */
    static final int MAX_MESSAGE_LIMIT = Integer.MAX_VALUE - 8;

    /** Waits of the non-waiting forms: none for space or messages, the lock taken uninterruptibly. */
    private static final long NO_WAIT = -1;

    /**
     * Test hook (a system property read once): a pause inside the window between writing a message and
     * publishing it, and between reading one and freeing its space, so that a test can kill a process there.
     */
    private static final long PAUSE_INSIDE_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("interproc.test.queuePauseMillis", 0));

    private final MemorySegment memory;
    private final MemorySegment ring;
    private final long capacity;
    private final long mask;
    private final int maxMessage;
    private final LockWord putLock;
    private final LockWord takeLock;
    /** The word producers sleep on while the ring is full; {@link #watch} is the one consumers sleep on. */
    private final WordWatch notFull;

    /**
     * The queue called {@code slot}, created empty if it does not exist. See {@link SharedMemory#sharedQueue}.
     *
     * @throws IllegalArgumentException if {@code capacity} is no power of two in 64 .. 2^40, or a record of
     *     {@code maxMessage} bytes takes more than half of it
     * @throws IncompatibleRegionException if the slot's capacity or max_message words contradict its metadata
     */
    static SharedQueue find(SlotDirectory slots, String slot, long capacity, int maxMessage) {
        checkGeometry(slot, capacity, maxMessage);
        SlotDirectory.Spec spec = SlotDirectory.Spec.initialised(
                        SlotType.QUEUE, RING_OFFSET + capacity, RING_OFFSET, init -> {
                            init.set(JAVA_LONG, CAPACITY_OFFSET, capacity);
                            init.set(JAVA_INT, MAX_MESSAGE_OFFSET, maxMessage);
                        })
                .withMeta("capacity=" + capacity + " max_message=" + maxMessage);
        MemorySegment memory = slots.ensure(slot, spec);
        Region region = slots.region();
        return region.instance(
                slot, SharedQueue.class, key -> new SharedQueue(region, key, memory, capacity, maxMessage));
    }

    /** The largest message of a queue of {@code capacity} bytes when none is named: a record of half the ring. */
    static int defaultMaxMessage(long capacity) {
        return (int) Math.min(capacity / 2 - LENGTH_BYTES, MAX_MESSAGE_LIMIT);
    }

    private static void checkGeometry(String slot, long capacity, int maxMessage) {
        if (capacity < RegionLayout.QUEUE_MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("queue '" + slot + "' needs a capacity that is a power of two from "
                    + RegionLayout.QUEUE_MIN_CAPACITY + " to " + MAX_CAPACITY + " bytes, was " + capacity);
        }
        if (maxMessage < 0 || maxMessage > MAX_MESSAGE_LIMIT || recordBytes(maxMessage) > capacity / 2) {
            throw new IllegalArgumentException("queue '" + slot + "' of " + capacity
                    + " bytes takes messages of 0 to " + defaultMaxMessage(capacity) + " bytes (a record of at most"
                    + " half the ring, so that a message always fits once the queue is empty), not " + maxMessage);
        }
    }

    /** Bytes of the record of a message of {@code length} bytes: the length word, the payload, the padding. */
    private static long recordBytes(long length) {
        return (LENGTH_BYTES + length + ALIGN - 1) & -ALIGN;
    }

    private SharedQueue(Region region, String name, MemorySegment memory, long capacity, int maxMessage) {
        super(region, name, memory, NOT_EMPTY_OFFSET);
        this.memory = memory;
        this.ring = memory.asSlice(RING_OFFSET, capacity);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessage = maxMessage;
        this.putLock = new LockWord(
                region, memory.asSlice(PUT_LOCK_OFFSET, RegionLayout.LOCK_SIZE), "queue '" + name + "' (producers)");
        this.takeLock = new LockWord(
                region, memory.asSlice(TAKE_LOCK_OFFSET, RegionLayout.LOCK_SIZE), "queue '" + name + "' (consumers)");
        this.notFull = new WordWatch(memory.asSlice(NOT_FULL_OFFSET, Integer.BYTES));
        long storedCapacity = longAt(CAPACITY_OFFSET);
        int storedMax = fields.get(MAX_MESSAGE_OFFSET);
        if (storedCapacity != capacity || storedMax != maxMessage) {
            throw damaged("fields capacity " + storedCapacity + " and max_message " + storedMax
                    + " contradict its metadata (capacity=" + capacity + " max_message=" + maxMessage + ")");
        }
    }

    /**
     * The ring's size.
     *
     * @return the bytes of records the queue holds at most, fixed at creation
     */
    public long capacity() {
        return capacity;
    }

    /**
     * The largest message.
     *
     * @return the most bytes a message may have, fixed at creation
     */
    public int maxMessageBytes() {
        return maxMessage;
    }

    // ---------------------------------------------------------------------------------------------- producers

    /**
     * Inserts a message if there is space now, without waiting for space.
     *
     * @param message the bytes to send, copied into the queue
     * @return {@code true} if the message was published, {@code false} if the queue had no room for it
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     * @throws IllegalStateException if the region is closed in this process
     */
    public boolean offer(byte[] message) {
        return offer(MemorySegment.ofArray(message));
    }

    /**
     * As {@link #offer(byte[])}, from a segment (a {@link java.nio.ByteBuffer}'s remaining bytes through
     * {@link MemorySegment#ofBuffer}).
     *
     * @param message the bytes to send, copied into the queue
     * @return {@code true} if the message was published, {@code false} if the queue had no room for it
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(MemorySegment message) {
        try {
            return write(message, NO_WAIT);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a write that does not wait was interrupted", impossible);
        }
    }

    /**
     * Inserts a message, waiting up to the timeout for space.
     *
     * @param message the bytes to send, copied into the queue
     * @param timeout the longest time to wait; zero or less does not wait for space
     * @return {@code true} if the message was published, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(byte[] message, Duration timeout) throws InterruptedException {
        return offer(MemorySegment.ofArray(message), timeout);
    }

    /**
     * As {@link #offer(byte[], Duration)}, from a segment.
     *
     * @param message the bytes to send, copied into the queue
     * @param timeout the longest time to wait; zero or less does not wait for space
     * @return {@code true} if the message was published, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(MemorySegment message, Duration timeout) throws InterruptedException {
        return write(message, waitNanos(timeout));
    }

    /**
     * As {@link #offer(byte[], Duration)}.
     *
     * @param message the bytes to send, copied into the queue
     * @param timeout the longest time to wait; zero or less does not wait for space
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the message was published, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(byte[] message, long timeout, TimeUnit unit) throws InterruptedException {
        return write(MemorySegment.ofArray(message), waitNanos(unit.toNanos(timeout)));
    }

    /**
     * Inserts a message, waiting as long as it takes for space.
     *
     * @param message the bytes to send, copied into the queue
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public void put(byte[] message) throws InterruptedException {
        put(MemorySegment.ofArray(message));
    }

    /**
     * As {@link #put(byte[])}, from a segment.
     *
     * @param message the bytes to send, copied into the queue
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public void put(MemorySegment message) throws InterruptedException {
        write(message, Long.MAX_VALUE);
    }

    /**
     * Writes {@code message} and publishes it with one store of {@code tail}.
     *
     * @param nanos how long to wait for space, or {@link #NO_WAIT}
     */
    private boolean write(MemorySegment message, long nanos) throws InterruptedException {
        long length = message.byteSize();
        if (length > maxMessage) {
            throw new IllegalArgumentException("a message of " + length + " bytes is longer than the " + maxMessage
                    + " bytes queue '" + name + "' takes");
        }
        if (nanos != NO_WAIT && Thread.interrupted()) {
            throw new InterruptedException("interrupted before writing to shared queue '" + name + "'");
        }
        long record = recordBytes(length);
        long deadline = deadline(nanos);
        while (true) {
            if (!lock(putLock, nanos, deadline)) {
                return false;
            }
            long head;
            boolean published = false;
            try {
                long tail = longAt(TAIL_OFFSET);
                head = longAt(HEAD_OFFSET);
                long held = checkedHeld(head, tail);
                long at = tail & mask;
                long toEnd = capacity - at;
                long needed = record <= toEnd ? record : toEnd + record;
                if (capacity - held >= needed) {
                    if (needed != record) {
                        setInt(at, WRAP);
                        at = 0;
                    }
                    setInt(at, (int) length);
                    copy(message, 0, ring, at + LENGTH_BYTES, length);
                    pauseInsideForTests();
                    setLong(PUT_COUNT_OFFSET, longAt(PUT_COUNT_OFFSET) + 1);
                    setLong(TAIL_OFFSET, tail + needed);
                    published = true;
                }
            } finally {
                putLock.unlockInternal();
            }
            if (published) {
                wake(CONSUMERS_WAITING_OFFSET, NOT_EMPTY_OFFSET, watch);
                return true;
            }
            if (nanos == NO_WAIT
                    || !awaitMove(PRODUCERS_WAITING_OFFSET, NOT_FULL_OFFSET, notFull, HEAD_OFFSET, head, deadline)) {
                return false;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- consumers

    /**
     * Takes the oldest message if there is one, without waiting for one.
     *
     * @return the message's bytes, or {@code null} if the queue was empty
     * @throws IllegalStateException if the region is closed in this process
     */
    public byte[] poll() {
        try {
            return consume(SharedQueue::copyOut, NO_WAIT);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a read that does not wait was interrupted", impossible);
        }
    }

    /**
     * Takes the oldest message, waiting up to the timeout for one.
     *
     * @param timeout the longest time to wait; zero or less does not wait for a message
     * @return the message's bytes, or {@code null} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     */
    public byte[] poll(Duration timeout) throws InterruptedException {
        return consume(SharedQueue::copyOut, waitNanos(timeout));
    }

    /**
     * As {@link #poll(Duration)}.
     *
     * @param timeout the longest time to wait; zero or less does not wait for a message
     * @param unit the unit of {@code timeout}
     * @return the message's bytes, or {@code null} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     */
    public byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
        return consume(SharedQueue::copyOut, waitNanos(unit.toNanos(timeout)));
    }

    /**
     * Takes the oldest message, waiting as long as it takes for one.
     *
     * @return the message's bytes
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     */
    public byte[] take() throws InterruptedException {
        return consume(SharedQueue::copyOut, Long.MAX_VALUE);
    }

    /**
     * Hands the oldest message, if there is one, to {@code handler} in place, without copying it, and consumes
     * it when the handler returns. The handler runs while this process holds the consumers' lock: other
     * consumers wait until it returns, so keep it short. If it throws, the message stays in the queue and the
     * exception propagates.
     *
     * @param handler receives a read-only view of the message, valid only during the call
     * @return {@code true} if a message was handled, {@code false} if the queue was empty
     */
    public boolean read(MessageHandler handler) {
        try {
            return consume(message -> handle(handler, message), NO_WAIT) != null;
        } catch (InterruptedException impossible) {
            throw new AssertionError("a read that does not wait was interrupted", impossible);
        }
    }

    /**
     * As {@link #read(MessageHandler)}, waiting up to the timeout for a message.
     *
     * @param handler receives a read-only view of the message, valid only during the call
     * @param timeout the longest time to wait; zero or less does not wait for a message
     * @return {@code true} if a message was handled, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     */
    public boolean read(MessageHandler handler, Duration timeout) throws InterruptedException {
        return consume(message -> handle(handler, message), waitNanos(timeout)) != null;
    }

    /**
     * Takes the messages there are, up to {@code maxMessages}, without waiting, and adds them to {@code sink} in
     * order.
     *
     * @param sink where the messages go
     * @param maxMessages the most messages to take
     * @return how many messages were taken
     */
    public int drainTo(Collection<? super byte[]> sink, int maxMessages) {
        int drained = 0;
        for (byte[] message; drained < maxMessages && (message = poll()) != null; drained++) {
            sink.add(message);
        }
        return drained;
    }

    private static byte[] copyOut(MemorySegment message) {
        return message.toArray(JAVA_BYTE);
    }

    private static Boolean handle(MessageHandler handler, MemorySegment message) {
        handler.onMessage(message.asReadOnly());
        return Boolean.TRUE;
    }

    /**
     * Reads the oldest message through {@code reader} and frees its space with one store of {@code head}.
     *
     * @param nanos how long to wait for a message, or {@link #NO_WAIT}
     * @return what {@code reader} made of the message, or null if none came in time
     */
    private <T> T consume(Function<MemorySegment, T> reader, long nanos) throws InterruptedException {
        if (nanos != NO_WAIT && Thread.interrupted()) {
            throw new InterruptedException("interrupted before reading from shared queue '" + name + "'");
        }
        long deadline = deadline(nanos);
        while (true) {
            if (!lock(takeLock, nanos, deadline)) {
                return null;
            }
            long tail;
            T result = null;
            boolean consumed = false;
            try {
                long head = longAt(HEAD_OFFSET);
                tail = longAt(TAIL_OFFSET);
                long held = checkedHeld(head, tail);
                if (held != 0) {
                    long at = head & mask;
                    int length = intAt(at);
                    long skipped = 0;
                    if (length == WRAP) {
                        skipped = capacity - at;
                        at = 0;
                        length = intAt(0);
                    }
                    long record = checkedRecord(head, length, skipped, held);
                    result = reader.apply(slice(ring, at + LENGTH_BYTES, length));
                    pauseInsideForTests();
                    setLong(TAKE_COUNT_OFFSET, longAt(TAKE_COUNT_OFFSET) + 1);
                    setLong(HEAD_OFFSET, head + record);
                    consumed = true;
                }
            } finally {
                takeLock.unlockInternal();
            }
            if (consumed) {
                wake(PRODUCERS_WAITING_OFFSET, NOT_FULL_OFFSET, notFull);
                return result;
            }
            if (nanos == NO_WAIT
                    || !awaitMove(CONSUMERS_WAITING_OFFSET, NOT_EMPTY_OFFSET, watch, TAIL_OFFSET, tail, deadline)) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- counts

    /**
     * The messages in the queue (an estimate, as Python's {@code qsize}): published minus consumed, exact while
     * no producer or consumer dies between its two stores (docs/layout.md, "Queue slot").
     *
     * @return the messages held when read, 0 when no bytes are held; stale as soon as it returns
     */
    public long size() {
        try {
            return messagesHeld(memory, capacity);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /**
     * The bytes of records in the queue (a snapshot).
     *
     * @return the bytes held when read, 0 to {@link #capacity()}
     */
    public long bytesHeld() {
        try {
            return bytesHeld(memory, capacity);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /**
     * Whether the queue holds no message (a snapshot).
     *
     * @return {@code true} if no message was held when read
     */
    public boolean isEmpty() {
        return bytesHeld() == 0;
    }

    private static long bytesHeld(MemorySegment memory, long capacity) {
        long head = (long) LONG.getVolatile(memory, HEAD_OFFSET);
        long tail = (long) LONG.getVolatile(memory, TAIL_OFFSET);
        return Math.clamp(tail - head, 0, capacity);
    }

    private static long messagesHeld(MemorySegment memory, long capacity) {
        if (bytesHeld(memory, capacity) == 0) {
            return 0;
        }
        long taken = (long) LONG.getVolatile(memory, TAKE_COUNT_OFFSET);
        long put = (long) LONG.getVolatile(memory, PUT_COUNT_OFFSET);
        return Math.max(put - taken, 0);
    }

    /**
     * A queue slot for tools: "3 messages, 96 of 1024 bytes held, messages up to 508 bytes", with the waiting
     * producers and consumers and the state of a held lock ("a dead producer's message is being skipped").
     */
    static SlotType.Described describe(SlotType.Stored slot) {
        MemorySegment value = slot.value();
        long capacity = value.byteSize() - RING_OFFSET;
        if (capacity <= 0) {
            throw new IndexOutOfBoundsException("a queue slot of " + value.byteSize() + " bytes has no ring");
        }
        StringBuilder state = new StringBuilder()
                .append(messagesHeld(value, capacity))
                .append(" messages, ")
                .append(bytesHeld(value, capacity))
                .append(" of ")
                .append(capacity)
                .append(" bytes held, messages up to ")
                .append(value.get(JAVA_INT, MAX_MESSAGE_OFFSET))
                .append(" bytes");
        IntFields fields = slot.fields();
        int producers = fields.get(PRODUCERS_WAITING_OFFSET);
        int consumers = fields.get(CONSUMERS_WAITING_OFFSET);
        if (producers != 0 || consumers != 0) {
            state.append(", ")
                    .append(producers)
                    .append(" producers and ")
                    .append(consumers)
                    .append(" consumers waiting");
        }
        ProcessTable processes = slot.region().processes();
        appendLock(
                state,
                "producers",
                LockInfo.State.OWNER_DEAD,
                "its unpublished message will be written over",
                LockWord.snapshot(value.asSlice(PUT_LOCK_OFFSET, RegionLayout.LOCK_SIZE), processes));
        appendLock(
                state,
                "consumers",
                LockInfo.State.OWNER_DEAD,
                "the message it was reading stays in the queue",
                LockWord.snapshot(value.asSlice(TAKE_LOCK_OFFSET, RegionLayout.LOCK_SIZE), processes));
        return SlotType.Described.state(state.toString());
    }

    private static void appendLock(
            StringBuilder state, String side, LockInfo.State dead, String consequence, LockInfo lock) {
        if (lock.state() != LockInfo.State.FREE) {
            state.append("; ").append(side).append("' lock ").append(lock.describe());
            if (lock.state() == dead) {
                state.append(": ").append(consequence);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- protocol

    /**
     * Takes {@code lock}: without a time limit and uninterruptibly for {@link #NO_WAIT} or once the deadline has
     * passed (a holder only copies one message, or runs one handler), else interruptibly until {@code deadline}. A
     * dead previous holder has published nothing and moved nothing: the caller carries on.
     *
     * @return false if the deadline passed while waiting
     */
    private static boolean lock(LockWord lock, long nanos, long deadline) throws InterruptedException {
        if (lock.tryAcquire()) {
            return true;
        }
        if (nanos == NO_WAIT) {
            lock.lockInternal();
            return true;
        }
        long remaining = deadline == Long.MAX_VALUE ? -1 : deadline - System.nanoTime();
        if (remaining == 0 || remaining < -1) {
            // Out of time for space, but another producer's or consumer's copy is no reason to fail.
            lock.lockInternal();
            return true;
        }
        return lock.acquire(remaining, true) != LockWord.Outcome.TIMED_OUT;
    }

    /**
     * Registers as a waiter, then sleeps one slice on the sequence word at {@code seqOffset} unless the position at
     * {@code positionOffset} has moved from {@code seen}; the other side bumps the word after it moves the position
     * and sees a waiter. The word is read before the registration and the position after it, so no move is missed.
     *
     * @return false if the deadline has passed
     * @throws InterruptedException if the thread is interrupted while it sleeps
     */
    private boolean awaitMove(
            long waitingOffset, long seqOffset, WordWatch word, long positionOffset, long seen, long deadline)
            throws InterruptedException {
        int sequence = fields.get(seqOffset);
        add(waitingOffset, 1);
        try {
            if (longAt(positionOffset) != seen) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            word.sleep(sequence, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
        } finally {
            add(waitingOffset, -1);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting on shared queue '" + name + "'");
        }
        return true;
    }

    /** Bumps the sequence word and wakes its sleepers if the count at {@code waitingOffset} says some registered. */
    private void wake(long waitingOffset, long seqOffset, WordWatch word) {
        if (fields.get(waitingOffset) != 0) {
            add(seqOffset, 1);
            word.wakeAll();
        }
    }

    private void add(long offset, int delta) {
        int value;
        do {
            value = fields.get(offset);
        } while (!fields.compareAndSet(offset, value, value + delta));
    }

    /**
     * The bytes held between {@code head} and {@code tail}, after checking both against the ring.
     *
     * @throws IncompatibleRegionException if they are not multiples of the record alignment or hold more than the
     *     ring
     */
    private long checkedHeld(long head, long tail) {
        long held = tail - head;
        if ((head | tail) % ALIGN != 0 || held < 0 || held > capacity) {
            throw damaged("fields head " + head + " and tail " + tail + " are not multiples of " + ALIGN
                    + " bytes with 0 to " + capacity + " bytes between them");
        }
        return held;
    }

    /**
     * The bytes the record at {@code head} takes, a wrap of {@code skipped} bytes included, after checking its
     * length against the maximum, the bytes held and the end of the ring.
     */
    private long checkedRecord(long head, int length, long skipped, long held) {
        long record = recordBytes(length);
        if (length < 0
                || length > maxMessage
                || skipped + record > held
                || ((head + skipped) & mask) + record > capacity) {
            throw damaged("field ring: the record length at position " + (head + skipped) + " is " + length
                    + ", not a message of 0 to " + maxMessage + " bytes within the " + held + " bytes held");
        }
        return skipped + record;
    }

    private IncompatibleRegionException damaged(String what) {
        return new IncompatibleRegionException(
                "region '" + region.name() + "' is damaged: queue '" + name + "' " + what
                        + "; remove the region (interproc rm) and create it again",
                RegionLayout.E_CORRUPT);
    }

    private static long deadline(long nanos) {
        if (nanos == NO_WAIT) {
            return 0;
        }
        long now = System.nanoTime();
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    private static long waitNanos(Duration timeout) {
        return waitNanos(TimeUnit.NANOSECONDS.convert(timeout));
    }

    /** A timed form's wait: zero or less is the non-waiting form's (whose lock is still taken interruptibly). */
    private static long waitNanos(long nanos) {
        return Math.max(nanos, 0);
    }

    private static void pauseInsideForTests() {
        if (PAUSE_INSIDE_NANOS > 0) {
            LockSupport.parkNanos(PAUSE_INSIDE_NANOS);
        }
    }

    // Accesses to the region's memory: after close they throw the region's IllegalStateException.

    private long longAt(long offset) {
        try {
            return (long) LONG.getVolatile(memory, offset);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private void setLong(long offset, long value) {
        try {
            LONG.setVolatile(memory, offset, value);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private int intAt(long ringOffset) {
        try {
            return ring.get(JAVA_INT, ringOffset);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private void setInt(long ringOffset, int value) {
        try {
            ring.set(JAVA_INT, ringOffset, value);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private void copy(MemorySegment source, long from, MemorySegment target, long to, long length) {
        try {
            MemorySegment.copy(source, from, target, to, length);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private MemorySegment slice(MemorySegment segment, long offset, long length) {
        try {
            return segment.asSlice(offset, length);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /** The region's exception if it was closed, else {@code failure} itself (a caller's segment was closed). */
    private IllegalStateException closedOr(IllegalStateException failure) {
        return region.isClosed() ? region.closedError(failure) : failure;
    }

    @Override
    public String toString() {
        return "SharedQueue[" + name + ", " + capacity + " bytes"
                + (region.isClosed() ? ", region closed" : ", " + size() + " messages") + "]";
    }
}
