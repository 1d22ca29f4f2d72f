package dev.interproc;

import dev.interproc.codec.Codec;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code multiprocessing.JoinableQueue} across processes: a {@link TypedQueue} whose every take counts a
 * task that the taking process ends with {@link #taskDone()}, and {@link #join()}, which waits until every message
 * put has been taken and its task marked done. Obtain one with
 * {@link SharedMemory#joinableQueue(String, long, int, Class, Codec)}; it lives in a slot of its own type (a queue
 * slot followed by the task counts, docs/layout.md, "Joinable queue slot").
 *
 * <pre>{@code
 * JoinableQueue<String> jobs = memory.joinableQueue("jobs", 1 << 20, 4096, String.class, codec);
 * String job = jobs.take();          // a worker, any process
 * run(job);
 * jobs.taskDone();
 * jobs.join();                       // the producer: every job taken and done
 * }</pre>
 *
 * <h2>Tasks are counted per process</h2>
 * A task is counted for the process that took its message (any take: {@code poll}, {@code take}, {@code drainTo},
 * {@code get}, a read of {@link #bytes()}), in that process's in-flight count, counted inside the consumers' lock
 * before the message leaves the queue. {@code taskDone} must therefore be called in the process that took the task
 * (by any of its threads): a process that calls it more times than it took tasks gets
 * {@link IllegalStateException} (Python's {@code ValueError}). {@link #clear()} takes the messages and marks their
 * tasks done.
 *
 * <h2>Death</h2>
 * A process that dies (or closes its region) with tasks in flight (taken, not marked done) can no longer end
 * them. {@code join} finds it
 * through the process table within one wait slice, gives its tasks up (they are counted done, so that no join waits
 * for them forever) and throws {@link TasksAbandonedException} naming the pid and the tasks; every join waiting at
 * that moment throws, a later one does not ({@link #abandonedTasks()} keeps the total). A consumer killed inside a
 * take, after its count and before its message left the queue, leaves that message to the next consumer
 * (at-least-once, as {@link SharedQueue}) and its task counted as given up. Messages still in the queue are no dead
 * process's: {@code join} waits for a live consumer to take them, as Python's does.
 *
 * <p>{@code join} waits without holding a lock; it notices an interrupt within one wait slice. Memory effects:
 * actions of a process before its {@code taskDone} happen-before a {@code join} that returns after it.
 *
 * @param <E> the element type
 */
public final class JoinableQueue<E> extends TypedQueue<E> {

    private final TaskCounts counts;

    private JoinableQueue(TaskCounts counts, Class<E> type, Codec codec) {
        super(counts.queue, type, codec);
        this.counts = counts;
    }

    /**
     * The view through {@code codec} of the joinable queue {@code slot}, created empty if it does not exist; see
     * {@link SharedMemory#joinableQueue}.
     */
    static <E> JoinableQueue<E> find(
            SlotDirectory slots, String slot, long capacity, int maxMessage, Class<E> type, Codec codec) {
        QueueGeometry.check(slot, capacity, maxMessage);
        Region region = slots.region();
        long ringEnd = QueueRing.RING_OFFSET + capacity;
        long size = ringEnd + TaskCounts.bytes(region.processes().capacity());
        SlotDirectory.Spec spec = SlotDirectory.Spec.initialised(
                        SlotType.JOINABLE_QUEUE,
                        size,
                        QueueRing.RING_OFFSET,
                        init -> QueueGeometry.initialise(init, capacity, maxMessage))
                .withMeta("capacity=" + capacity + " max_message=" + maxMessage);
        MemorySegment memory = slots.ensure(slot, spec);
        TaskCounts counts = region.instance(
                slot, TaskCounts.class, key -> new TaskCounts(region, key, memory, capacity, maxMessage));
        return new JoinableQueue<>(counts, type, codec);
    }

    /**
     * Marks one task taken by this process done (Python's {@code task_done}); never waits. When no task of this
     * process is left, waiting joins re-check.
     *
     * @throws IllegalStateException if this process has no task in flight: it called this more times than it took
     *     messages (Python's {@code ValueError})
     */
    public void taskDone() {
        counts.done();
    }

    /**
     * Waits until the queue is empty and no live process has a task in flight (Python's {@code join}), as long as
     * it takes.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws TasksAbandonedException if a process died with tasks in flight while this waited (they are counted
     *     done)
     */
    public void join() throws InterruptedException {
        counts.join(Long.MAX_VALUE);
    }

    /**
     * As {@link #join()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest time to wait; zero or less checks once
     * @return {@code true} if every task was done, {@code false} if the timeout passed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting
     * @throws TasksAbandonedException if a process died with tasks in flight while this waited
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return counts.join(Math.max(0, TimeUnit.NANOSECONDS.convert(timeout)));
    }

    /**
     * Python's {@code unfinished_tasks}: messages held plus tasks in flight in live processes (a snapshot).
     *
     * @return the tasks not yet marked done
     */
    public long unfinishedTasks() {
        return counts.unfinished();
    }

    /**
     * The tasks given up because their process died, since the queue was created.
     *
     * @return the total given up by every join
     */
    public long abandonedTasks() {
        return counts.abandoned();
    }

    /** Takes the messages there are without decoding them, and marks their tasks done. */
    @Override
    public void clear() {
        try {
            while (bytes().poll() != null) {
                counts.done();
            }
        } catch (QueueShutDownException drained) {
            // shut down and empty: cleared
        }
    }
}
