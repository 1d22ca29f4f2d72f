package dev.interproc.manager;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code threading.Lock} and {@code threading.RLock} as managed objects, exposing {@code acquire} and
 * {@code release}. A reentrant lock is owned by the serving thread of the client channel that acquired it, so by
 * one client thread, as in Python.
 */
abstract sealed class LockReferent implements Referent {

    static LockReferent lock(Arguments arguments) {
        arguments.done();
        return new Plain();
    }

    static LockReferent reentrant(Arguments arguments) {
        arguments.done();
        return new Reentrant();
    }

    @Override
    public final Object call(String method, Arguments arguments) throws InterruptedException {
        if (method.equals("acquire")) {
            long nanos = acquireTimeout(arguments);
            return nanos < 0 ? acquire() : tryAcquire(nanos);
        }
        arguments.done();
        release();
        return null;
    }

    /**
     * {@code acquire(blocking=True, timeout=-1)} as {@code threading} takes it.
     *
     * @return the nanoseconds to wait: 0 for a non-blocking call, -1 for no limit
     */
    static long acquireTimeout(Arguments arguments) {
        boolean blocking = Arguments.truthy(arguments.get(0, "blocking", true));
        Object timeout = arguments.get(1, "timeout", -1);
        arguments.done();
        boolean forever = timeout == null || timeout instanceof Number n && n.doubleValue() == -1;
        if (!blocking && !forever) {
            throw PythonError.valueError("can't specify a timeout for a non-blocking call");
        }
        if (!blocking) {
            return 0;
        }
        if (forever) {
            return -1;
        }
        if (!(timeout instanceof Number) || ((Number) timeout).doubleValue() < 0) {
            throw PythonError.valueError("timeout value must be a non-negative number");
        }
        return Arguments.timeoutNanos(timeout);
    }

    abstract boolean acquire() throws InterruptedException;

    abstract boolean tryAcquire(long nanos) throws InterruptedException;

    abstract void release();

    private static final class Plain extends LockReferent {
        private final Semaphore permit = new Semaphore(1);

        @Override
        boolean acquire() throws InterruptedException {
            permit.acquire();
            return true;
        }

        @Override
        boolean tryAcquire(long nanos) throws InterruptedException {
            return permit.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        }

        /** Any thread may release, as in Python; checking and releasing together keeps two releases from both passing. */
        @Override
        synchronized void release() {
            if (permit.availablePermits() > 0) {
                throw PythonError.runtimeError("release unlocked lock");
            }
            permit.release();
        }

        @Override
        public String repr() {
            return "<" + (permit.availablePermits() > 0 ? "unlocked" : "locked") + " _thread.lock object>";
        }
    }

    private static final class Reentrant extends LockReferent {
        private final ReentrantLock lock = new ReentrantLock();

        @Override
        boolean acquire() throws InterruptedException {
            lock.lockInterruptibly();
            return true;
        }

        @Override
        boolean tryAcquire(long nanos) throws InterruptedException {
            return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        void release() {
            if (!lock.isHeldByCurrentThread()) {
                throw PythonError.runtimeError("cannot release un-acquired lock");
            }
            lock.unlock();
        }

        @Override
        public String repr() {
            return "<" + (lock.isLocked() ? "locked" : "unlocked") + " _thread.RLock object count="
                    + lock.getHoldCount() + ">";
        }
    }
}
