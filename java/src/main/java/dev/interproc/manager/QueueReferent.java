package dev.interproc.manager;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Python's {@code queue.Queue(maxsize=0)} as a managed object: FIFO, bounded when {@code maxsize > 0}, with
 * {@code task_done}/{@code join}. A blocked {@code get} or {@code put} waits on its client's serving thread.
 */
final class QueueReferent implements Referent {

    static final List<String> EXPOSED =
            List.of("empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "task_done");

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Condition allTasksDone = lock.newCondition();
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private final int maxsize;
    private int unfinishedTasks;

    private QueueReferent(int maxsize) {
        this.maxsize = maxsize;
    }

    static QueueReferent create(Arguments arguments) {
        int maxsize = Arguments.integer(arguments.get(0, "maxsize", 0));
        arguments.done();
        return new QueueReferent(maxsize);
    }

    @Override
    public Object call(String method, Arguments arguments) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            return switch (method) {
                case "put" ->
                    put(
                            arguments.required(0, "item"),
                            Arguments.truthy(arguments.get(1, "block", true)),
                            arguments.get(2, "timeout", null));
                case "put_nowait" -> put(arguments.required(0, "item"), false, null);
                case "get" -> get(Arguments.truthy(arguments.get(0, "block", true)), arguments.get(1, "timeout", null));
                case "get_nowait" -> get(false, null);
                case "qsize" -> items.size();
                case "empty" -> items.isEmpty();
                case "full" -> isFull();
                case "task_done" -> {
                    if (unfinishedTasks == 0) {
                        throw PythonError.valueError("task_done() called too many times");
                    }
                    if (--unfinishedTasks == 0) {
                        allTasksDone.signalAll();
                    }
                    yield null;
                }
                case "join" -> {
                    while (unfinishedTasks > 0) {
                        allTasksDone.await();
                    }
                    yield null;
                }
                default -> throw new IllegalArgumentException(method);
            };
        } finally {
            lock.unlock();
        }
    }

    private boolean isFull() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    private Object put(Object item, boolean block, Object timeout) throws InterruptedException {
        if (!await(notFull, this::isFull, block, timeout)) {
            throw new PythonError("queue", "Full");
        }
        items.addLast(item);
        unfinishedTasks++;
        notEmpty.signal();
        return null;
    }

    private Object get(boolean block, Object timeout) throws InterruptedException {
        if (!await(notEmpty, items::isEmpty, block, timeout)) {
            throw new PythonError("queue", "Empty");
        }
        Object item = items.removeFirst();
        notFull.signal();
        return item;
    }

    /** Waits while {@code blocked} holds, as Python's queue: not at all, for ever, or up to the timeout. */
    private static boolean await(Condition condition, BooleanSupplier blocked, boolean block, Object timeout)
            throws InterruptedException {
        if (!block) {
            return !blocked.getAsBoolean();
        }
        long nanos = Arguments.timeoutNanos(timeout);
        while (blocked.getAsBoolean()) {
            if (nanos < 0) {
                condition.await();
            } else if (nanos == 0) {
                return false;
            } else {
                nanos = Math.max(condition.awaitNanos(nanos), 0);
            }
        }
        return true;
    }

    @Override
    public String repr() {
        lock.lock();
        try {
            return "<queue.Queue object, qsize=" + items.size() + ">";
        } finally {
            lock.unlock();
        }
    }
}
