package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.interproc.codec.Codec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * <p>A {@link java.nio.ByteBuffer}'s remaining bytes are sent with {@code offer(MemorySegment.ofBuffer(buffer))};
 * {@code read(message -> buffer.put(message.asByteBuffer()))} takes a message into one.
 * {@link #drain(MessageHandler, int)} reads several in one batch, the fastest way to consume. A producer that
 * serialises in place {@linkplain #claim(int, Duration) claims} room and commits what it wrote ({@link QueueClaim}).
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
 *       its handler's work and the store of {@code head}, and exactly once otherwise. A batch
 *       ({@link #drain(MessageHandler, int)}, {@link #drainTo}) is consumed when it ends: a consumer that dies
 *       during one leaves all of its messages, those already handled included.
 * </ul>
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown()} ends the queue for every process, as Python 3.13's {@code Queue.shutdown()}: puts are refused
 * with {@link QueueShutDownException}, consumers take what is left and then get that exception instead of waiting
 * forever.
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

    /**
     * The queue called {@code slot}, created empty if it does not exist. See {@link SharedMemory#sharedQueue}.
     *
     * @throws IllegalArgumentException if {@code capacity} is no power of two in 64 .. 2^40, or a record of
     *     {@code maxMessage} bytes takes more than half of it
     * @throws IncompatibleRegionException if the slot's capacity or max_message words contradict its metadata
     */
    static SharedQueue find(SlotDirectory slots, String slot, long capacity, int maxMessage) {
        QueueGeometry.check(slot, capacity, maxMessage);
        long ringOffset = QueueRing.RING_OFFSET;
        SlotDirectory.Spec spec = SlotDirectory.Spec.initialised(
                        SlotType.QUEUE,
                        ringOffset + capacity,
                        ringOffset,
                        init -> QueueGeometry.initialise(init, capacity, maxMessage))
                .withMeta("capacity=" + capacity + " max_message=" + maxMessage);
        MemorySegment memory = slots.ensure(slot, spec);
        Region region = slots.region();
        return region.instance(
                slot, SharedQueue.class, key -> new SharedQueue(region, key, memory, capacity, maxMessage, null));
    }

    /**
     * The queue in the first bytes of another slot (a joinable queue's), whose {@code onTake} runs inside the
     * consumers' lock each time a message is taken, before {@code head} moves.
     */
    static SharedQueue inside(
            Region region, String name, MemorySegment queueSlot, long capacity, int maxMessage, Runnable onTake) {
        return new SharedQueue(region, name, queueSlot, capacity, maxMessage, onTake);
    }

    private final QueueRing ring;
    private final long capacity;
    private final int maxMessage;

    /** Runs inside the consumers' lock when a message is taken, before head moves; null for a plain queue. */
    private final Runnable onTake;
    /** Copies a message out of the ring, as it is taken. */
    private final Function<MemorySegment, byte[]> copier = this::copyOut;

    private SharedQueue(
            Region region, String name, MemorySegment memory, long capacity, int maxMessage, Runnable onTake) {
        super(region, name, memory, QueueRing.NOT_EMPTY_OFFSET);
        this.onTake = onTake;
        this.ring = new QueueRing(region, name, memory, fields, watch, capacity, maxMessage);
        this.capacity = capacity;
        this.maxMessage = maxMessage;
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
     * @throws QueueShutDownException if the queue is shut down
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
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(MemorySegment message) {
        try {
            return ring.write(message, QueueRing.NO_WAIT);
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
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
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
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(MemorySegment message, Duration timeout) throws InterruptedException {
        return ring.write(message, waitNanos(timeout));
    }

    /**
     * As {@link #offer(byte[], Duration)}.
     *
     * @param message the bytes to send, copied into the queue
     * @param timeout the longest time to wait; zero or less does not wait for space
     * @param unit the unit of {@code timeout}
     * @return {@code true} if the message was published, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public boolean offer(byte[] message, long timeout, TimeUnit unit) throws InterruptedException {
        return ring.write(MemorySegment.ofArray(message), waitNanos(unit.toNanos(timeout)));
    }

    /**
     * Inserts a message, waiting as long as it takes for space.
     *
     * @param message the bytes to send, copied into the queue
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
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
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     */
    public void put(MemorySegment message) throws InterruptedException {
        ring.write(message, Long.MAX_VALUE);
    }

    /**
     * Claims room for one message of up to {@code maxLength} bytes, to be written in place and published by
     * {@link QueueClaim#commit(int)}, waiting up to the timeout for space. The claim holds the producers' lock until
     * it ends: see {@link QueueClaim} (one claim per thread; other producers wait; a death before the commit
     * publishes nothing).
     *
     * @param maxLength the most bytes the message may have, 0 to {@link #maxMessageBytes()}
     * @param timeout the longest time to wait for space; zero or less does not wait for space
     * @return the claim, or {@code null} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was claimed
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if {@code maxLength} is negative or longer than {@link #maxMessageBytes()}
     * @throws IllegalStateException if this thread already holds a claim on this queue
     */
    public QueueClaim claim(int maxLength, Duration timeout) throws InterruptedException {
        return claim(maxLength, waitNanos(timeout));
    }

    /**
     * As {@link #claim(int, Duration)}, waiting as long as it takes for space.
     *
     * @param maxLength the most bytes the message may have, 0 to {@link #maxMessageBytes()}
     * @return the claim
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was claimed
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if {@code maxLength} is negative or longer than {@link #maxMessageBytes()}
     * @throws IllegalStateException if this thread already holds a claim on this queue
     */
    public QueueClaim claim(int maxLength) throws InterruptedException {
        return claim(maxLength, Long.MAX_VALUE);
    }

    private QueueClaim claim(int maxLength, long nanos) throws InterruptedException {
        if (maxLength < 0) {
            throw new IllegalArgumentException("cannot claim " + maxLength + " bytes of shared queue '" + name
                    + "': claim 0 to " + maxMessageBytes() + " bytes");
        }
        if (!ring.reserve(maxLength, nanos)) {
            return null;
        }
        try {
            return new QueueClaim(ring, name, maxLength);
        } catch (RuntimeException | Error failure) {
            ring.release();
            throw failure;
        }
    }

    // ---------------------------------------------------------------------------------------------- consumers

    /**
     * Takes the oldest message if there is one, without waiting for one.
     *
     * @return the message's bytes, or {@code null} if the queue was empty
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws IllegalStateException if the region is closed in this process
     */
    public byte[] poll() {
        try {
            return ring.consume(copier, QueueRing.NO_WAIT);
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
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     */
    public byte[] poll(Duration timeout) throws InterruptedException {
        return ring.consume(copier, waitNanos(timeout));
    }

    /**
     * As {@link #poll(Duration)}.
     *
     * @param timeout the longest time to wait; zero or less does not wait for a message
     * @param unit the unit of {@code timeout}
     * @return the message's bytes, or {@code null} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     */
    public byte[] poll(long timeout, TimeUnit unit) throws InterruptedException {
        return ring.consume(copier, waitNanos(unit.toNanos(timeout)));
    }

    /**
     * Takes the oldest message, waiting as long as it takes for one.
     *
     * @return the message's bytes
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     */
    public byte[] take() throws InterruptedException {
        return ring.consume(copier, Long.MAX_VALUE);
    }

    /**
     * Hands the oldest message, if there is one, to {@code handler} in place, without copying it, and consumes
     * it when the handler returns. The handler runs while this process holds the consumers' lock: other
     * consumers wait until it returns, so keep it short. If it throws, the message stays in the queue and the
     * exception propagates.
     *
     * @param handler receives a read-only view of the message, valid only during the call
     * @return {@code true} if a message was handled, {@code false} if the queue was empty
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public boolean read(MessageHandler handler) {
        try {
            return ring.consume(message -> handle(handler, message), QueueRing.NO_WAIT) != null;
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
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     */
    public boolean read(MessageHandler handler, Duration timeout) throws InterruptedException {
        return ring.consume(message -> handle(handler, message), waitNanos(timeout)) != null;
    }

    /**
     * Hands the messages there are, up to {@code maxMessages}, to {@code handler} in place and in order, without
     * copying them or waiting for one, and consumes them together when the last handler call returns: a batch read,
     * as Agrona's {@code read(handler, limit)}. The batch is what was published when it began (at most the
     * {@link #capacity()}), read in one hold of the consumers' lock and freed with one store of {@code head}, so it
     * costs one lock acquisition and one wake-up check however many messages it holds; other consumers wait until it
     * ends, and producers get the space back only then. If the handler throws, the messages handled before are
     * consumed, that message and the rest stay in the queue, and the exception propagates.
     *
     * <p>A consumer that dies during a batch has consumed none of it: every message of the batch, handled or not,
     * is delivered again to the next consumer (at least once, as for {@link #read(MessageHandler)}).
     *
     * @param handler receives a read-only view of each message, valid only during its call
     * @param maxMessages the most messages to handle, at least 1
     * @return how many messages were handled, 0 if the queue was empty
     * @throws IllegalArgumentException if {@code maxMessages} is less than 1
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public int drain(MessageHandler handler, int maxMessages) {
        try {
            return drain(handler, maxMessages, QueueRing.NO_WAIT);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a read that does not wait was interrupted", impossible);
        }
    }

    /**
     * As {@link #drain(MessageHandler, int)}, waiting up to the timeout for a first message; the batch is what was
     * published when it came.
     *
     * @param handler receives a read-only view of each message, valid only during its call
     * @param maxMessages the most messages to handle, at least 1
     * @param timeout the longest time to wait; zero or less does not wait for a message
     * @return how many messages were handled, 0 if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     * @throws IllegalArgumentException if {@code maxMessages} is less than 1
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     */
    public int drain(MessageHandler handler, int maxMessages, Duration timeout) throws InterruptedException {
        return drain(handler, maxMessages, waitNanos(timeout));
    }

    private int drain(MessageHandler handler, int maxMessages, long nanos) throws InterruptedException {
        if (maxMessages < 1) {
            throw new IllegalArgumentException(
                    "cannot drain " + maxMessages + " messages from shared queue '" + name + "': at least 1");
        }
        Batch batch = new Batch(message -> handler.onMessage(message.asReadOnly()));
        ring.consume(batch, maxMessages, nanos);
        return batch.count;
    }

    /**
     * Takes the messages there are, up to {@code maxMessages}, without waiting, and adds copies of them to
     * {@code sink} in order, in one batch as {@link #drain(MessageHandler, int)} does: {@code sink.add} runs
     * while this process holds the consumers' lock, and the messages leave the queue together when the last is
     * added. If {@code sink.add} throws, the messages added before are consumed, the one refused and the rest stay
     * in the queue, and the exception propagates.
     *
     * @param sink where the messages go
     * @param maxMessages the most messages to take; none for 0 or less
     * @return how many messages were taken
     * @throws QueueShutDownException if the queue is shut down and was empty on entry (a call that took messages
     *     returns their count, and the next one throws)
     */
    public int drainTo(Collection<? super byte[]> sink, int maxMessages) {
        if (maxMessages < 1) {
            return 0;
        }
        Batch batch = new Batch(message -> sink.add(message.toArray(JAVA_BYTE)));
        try {
            ring.consume(batch, maxMessages, QueueRing.NO_WAIT);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a read that does not wait was interrupted", impossible);
        }
        return batch.count;
    }

    /** Adds what {@code poll} returns to {@code sink} until it returns null, up to {@code max}; see drainTo. */
    static <T> int drain(Supplier<T> poll, Collection<? super T> sink, int max) {
        int drained = 0;
        try {
            for (T message; drained < max && (message = poll.get()) != null; drained++) {
                sink.add(message);
            }
        } catch (QueueShutDownException end) {
            if (drained == 0) {
                throw end;
            }
        }
        return drained;
    }

    /** One batch read: hands each message to {@code each}, counts it as taken, and counts the messages. */
    private final class Batch implements Function<MemorySegment, Batch> {
        private final Consumer<MemorySegment> each;
        int count;

        Batch(Consumer<MemorySegment> each) {
            this.each = each;
        }

        @Override
        public Batch apply(MemorySegment message) {
            each.accept(message);
            taken();
            count++;
            return this;
        }
    }

    private byte[] copyOut(MemorySegment message) {
        byte[] bytes = message.toArray(JAVA_BYTE);
        taken();
        return bytes;
    }

    private Boolean handle(MessageHandler handler, MemorySegment message) {
        handler.onMessage(message.asReadOnly());
        taken();
        return Boolean.TRUE;
    }

    private void taken() {
        if (onTake != null) {
            onTake.run();
        }
    }

    /**
     * This queue as a {@link java.util.concurrent.BlockingQueue} of objects, each message one element encoded by
     * {@code codec}: see {@link TypedQueue} for what of the contract it keeps, Python's queue API and encoding errors.
     *
     * @param <E> the element type
     * @param elementType the class every element is (a decoded message that is not one is refused);
     *     {@code Object.class} for any
     * @param codec encodes and decodes the elements; every process using the queue must use a compatible one
     * @return a view of this queue; it holds no state of its own
     */
    public <E> TypedQueue<E> typed(Class<E> elementType, Codec codec) {
        return new TypedQueue<>(this, elementType, codec);
    }

    /** The protocol under this queue, for the views on it. */
    QueueRing ring() {
        return ring;
    }

    // ---------------------------------------------------------------------------------------------- shutdown

    /**
     * Shuts the queue down for every process, as Python 3.13's {@code Queue.shutdown()}: from now on every put
     * throws {@link QueueShutDownException}, and consumers take the messages left, after which every take (and
     * poll, and read) throws it instead of waiting or returning nothing. Producers and consumers blocked in any
     * process are woken. A shutdown is final; calling it again does nothing more.
     */
    public void shutdown() {
        ring.shutdown();
    }

    /**
     * Whether the queue was shut down, by any process.
     *
     * @return {@code true} once {@link #shutdown()} was called
     */
    public boolean isShutDown() {
        return ring.isShutDown();
    }

    // ---------------------------------------------------------------------------------------------- counts

    /**
     * The messages in the queue (an estimate, as Python's {@code qsize}): published minus consumed, exact while
     * no producer or consumer dies between its two stores (docs/layout.md, "Queue slot").
     *
     * @return the messages held when read, 0 when no bytes are held; stale as soon as it returns
     */
    public long size() {
        return ring.size();
    }

    /**
     * The bytes of records in the queue (a snapshot).
     *
     * @return the bytes held when read, 0 to {@link #capacity()}
     */
    public long bytesHeld() {
        return ring.bytesHeld();
    }

    /**
     * Whether the queue holds no message (a snapshot).
     *
     * @return {@code true} if no message was held when read
     */
    public boolean isEmpty() {
        return bytesHeld() == 0;
    }

    private static long waitNanos(Duration timeout) {
        return waitNanos(TimeUnit.NANOSECONDS.convert(timeout));
    }

    /** A timed form's wait: zero or less is the non-waiting form's (whose lock is still taken interruptibly). */
    private static long waitNanos(long nanos) {
        return Math.max(nanos, 0);
    }

    @Override
    public String toString() {
        return "SharedQueue[" + name + ", " + capacity + " bytes"
                + (region.isClosed() ? ", region closed" : ", " + size() + " messages") + "]";
    }
}
