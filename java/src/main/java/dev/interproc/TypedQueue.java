package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.interproc.codec.Codec;
import java.io.IOException;
import java.time.Duration;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link SharedQueue} seen as a {@link BlockingQueue} of objects, each message one object encoded by a
 * {@link Codec} ({@code JavaSerializationCodec} between JVMs, {@code PickleCodec} with Python, {@code BytesCodec}
 * for {@code byte[]}). Obtain one with {@link SharedQueue#typed(Class, Codec)}; every view of one queue, in any
 * process, shares its messages.
 *
 * <h2>What the BlockingQueue contract keeps</h2>
 * {@code offer}, {@code put}, {@code poll}, {@code take} (with timeouts), {@code add}, {@code remove()},
 * {@code element}, {@code peek}, {@code drainTo}, {@code clear} and {@code addAll} behave as the interface says, with
 * the waiting, interruption and memory effects of {@link SharedQueue}. The counts are snapshots of a queue other
 * processes change at the same time: {@link #size()} is the messages held when read (as Python's {@code qsize}),
 * and {@link #remainingCapacity()} counts <em>bytes</em>, not elements, because messages have any size: it is the
 * ring's free bytes (at most {@code Integer.MAX_VALUE}), and an element fits only if its encoding's record (4 bytes
 * of length, the bytes, padding to 8) does.
 *
 * <h2>What it cannot keep, and throws {@link UnsupportedOperationException} for</h2>
 * {@link #iterator()}, {@link #contains}, {@link #remove(Object)}, {@link #toArray()}, {@link #containsAll},
 * {@link #removeAll}, {@link #retainAll} and {@link #removeIf}: the messages are bytes in a ring that consumers of
 * every process read in order from its head, under a lock that no consumer may hold while it waits. Seeing an element
 * past the head would mean decoding every message under the consumers' lock, stopping every consumer of every
 * process meanwhile, for a view that is stale when it returns; removing one from the middle would leave a hole that
 * the ring's protocol (and the C side) cannot represent. Only the head can be looked at and taken.
 *
 * <h2>Python's queue API</h2>
 * {@link #put(Object, boolean, Duration)}, {@link #get(boolean, Duration)}, {@link #putNowait}, {@link #getNowait},
 * {@link #qsize()}, {@link #empty()}, {@link #full()}, and {@link #shutdown()} as 3.13's. Python's {@code queue.Full}
 * is {@link IllegalStateException} here (as {@link #add} on a full queue), {@code queue.Empty} is
 * {@link NoSuchElementException} (as {@link #remove()} on an empty queue), {@code queue.ShutDown} is
 * {@link QueueShutDownException}, an {@code IllegalStateException} too: catch it first.
 *
 * <h2>Encoding and decoding</h2>
 * An element is encoded before anything is written: one the codec refuses, or whose encoding is longer than
 * {@link SharedQueue#maxMessageBytes()}, is refused with {@link IllegalArgumentException} and the queue is
 * unchanged. A message is decoded after it is taken: one that fails to decode, decodes to {@code null} (Python's
 * {@code None}) or to an object that is not an {@code E} throws {@link UndecodableMessageException} naming the queue,
 * and <em>is consumed</em> (the next take gets the next message), so one bad message cannot wedge every consumer.
 * The queue's peers are the processes that can write its region, which the region's mode decides: a codec that
 * requires an authenticated peer relies on that mode.
 *
 * <p>Null elements are refused with {@link NullPointerException}. Safe for any number of threads.
 *
 * @param <E> the element type
 */
public sealed class TypedQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> permits JoinableQueue {

    private final SharedQueue queue;
    private final Class<E> type;
    private final Codec codec;

    TypedQueue(SharedQueue queue, Class<E> type, Codec codec) {
        this.queue = queue;
        this.type = Objects.requireNonNull(type, "type");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * The queue of bytes under this view.
     *
     * @return the shared queue whose messages this view encodes and decodes
     */
    public SharedQueue bytes() {
        return queue;
    }

    // ---------------------------------------------------------------------------------------------- BlockingQueue

    /**
     * Inserts {@code element} if there is room now, without waiting for room.
     *
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalArgumentException if the codec refuses the element or its encoding is too long
     */
    @Override
    public boolean offer(E element) {
        return queue.offer(encode(element));
    }

    /**
     * Inserts {@code element}, waiting up to the timeout for room.
     *
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if the codec refuses the element or its encoding is too long
     */
    @Override
    public boolean offer(E element, long timeout, TimeUnit unit) throws InterruptedException {
        return queue.offer(encode(element), timeout, unit);
    }

    /**
     * Inserts {@code element}, waiting as long as it takes for room.
     *
     * @throws QueueShutDownException if the queue is shut down, or is shut down while the call waits
     * @throws IllegalArgumentException if the codec refuses the element or its encoding is too long
     */
    @Override
    public void put(E element) throws InterruptedException {
        queue.put(encode(element));
    }

    /**
     * Takes the head if there is one, without waiting.
     *
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws UndecodableMessageException if the head fails to decode (it is consumed)
     */
    @Override
    public E poll() {
        return decode(queue.poll());
    }

    /**
     * Takes the head, waiting up to the timeout for one.
     *
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     * @throws UndecodableMessageException if the head fails to decode (it is consumed)
     */
    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return decode(queue.poll(timeout, unit));
    }

    /**
     * Takes the head, waiting as long as it takes for one.
     *
     * @throws QueueShutDownException if the queue is shut down and empty, or is shut down while the call waits
     * @throws UndecodableMessageException if the head fails to decode (it is consumed)
     */
    @Override
    public E take() throws InterruptedException {
        return decode(queue.take());
    }

    /**
     * Decodes the head without taking it (a snapshot: another consumer may take it at once). Consumers of every
     * process wait while it is copied.
     *
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws UndecodableMessageException if the head fails to decode (it stays in the queue)
     */
    @Override
    public E peek() {
        return decode(queue.ring().peek(message -> message.toArray(JAVA_BYTE)), false);
    }

    /** Messages held when read, at most {@code Integer.MAX_VALUE}: see {@link SharedQueue#size()}. */
    @Override
    public int size() {
        return (int) Math.min(queue.size(), Integer.MAX_VALUE);
    }

    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * The ring's free bytes when read, not elements (messages have any size): see the class comment.
     *
     * @return {@link SharedQueue#capacity()} less the bytes held, at most {@code Integer.MAX_VALUE}
     */
    @Override
    public int remainingCapacity() {
        return (int) Math.min(queue.capacity() - queue.bytesHeld(), Integer.MAX_VALUE);
    }

    /**
     * Takes the elements there are, without waiting, into {@code sink}.
     *
     * @throws UndecodableMessageException if a message fails to decode: it is consumed, the elements taken before it
     *     are in {@code sink}
     */
    @Override
    public int drainTo(Collection<? super E> sink) {
        return drainTo(sink, Integer.MAX_VALUE);
    }

    /**
     * Takes up to {@code maxElements} elements there are, without waiting, into {@code sink}.
     *
     * @throws UndecodableMessageException if a message fails to decode: it is consumed, the elements taken before it
     *     are in {@code sink}
     * @throws QueueShutDownException if the queue is shut down and was empty on entry
     */
    @Override
    public int drainTo(Collection<? super E> sink, int maxElements) {
        if (sink == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        return SharedQueue.drain(this::poll, sink, maxElements);
    }

    /** Takes and drops the messages there are, without decoding them. */
    @Override
    public void clear() {
        try {
            while (queue.poll() != null) {
                // dropped
            }
        } catch (QueueShutDownException drained) {
            // shut down and empty: cleared
        }
    }

    // ---------------------------------------------------------------------------------------------- unsupported

    /** Unsupported: the messages of a shared queue can only be taken from the head (see the class comment). */
    @Override
    public Iterator<E> iterator() {
        throw unsupported("iterated");
    }

    /** Unsupported: see the class comment. */
    @Override
    public boolean contains(Object element) {
        throw unsupported("searched (contains)");
    }

    /** Unsupported: only the head can be taken (see the class comment). */
    @Override
    public boolean remove(Object element) {
        throw unsupported("searched for an element to remove");
    }

    /** Unsupported: see the class comment. */
    @Override
    public Object[] toArray() {
        throw unsupported("copied to an array");
    }

    /** Unsupported: see the class comment. */
    @Override
    public <T> T[] toArray(T[] array) {
        throw unsupported("copied to an array");
    }

    /** Unsupported: see the class comment. */
    @Override
    public boolean containsAll(Collection<?> elements) {
        throw unsupported("searched (containsAll)");
    }

    /** Unsupported: only the head can be taken (see the class comment). */
    @Override
    public boolean removeAll(Collection<?> elements) {
        throw unsupported("searched for elements to remove");
    }

    /** Unsupported: only the head can be taken (see the class comment). */
    @Override
    public boolean retainAll(Collection<?> elements) {
        throw unsupported("searched for elements to remove");
    }

    /** Unsupported: only the head can be taken (see the class comment). */
    @Override
    public boolean removeIf(Predicate<? super E> filter) {
        throw unsupported("searched for elements to remove");
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException("shared queue '" + queue.name() + "' cannot be " + what
                + ": its messages are bytes that consumers of every process take in order from the head, so only"
                + " the head can be seen (peek) or taken (poll, take, drainTo)");
    }

    // ---------------------------------------------------------------------------------------------- Python

    /**
     * Python's {@code put(item, block, timeout)}.
     *
     * @param element the element to insert
     * @param block {@code false} to insert only if there is room now (the timeout is ignored)
     * @param timeout with {@code block}, the longest time to wait for room; {@code null} waits as long as it takes
     * @throws IllegalArgumentException if {@code block} and the timeout is negative (Python's {@code ValueError}),
     *     or the codec refuses the element or its encoding is too long
     * @throws IllegalStateException if there was no room (Python's {@code queue.Full})
     * @throws QueueShutDownException if the queue is shut down (Python's {@code queue.ShutDown})
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was written
     */
    public void put(E element, boolean block, Duration timeout) throws InterruptedException {
        checkTimeout(block, timeout);
        byte[] message = encode(element);
        boolean put;
        if (!block) {
            put = queue.offer(message);
        } else if (timeout == null) {
            queue.put(message);
            put = true;
        } else {
            put = queue.offer(message, timeout);
        }
        if (!put) {
            throw noRoom();
        }
    }

    /**
     * Python's {@code put_nowait(item)}: {@code put(element, false, null)}.
     *
     * @param element the element to insert
     * @throws IllegalStateException if there was no room (Python's {@code queue.Full})
     * @throws QueueShutDownException if the queue is shut down
     * @throws IllegalArgumentException if the codec refuses the element or its encoding is too long
     */
    public void putNowait(E element) {
        if (!offer(element)) {
            throw noRoom();
        }
    }

    /**
     * Python's {@code get(block, timeout)}.
     *
     * @param block {@code false} to take only a message there is now (the timeout is ignored)
     * @param timeout with {@code block}, the longest time to wait; {@code null} waits as long as it takes
     * @return the head
     * @throws IllegalArgumentException if {@code block} and the timeout is negative (Python's {@code ValueError})
     * @throws NoSuchElementException if there was no message (Python's {@code queue.Empty})
     * @throws QueueShutDownException if the queue is shut down and empty (Python's {@code queue.ShutDown})
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; nothing was taken
     * @throws UndecodableMessageException if the head fails to decode (it is consumed)
     */
    public E get(boolean block, Duration timeout) throws InterruptedException {
        checkTimeout(block, timeout);
        E element;
        if (!block) {
            element = poll();
        } else if (timeout == null) {
            element = take();
        } else {
            element = decode(queue.poll(timeout));
        }
        if (element == null) {
            throw noElement();
        }
        return element;
    }

    /**
     * Python's {@code get_nowait()}: {@code get(false, null)}.
     *
     * @return the head
     * @throws NoSuchElementException if there was no message (Python's {@code queue.Empty})
     * @throws QueueShutDownException if the queue is shut down and empty
     * @throws UndecodableMessageException if the head fails to decode (it is consumed)
     */
    public E getNowait() {
        E element = poll();
        if (element == null) {
            throw noElement();
        }
        return element;
    }

    /**
     * Python's {@code qsize()}: approximate, as Python's.
     *
     * @return the messages held when read
     */
    public long qsize() {
        return queue.size();
    }

    /**
     * Python's {@code empty()}: approximate, as Python's.
     *
     * @return {@code true} if no message was held when read
     */
    public boolean empty() {
        return queue.isEmpty();
    }

    /**
     * Python's {@code full()}, approximate as Python's: messages have any size, so full means that not even an empty
     * message would fit (fewer than 8 bytes free); a larger message may not fit while this says {@code false}.
     *
     * @return {@code true} if the ring had no room for the smallest record when read
     */
    public boolean full() {
        return queue.capacity() - queue.bytesHeld() < QueueRing.recordBytes(0);
    }

    /**
     * Python 3.13's {@code shutdown()}: see {@link SharedQueue#shutdown()}.
     */
    public void shutdown() {
        queue.shutdown();
    }

    /** Python's {@code queue.Full}: a put that found no room. */
    private IllegalStateException noRoom() {
        return new IllegalStateException("shared queue '" + queue.name() + "' is full (queue.Full)");
    }

    /** Python's {@code queue.Empty}: a get that found no message. */
    private NoSuchElementException noElement() {
        return new NoSuchElementException("shared queue '" + queue.name() + "' is empty (queue.Empty)");
    }

    private static void checkTimeout(boolean block, Duration timeout) {
        if (block && timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("'timeout' must be a non-negative number, not " + timeout);
        }
    }

    // ---------------------------------------------------------------------------------------------- codec

    private byte[] encode(E element) {
        Objects.requireNonNull(element, "a shared queue holds no null element");
        byte[] message;
        try {
            message = codec.encode(element);
        } catch (IOException refused) {
            throw new IllegalArgumentException(
                    "shared queue '" + queue.name() + "': "
                            + codec.getClass().getSimpleName() + " cannot encode a "
                            + element.getClass().getName() + ": "
                            + refused.getMessage(),
                    refused);
        }
        if (message.length > queue.maxMessageBytes()) {
            throw new IllegalArgumentException("shared queue '" + queue.name() + "' takes messages of up to "
                    + queue.maxMessageBytes() + " bytes; a "
                    + element.getClass().getName() + " encodes to "
                    + message.length + " bytes with " + codec.getClass().getSimpleName());
        }
        return message;
    }

    /** The element {@code message} encodes, or null for null (no message); the message was taken. */
    private E decode(byte[] message) {
        return decode(message, true);
    }

    private E decode(byte[] message, boolean taken) {
        if (message == null) {
            return null;
        }
        Object element;
        try {
            element = codec.decode(message);
        } catch (IOException | RuntimeException failed) {
            throw undecodable(message, taken, failed.toString(), failed);
        }
        if (!type.isInstance(element)) {
            throw undecodable(
                    message,
                    taken,
                    "it decodes to "
                            + (element == null
                                    ? "null"
                                    : "a " + element.getClass().getName()) + ", not a " + type.getName(),
                    null);
        }
        return type.cast(element);
    }

    private UndecodableMessageException undecodable(byte[] message, boolean taken, String why, Throwable cause) {
        return new UndecodableMessageException(
                "shared queue '" + queue.name() + "': a message of " + message.length + " bytes cannot be decoded by "
                        + codec.getClass().getSimpleName() + " (" + why + ")"
                        + (taken ? "; it was taken from the queue" : "; it is still the head"),
                cause);
    }

    @Override
    public String toString() {
        return "TypedQueue[" + queue + ", " + type.getSimpleName() + " by "
                + codec.getClass().getSimpleName() + "]";
    }
}
