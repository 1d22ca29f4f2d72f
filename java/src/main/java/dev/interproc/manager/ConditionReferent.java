package dev.interproc.manager;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code threading.Condition()} (over its own reentrant lock): {@code acquire}, {@code release},
 * {@code wait(timeout=None)}, {@code notify(n=1)}, {@code notify_all()}. The lock is owned by the serving thread
 * of the client channel that acquired it, so by one client thread, as in Python.
 */
final class ConditionReferent implements Referent {

    static final List<String> EXPOSED = List.of("acquire", "release", "wait", "notify", "notify_all");

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition condition = lock.newCondition();

    static ConditionReferent create(Arguments arguments) {
        if (arguments.get(0, "lock", null) != null) {
            throw PythonError.typeError("Condition(lock) with a lock of its own is not supported by a Java manager");
        }
        arguments.done();
        return new ConditionReferent();
    }

    @Override
    public Object call(String method, Arguments arguments) throws InterruptedException {
        switch (method) {
            case "acquire" -> {
                long nanos = LockReferent.acquireTimeout(arguments);
                if (nanos < 0) {
                    lock.lockInterruptibly();
                    return true;
                }
                return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
            }
            case "release" -> {
                arguments.done();
                held("release");
                lock.unlock();
                return null;
            }
            case "wait" -> {
                long nanos = Arguments.timeoutNanos(arguments.get(0, "timeout", null));
                arguments.done();
                held("wait on");
                if (nanos < 0) {
                    condition.await();
                    return true;
                }
                return condition.awaitNanos(nanos) > 0;
            }
            case "notify" -> {
                int count = Arguments.integer(arguments.get(0, "n", 1));
                arguments.done();
                held("notify on");
                for (int i = 0; i < count; i++) {
                    condition.signal();
                }
                return null;
            }
            default -> {
                arguments.done();
                held("notify on");
                condition.signalAll();
                return null;
            }
        }
    }

    /** Python's check that the calling thread holds the lock. */
    private void held(String action) {
        if (!lock.isHeldByCurrentThread()) {
            throw PythonError.runtimeError(
                    action.equals("release")
                            ? "cannot release un-acquired lock"
                            : "cannot " + action + " un-acquired lock");
        }
    }

    @Override
    public String repr() {
        return "<Condition(<" + (lock.isLocked() ? "locked" : "unlocked") + " _thread.RLock object>, 0)>";
    }
}
