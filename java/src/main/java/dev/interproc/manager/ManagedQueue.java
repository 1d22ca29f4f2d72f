package dev.interproc.manager;

import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A proxy of a shared {@code Queue} ({@code queue.Queue} on a Python server), unbounded: a {@link BlockingQueue}
 * whose {@code take} and timed {@code poll} wait on the server, on a channel of their own, so other threads'
 * calls go on meanwhile. Python's queue has no peek and cannot be iterated: {@link #peek()} and
 * {@link #iterator()} throw {@link UnsupportedOperationException}. {@link #taskDone()} and {@link #join()} are
 * Python's {@code task_done} and {@code join}.
 *
 * <p>An interrupt of a thread waiting in {@code take} or {@code poll} ends the wait with
 * {@link InterruptedException} and closes that thread's channel; the server still ends the call it was
 * serving, so an element it takes then is lost.
 *
 * @param <E> the element type
 */
public final class ManagedQueue<E> extends AbstractQueue<E> implements BlockingQueue<E>, AutoCloseable {

    private final ProxyHandle handle;

    ManagedQueue(ManagerClient client, String ident) {
        this.handle = new ProxyHandle(client, ident, this);
    }

    /** {@return the handle of this proxy's object} */
    ProxyHandle handle() {
        return handle;
    }

    @Override
    public void put(E element) throws InterruptedException {
        handle.callInterruptibly("put", Objects.requireNonNull(element));
    }

    @Override
    public boolean offer(E element) {
        return signalled(() -> handle.call("put_nowait", Objects.requireNonNull(element)));
    }

    @Override
    public boolean offer(E element, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(element);
        try {
            handle.callInterruptibly("put", element, true, ProxyHandle.seconds(timeout, unit));
            return true;
        } catch (ManagerException e) {
            if (isSignal(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E take() throws InterruptedException {
        return (E) handle.callInterruptibly("get");
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            return (E) handle.callInterruptibly("get", true, ProxyHandle.seconds(timeout, unit));
        } catch (ManagerException e) {
            return nullIfSignal(e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        try {
            return (E) handle.call("get_nowait");
        } catch (ManagerException e) {
            return nullIfSignal(e);
        }
    }

    /** Unsupported: Python's queue has no peek. */
    @Override
    public E peek() {
        throw new UnsupportedOperationException("a managed queue has no peek");
    }

    /** Unsupported: Python's queue cannot be iterated. */
    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException("a managed queue cannot be iterated");
    }

    @Override
    public int size() {
        return ((Number) handle.call("qsize")).intValue();
    }

    @Override
    public boolean isEmpty() {
        return (Boolean) handle.call("empty");
    }

    /** {@return {@link Integer#MAX_VALUE}: the queue is unbounded} */
    @Override
    public int remainingCapacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    public int drainTo(Collection<? super E> target) {
        return drainTo(target, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> target, int maxElements) {
        if (target == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        int drained = 0;
        for (E element; drained < maxElements && (element = poll()) != null; drained++) {
            target.add(element);
        }
        return drained;
    }

    /** Python's {@code task_done()}: one element taken earlier is processed. */
    public void taskDone() {
        handle.call("task_done");
    }

    /**
     * Python's {@code join()}: waits until every element put has been taken and marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        handle.callInterruptibly("join");
    }

    /** Drops this proxy's reference to the queue. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    /** {@return the ident of the object on the server, for {@link ManagerClient} to attach another proxy to it} */
    public String ident() {
        return handle.ident();
    }

    @Override
    public String toString() {
        return "ManagedQueue[" + handle + "]";
    }

    private static boolean signalled(Runnable call) {
        try {
            call.run();
            return true;
        } catch (ManagerException e) {
            if (isSignal(e)) {
                return false;
            }
            throw e;
        }
    }

    private static <E> E nullIfSignal(ManagerException failure) {
        if (isSignal(failure)) {
            return null;
        }
        throw failure;
    }

    /** queue.Empty or queue.Full: the wait ended without an element or room. */
    private static boolean isSignal(ManagerException failure) {
        return ProxyHandle.is(failure, "Empty") || ProxyHandle.is(failure, "Full");
    }
}
