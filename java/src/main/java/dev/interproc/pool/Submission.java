package dev.interproc.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task handed to a {@link Pool}, encoded at submission so that an unserializable task is refused in the caller's
 * thread, and the future its outcome completes.
 */
final class Submission {

    private static final AtomicLong IDS = new AtomicLong();

    /** Tells a {@link WorkerSlot} to close its worker and stop: queued behind every task, it comes last. */
    static final Submission STOP = new Submission();

    final SerializableCallable<?> task;
    final String description;
    final byte[] job;
    final TaskFuture future = new TaskFuture();

    /** How long the task may run once sent to a worker; null for no limit. */
    final Duration timeout;

    /** The {@code map} call this is a chunk of (a key unique in this JVM), or 0 for a task of its own. */
    final long batch;

    /**
     * How many more times the task is re-run if its worker dies under it ({@link PoolBuilder#maxRetries}). Set before
     * the submission is queued, then read and written only by the slot thread that took it from the queue.
     */
    int retriesLeft;

    /** The deaths of the workers it ran on before, for the last one's suppressed exceptions; null while none. */
    private List<WorkerDiedException> deaths;

    /**
     * Encodes a task.
     *
     * @param task the {@link SerializableCallable}, kept to hand back from {@link Pool#shutdownNow()}
     * @param description what it is, for messages
     * @param timeout how long the task may run once sent to a worker; null for no limit
     * @throws IllegalArgumentException if the task cannot be serialized, naming the value that is not
     */
    Submission(SerializableCallable<?> task, String description, Duration timeout) {
        this(task, description, timeout, Wire.encodeFunction(task), null, 0);
    }

    /**
     * A task encoded already: a callable, or a {@code map} chunk's function and items.
     *
     * @param task the {@link SerializableCallable} (for a chunk, its {@link ChunkTask}), kept to hand back from
     *     {@link Pool#shutdownNow()}
     * @param description what it is, for messages
     * @param timeout how long the task may run once sent to a worker; null for no limit
     * @param function the encoded callable, or the chunk's encoded function
     * @param items the chunk's encoded items, or null for a callable
     * @param batch the {@code map} call a chunk belongs to, or 0
     */
    Submission(
            SerializableCallable<?> task,
            String description,
            Duration timeout,
            Wire.Encoded function,
            byte[] items,
            long batch) {
        this.task = task;
        this.batch = batch;
        this.description = description;
        this.timeout = timeout;
        this.job = new Wire.Job(IDS.incrementAndGet(), false, function.key(), function.bytes(), items).encode();
    }

    private Submission() {
        this.task = null;
        this.description = "stop";
        this.job = null;
        this.timeout = null;
        this.batch = 0;
    }

    /**
     * Completes the future with what the worker sent.
     *
     * @param outcome the outcome
     * @param worker where the task ran, for the failure's remote trace
     */
    void settle(Wire.Outcome outcome, Worker worker) {
        if (outcome.failure() == null) {
            future.complete(outcome.value());
        } else {
            future.completeExceptionally(RemoteTaskException.chainedTo(outcome.failure(), worker.toString()));
        }
    }

    /**
     * Decides what a worker's death under this task comes to.
     *
     * @param died the death
     * @return whether the task is to run again, because retries are left; if not, its future has failed with
     *     {@code died}, the earlier deaths suppressed in it
     */
    boolean retryAfter(WorkerDiedException died) {
        if (retriesLeft > 0 && !future.isDone()) {
            retriesLeft--;
            if (deaths == null) {
                deaths = new ArrayList<>();
            }
            deaths.add(died);
            return true;
        }
        if (deaths != null) {
            deaths.forEach(died::addSuppressed);
        }
        future.completeExceptionally(died);
        return false;
    }

    /** {@return a runnable that calls the task in this JVM, for {@link Pool#shutdownNow()}} */
    Runnable asRunnable() {
        SerializableCallable<?> callable = task;
        return () -> {
            try {
                callable.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        };
    }

    @Override
    public String toString() {
        return description;
    }
}
