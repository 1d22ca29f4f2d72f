package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.WordWatch;
import dev.interproc.internal.wait.YieldSpin;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The protocol of a queue slot for {@link SharedQueue}: writing and publishing a record under the producers' lock,
 * reading and freeing one under the consumers' lock, waiting for the other side to move a position, and the checks
 * of every position and length read from the region. docs/layout.md, "Queue slot", specifies the bytes and the
 * protocol. An access after the region closed throws the region's {@link IllegalStateException}.
 */
final class QueueRing {

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final long PUT_LOCK_OFFSET = RegionLayout.QUEUE_PUT_LOCK_OFFSET;
    private static final long TAKE_LOCK_OFFSET = RegionLayout.QUEUE_TAKE_LOCK_OFFSET;
    private static final long TAIL_OFFSET = RegionLayout.QUEUE_TAIL_OFFSET;
    private static final long PUT_COUNT_OFFSET = RegionLayout.QUEUE_PUT_COUNT_OFFSET;
    static final long NOT_EMPTY_OFFSET = RegionLayout.QUEUE_NOT_EMPTY_OFFSET;
    private static final long CONSUMERS_WAITING_OFFSET = RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET;
    private static final long HEAD_OFFSET = RegionLayout.QUEUE_HEAD_OFFSET;
    private static final long TAKE_COUNT_OFFSET = RegionLayout.QUEUE_TAKE_COUNT_OFFSET;
    private static final long NOT_FULL_OFFSET = RegionLayout.QUEUE_NOT_FULL_OFFSET;
    private static final long PRODUCERS_WAITING_OFFSET = RegionLayout.QUEUE_PRODUCERS_WAITING_OFFSET;
    static final long CAPACITY_OFFSET = RegionLayout.QUEUE_CAPACITY_OFFSET;
    static final long MAX_MESSAGE_OFFSET = RegionLayout.QUEUE_MAX_MESSAGE_OFFSET;
    private static final long SHUTDOWN_OFFSET = RegionLayout.QUEUE_SHUTDOWN_OFFSET;
    static final long RING_OFFSET = RegionLayout.QUEUE_RING_OFFSET;
    private static final int ALIGN = RegionLayout.QUEUE_ALIGN;
    private static final int WRAP = RegionLayout.QUEUE_WRAP;
    static final int LENGTH_BYTES = Integer.BYTES;
    /** Waits of the non-waiting forms: none for space or messages, the lock taken uninterruptibly. */
    static final long NO_WAIT = -1;

    /**
     * Test hook (a system property read once): a pause inside the window between writing a message and
     * publishing it, and between reading one and freeing its space, so that a test can kill a process there.
     */
    private static final long PAUSE_INSIDE_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("interproc.test.queuePauseMillis", 0));

    private final Region region;
    private final String name;
    private final MemorySegment memory;
    /** The ring of records. */
    private final MemorySegment records;

    private final long capacity;
    private final long mask;
    private final int maxMessage;
    private final LockWord putLock;
    private final LockWord takeLock;
    /** The queue's 32-bit fields. */
    private final IntFields fields;
    /** The word consumers sleep on while the ring is empty. */
    private final WordWatch notEmpty;
    /** The word producers sleep on while the ring is full. */
    private final WordWatch notFull;

    // The reservation of the thread that holds the producers' lock (which names this process): written and read
    // only under that lock, whose compare-and-set orders them between threads.
    private long reservedTail;
    private long reservedAt;
    private boolean reservedWrap;
    /** The thread holding a claim, compared only with the current thread (which sees its own stores). */
    private Thread claimant;

    /**
     * A {@code head} this process read (guarded by the producers' lock, as Agrona's head cache): positions only grow,
     * so the bytes it leaves free are free, and a producer reads {@code head} from the region, a line the consumers
     * write, only when the cached one leaves too little room.
     */
    private long headCache;
    /** A {@code tail} this process read (guarded by the consumers' lock): what it says is published, is. */
    private long tailCache;

    /**
     * The protocol on the queue slot {@code memory} of a ring of {@code capacity} bytes taking messages of up to
     * {@code maxMessage} bytes, as the slot's metadata says.
     *
     * @param notEmpty the watch of the slot's {@code not_empty} word
     * @throws IncompatibleRegionException if the slot's capacity or max_message words contradict the metadata
     */
    QueueRing(
            Region region,
            String name,
            MemorySegment memory,
            IntFields fields,
            WordWatch notEmpty,
            long capacity,
            int maxMessage) {
        this.region = region;
        this.name = name;
        this.memory = memory;
        this.records = memory.asSlice(RING_OFFSET, capacity);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessage = maxMessage;
        this.putLock = new LockWord(
                region, memory.asSlice(PUT_LOCK_OFFSET, RegionLayout.LOCK_SIZE), "queue '" + name + "' (producers)");
        this.takeLock = new LockWord(
                region, memory.asSlice(TAKE_LOCK_OFFSET, RegionLayout.LOCK_SIZE), "queue '" + name + "' (consumers)");
        this.fields = fields;
        this.notEmpty = notEmpty;
        this.notFull = new WordWatch(memory.asSlice(NOT_FULL_OFFSET, Integer.BYTES));
        long storedCapacity = longAt(CAPACITY_OFFSET);
        int storedMax = fields.get(MAX_MESSAGE_OFFSET);
        if (storedCapacity != capacity || storedMax != maxMessage) {
            throw damaged("fields capacity " + storedCapacity + " and max_message " + storedMax
                    + " contradict its metadata (capacity=" + capacity + " max_message=" + maxMessage + ")");
        }
    }

    /** Bytes of the record of a message of {@code length} bytes: the length word, the payload, the padding. */
    static long recordBytes(long length) {
        return (LENGTH_BYTES + length + ALIGN - 1) & -ALIGN;
    }

    /**
     * Writes {@code message} and publishes it with one store of {@code tail}.
     *
     * @param nanos how long to wait for space, or {@link #NO_WAIT}
     * @return false if no space came in time
     */
    boolean write(MemorySegment message, long nanos) throws InterruptedException {
        long length = message.byteSize();
        if (!reserve(length, nanos)) {
            return false;
        }
        try {
            copy(message, 0, records, reservedAt + LENGTH_BYTES, length);
        } catch (RuntimeException | Error failure) {
            release();
            throw failure;
        }
        publish(length);
        return true;
    }

    /**
     * Takes the producers' lock and waits for room for a record of {@code length} bytes at {@code tail}; on success
     * the lock stays held and {@link #reserved}, {@link #publish} or {@link #release} ends the reservation. The
     * reservation is kept in this object: the producers' lock names the process, so one thread of the process at
     * a time holds it.
     *
     * @param nanos how long to wait for space, or {@link #NO_WAIT}
     * @return false if no space came in time (the lock is not held then)
     * @throws IllegalArgumentException if {@code length} is more than the maximum
     * @throws IllegalStateException if this thread holds a claim on the queue: it would wait for itself
     */
    boolean reserve(long length, long nanos) throws InterruptedException {
        if (length > maxMessage) {
            throw new IllegalArgumentException("a message of " + length + " bytes is longer than the " + maxMessage
                    + " bytes queue '" + name + "' takes");
        }
        if (claimant == Thread.currentThread()) {
            throw new IllegalStateException("this thread holds a claim on shared queue '" + name
                    + "': commit or abort it before it writes again (the producers' lock is held until then)");
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
            boolean reserved = false;
            try {
                long tail = longAt(TAIL_OFFSET);
                long at = tail & mask;
                long toEnd = capacity - at;
                long needed = record <= toEnd ? record : toEnd + record;
                head = headCache;
                long cachedHeld = tail - head;
                if (cachedHeld < 0 || cachedHeld > capacity - needed) {
                    head = longAt(HEAD_OFFSET);
                    headCache = head;
                }
                long held = checkedHeld(head, tail);
                if (isShutDown()) {
                    throw new QueueShutDownException("cannot put to shared queue '" + name + "': it is shut down");
                }
                if (capacity - held >= needed) {
                    reservedTail = tail;
                    reservedWrap = needed != record;
                    reservedAt = reservedWrap ? 0 : at;
                    reserved = true;
                    return true;
                }
            } finally {
                if (!reserved) {
                    putLock.unlockInternal();
                }
            }
            if (nanos == NO_WAIT
                    || !awaitMove(
                            PRODUCERS_WAITING_OFFSET,
                            NOT_FULL_OFFSET,
                            notFull,
                            takeLock,
                            HEAD_OFFSET,
                            head,
                            deadline)) {
                return false;
            }
        }
    }

    /** The payload bytes of the record reserved for {@code length} bytes; valid until the reservation ends. */
    MemorySegment reserved(long length) {
        return slice(records, reservedAt + LENGTH_BYTES, length);
    }

    /**
     * Publishes the reserved record with a payload of {@code length} bytes (at most the length reserved), already
     * written: the wrap length if the reservation wrapped, the record's length, {@code put_count}, then one store
     * of {@code tail}; releases the producers' lock and wakes consumers.
     */
    void publish(long length) {
        try {
            long tail = reservedTail;
            if (reservedWrap) {
                setInt(tail & mask, WRAP);
            }
            setInt(reservedAt, (int) length);
            pauseInsideForTests();
            setCount(PUT_COUNT_OFFSET, countAt(PUT_COUNT_OFFSET) + 1);
            setPosition(TAIL_OFFSET, tail + (reservedWrap ? capacity - (tail & mask) : 0) + recordBytes(length));
        } finally {
            putLock.unlockInternal();
        }
        wake(CONSUMERS_WAITING_OFFSET, NOT_EMPTY_OFFSET, notEmpty);
    }

    /** Ends a reservation without publishing anything: releases the producers' lock. */
    void release() {
        putLock.unlockInternal();
    }

    /**
     * Marks the thread that holds a claim on the queue (null when none does), so that its own next write is refused
     * instead of waiting for itself.
     */
    void claimedBy(Thread thread) {
        claimant = thread;
    }

    /**
     * Reads the oldest message through {@code reader} and frees its space with one store of {@code head}.
     *
     * @param nanos how long to wait for a message, or {@link #NO_WAIT}
     * @return what {@code reader} made of the message, or null if none came in time
     */
    <T> T consume(Function<MemorySegment, T> reader, long nanos) throws InterruptedException {
        return consume(reader, 1, nanos, false);
    }

    /**
     * Reads up to {@code max} of the oldest messages, in order, through {@code reader} in one hold of the consumers'
     * lock, and frees their space with one store of {@code head} (a batch read: docs/layout.md, "Queue slot", Take).
     * It reads what was published when it looked at {@code tail}, at most the whole ring. If {@code reader} throws,
     * the messages before are consumed, that one and the rest stay, and the exception propagates.
     *
     * @param reader makes something, never null, of each message, in place and under the lock
     * @param max the most messages to read, at least 1
     * @param nanos how long to wait for the first message, or {@link #NO_WAIT}
     * @return what {@code reader} made of the last message consumed, or null if none came in time
     */
    <T> T consume(Function<MemorySegment, T> reader, int max, long nanos) throws InterruptedException {
        return consume(reader, max, nanos, false);
    }

    /**
     * Reads the oldest message through {@code reader} under the consumers' lock and leaves it in the queue.
     *
     * @return what {@code reader} made of the message, or null if the queue was empty
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    <T> T peek(Function<MemorySegment, T> reader) {
        try {
            return consume(reader, 1, NO_WAIT, true);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a peek that does not wait was interrupted", impossible);
        }
    }

    private <T> T consume(Function<MemorySegment, T> reader, int max, long nanos, boolean keep)
            throws InterruptedException {
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
            int taken = 0;
            try {
                long head = longAt(HEAD_OFFSET);
                tail = tailCache;
                long cachedHeld = tail - head;
                // A batch looks at tail itself: the cache may say less than was published.
                if (cachedHeld <= 0 || cachedHeld > capacity || max > 1) {
                    tail = longAt(TAIL_OFFSET);
                    tailCache = tail;
                }
                if (checkedHeld(head, tail) == 0 && isShutDown()) {
                    throw new QueueShutDownException(
                            "shared queue '" + name + "' is shut down and its last message was taken");
                }
                try {
                    while (taken < max && head != tail) {
                        long at = head & mask;
                        int length = intAt(at);
                        long skipped = 0;
                        if (length == WRAP) {
                            skipped = capacity - at;
                            at = 0;
                            length = intAt(0);
                        }
                        long record = checkedRecord(head, length, skipped, tail - head);
                        result = reader.apply(slice(records, at + LENGTH_BYTES, length));
                        if (keep) {
                            return result;
                        }
                        pauseInsideForTests();
                        head += record;
                        taken++;
                    }
                } finally {
                    if (taken > 0) {
                        // The messages read (all of them, or those before a reader that threw) are consumed.
                        setCount(TAKE_COUNT_OFFSET, countAt(TAKE_COUNT_OFFSET) + taken);
                        setPosition(HEAD_OFFSET, head);
                    }
                }
            } finally {
                takeLock.unlockInternal();
                if (taken > 0) {
                    wake(PRODUCERS_WAITING_OFFSET, NOT_FULL_OFFSET, notFull);
                }
            }
            if (taken > 0) {
                return result;
            }
            if (nanos == NO_WAIT
                    || !awaitMove(
                            CONSUMERS_WAITING_OFFSET,
                            NOT_EMPTY_OFFSET,
                            notEmpty,
                            putLock,
                            TAIL_OFFSET,
                            tail,
                            deadline)) {
                return null;
            }
        }
    }

    /**
     * Marks the queue shut down, then wakes every waiter: each re-checks under its lock, so a producer either
     * published before the mark or is refused, and a consumer takes what was published before it is refused.
     */
    void shutdown() {
        fields.set(SHUTDOWN_OFFSET, 1);
        // Bumped after the mark: a waiter that read a sequence word before the mark wakes at once.
        fields.add(NOT_EMPTY_OFFSET, 1);
        fields.add(NOT_FULL_OFFSET, 1);
        notEmpty.wakeAll();
        notFull.wakeAll();
    }

    /**
     * Whether the queue was shut down.
     *
     * @throws IncompatibleRegionException if the shutdown field is neither 0 nor 1
     */
    boolean isShutDown() {
        int shutdown = fields.get(SHUTDOWN_OFFSET);
        if (shutdown != 0 && shutdown != 1) {
            throw damaged("field shutdown is " + shutdown + ", not 0 or 1");
        }
        return shutdown == 1;
    }

    /** See {@link SharedQueue#size()}. */
    long size() {
        try {
            observeReleases();
            return messagesHeld(memory, capacity);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /** See {@link SharedQueue#bytesHeld()}. */
    long bytesHeld() {
        try {
            observeReleases();
            return bytesHeld(memory, capacity);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /**
     * Reads both lock words, so that the positions read next are at least those stored before the last release of
     * each lock: a joinable queue's {@code join}, registered as a waiter, then sees every move whose mover released
     * its lock before this read (positions are stored with release semantics, see {@link #awaitMove}).
     */
    private void observeReleases() {
        putLock.observeReleases();
        takeLock.observeReleases();
    }

    static long bytesHeld(MemorySegment memory, long capacity) {
        long head = (long) LONG.getVolatile(memory, HEAD_OFFSET);
        long tail = (long) LONG.getVolatile(memory, TAIL_OFFSET);
        return Math.clamp(tail - head, 0, capacity);
    }

    static long messagesHeld(MemorySegment memory, long capacity) {
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
        return SlotType.Described.state(describe(slot, slot.value().byteSize() - RING_OFFSET));
    }

    /** The state of the queue of {@code capacity} bytes of ring at the start of {@code slot}. */
    static String describe(SlotType.Stored slot, long capacity) {
        MemorySegment value = slot.value();
        if (capacity <= 0) {
            throw new IndexOutOfBoundsException("a queue slot of " + value.byteSize() + " bytes has no ring");
        }
        long messages = messagesHeld(value, capacity);
        StringBuilder state = new StringBuilder()
                .append(messages)
                .append(messages == 1 ? " message, " : " messages, ")
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
        if (fields.get(SHUTDOWN_OFFSET) != 0) {
            state.append(", shut down");
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
        return state.toString();
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
        if (deadline == Long.MAX_VALUE) {
            lock.acquire(-1, true); // acquired, or the previous owner died: either way held
            return true;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            // Out of time for space, but another producer's or consumer's copy is no reason to fail.
            lock.lockInternal();
            return true;
        }
        return lock.acquire(remaining, true) != LockWord.Outcome.TIMED_OUT;
    }

    /**
     * Spins briefly, yielding, for the position at {@code positionOffset} to move from {@code seen}: a side
     * that keeps up with the other then never sleeps, and the other never pays for a futex wake. Then registers as a
     * waiter and sleeps one slice on the sequence word at {@code seqOffset} unless the position has moved; the other
     * side bumps the word after it moves the position and sees a waiter. The word is read before the registration;
     * after it, the mover's lock word {@code moversLock}, then the position: the mover stores the position with
     * release semantics and then releases its lock with a compare-and-set, so either this read of the lock word
     * comes after that release and the position read after it is the new one, or the registration comes before the
     * release and the mover's read of the waiters after it sees the registration. So no move is missed.
     *
     * @return false if the deadline has passed
     * @throws InterruptedException if the thread is interrupted while it sleeps
     */
    private boolean awaitMove(
            long waitingOffset,
            long seqOffset,
            WordWatch word,
            LockWord moversLock,
            long positionOffset,
            long seen,
            long deadline)
            throws InterruptedException {
        if (yieldUntilMoved(positionOffset, seen, deadline)) {
            return true;
        }
        Slept slept = sleepUnless(
                fields, waitingOffset, seqOffset, word, () -> moved(moversLock, positionOffset, seen), deadline);
        if (slept == Slept.TIMED_OUT) {
            return false;
        }
        if (slept == Slept.SLEPT && Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting on shared queue '" + name + "'");
        }
        return true;
    }

    /**
     * Whether the position at {@code positionOffset} moved from {@code seen}, or the queue was shut down, as a
     * registered waiter must look: the lock word of the side that moves the position first (see {@link #awaitMove}).
     */
    private boolean moved(LockWord moversLock, long positionOffset, long seen) {
        moversLock.observeReleases();
        return movedOrShutDown(positionOffset, seen);
    }

    /** Whether the position at {@code positionOffset} is no longer {@code seen}, or the queue was shut down. */
    private boolean movedOrShutDown(long positionOffset, long seen) {
        return longAt(positionOffset) != seen || fields.get(SHUTDOWN_OFFSET) != 0;
    }

    /** How {@link #sleepUnless} ended. */
    enum Slept {
        /** {@code ready} said so: no sleep. */
        READY,
        /** Not ready and the deadline had passed: no sleep. */
        TIMED_OUT,
        /** Slept one slice, or until woken. */
        SLEPT
    }

    /**
     * The registered sleep of the queue slots' waiters: reads the sequence word {@code word} (at {@code seqOffset}),
     * adds 1 to the count of waiters at {@code waitingOffset}, asks {@code ready}, and unless it is ready or the
     * deadline has passed sleeps one wait slice while the word holds the value read; then takes the registration
     * back. A mover changes what {@code ready} reads before it reads the count, and bumps the word if it sees a
     * waiter: so no change is missed.
     */
    static Slept sleepUnless(
            IntFields fields, long waitingOffset, long seqOffset, WordWatch word, BooleanSupplier ready, long deadline)
            throws InterruptedException {
        int sequence = fields.get(seqOffset);
        fields.add(waitingOffset, 1);
        try {
            if (ready.getAsBoolean()) {
                return Slept.READY;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return Slept.TIMED_OUT;
            }
            word.sleep(sequence, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
            return Slept.SLEPT;
        } finally {
            fields.add(waitingOffset, -1);
        }
    }

    /**
     * Spins ({@link YieldSpin}) for up to {@link RegionLayout#LOCK_SPIN_NANOS} (20 us) or until the deadline for the
     * position at {@code positionOffset} to move from {@code seen}.
     *
     * @return whether the position moved or the queue was shut down
     */
    private boolean yieldUntilMoved(long positionOffset, long seen, long deadline) {
        return YieldSpin.until(
                        () -> movedOrShutDown(positionOffset, seen) ? 1 : 0, RegionLayout.LOCK_SPIN_NANOS, deadline)
                != 0;
    }

    /** Bumps the sequence word and wakes its sleepers if the count at {@code waitingOffset} says some registered. */
    private void wake(long waitingOffset, long seqOffset, WordWatch word) {
        if (fields.get(waitingOffset) != 0) {
            fields.add(seqOffset, 1);
            word.wakeAll();
        }
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
        if (nanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE; // no clock read for the untimed forms
        }
        long now = System.nanoTime();
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
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

    /**
     * Stores {@code head} or {@code tail} with release semantics: the record's bytes and the count before it are
     * visible to whoever sees the new position. No full fence: the lock release that follows (a compare-and-set)
     * orders it before the mover's read of the waiters, and waiters read that lock word ({@link #awaitMove}).
     */
    private void setPosition(long offset, long value) {
        try {
            LONG.setRelease(memory, offset, value);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    /** A message count: an estimate written under its side's lock before the position, so opaque is enough. */
    private long countAt(long offset) {
        try {
            return (long) LONG.getOpaque(memory, offset);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private void setCount(long offset, long value) {
        try {
            LONG.setOpaque(memory, offset, value);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private int intAt(long ringOffset) {
        try {
            return records.get(JAVA_INT, ringOffset);
        } catch (IllegalStateException closed) {
            throw closedOr(closed);
        }
    }

    private void setInt(long ringOffset, int value) {
        try {
            records.set(JAVA_INT, ringOffset, value);
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
    IllegalStateException closedOr(IllegalStateException failure) {
        return region.isClosed() ? region.closedError(failure) : failure;
    }
}
