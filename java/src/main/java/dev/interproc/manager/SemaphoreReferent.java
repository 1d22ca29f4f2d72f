package dev.interproc.manager;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Python's {@code threading.Semaphore(value=1)} and {@code threading.BoundedSemaphore(value=1)}. */
final class SemaphoreReferent implements Referent {

    private final Semaphore permits;
    private final int initial;
    private final boolean bounded;

    private SemaphoreReferent(Arguments arguments, boolean bounded) {
        this.initial = Arguments.integer(arguments.get(0, "value", 1));
        arguments.done();
        if (initial < 0) {
            throw PythonError.valueError("semaphore initial value must be >= 0");
        }
        this.permits = new Semaphore(initial);
        this.bounded = bounded;
    }

    static SemaphoreReferent unbounded(Arguments arguments) {
        return new SemaphoreReferent(arguments, false);
    }

    static SemaphoreReferent bounded(Arguments arguments) {
        return new SemaphoreReferent(arguments, true);
    }

    @Override
    public Object call(String method, Arguments arguments) throws InterruptedException {
        if (method.equals("acquire")) {
            long nanos = LockReferent.acquireTimeout(arguments);
            if (nanos < 0) {
                permits.acquire();
                return true;
            }
            return permits.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        }
        int count = Arguments.integer(arguments.get(0, "n", 1));
        arguments.done();
        if (count < 1) {
            throw PythonError.valueError("n must be one or more");
        }
        release(count);
        return null;
    }

    private synchronized void release(int count) {
        if (bounded && permits.availablePermits() + count > initial) {
            throw PythonError.valueError("Semaphore released too many times");
        }
        permits.release(count);
    }

    @Override
    public String repr() {
        return "<threading." + (bounded ? "BoundedSemaphore" : "Semaphore") + " at value=" + permits.availablePermits()
                + ">";
    }
}
