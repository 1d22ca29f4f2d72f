package dev.interproc.pool;

import dev.interproc.internal.wait.YieldSpin;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One worker of a {@link Pool} and the thread that serves it: takes a task from the pool's queue, sends it to the
 * worker, waits for its outcome and completes the task's future, one task at a time. The queue is in the parent and
 * every worker has its own connection, so no lock is shared between workers: a worker's death cannot wedge another.
 *
 * <p>A worker that dies is replaced by a new one in this thread. A task that could not even be sent (the worker had
 * died idle) goes back to the head of the queue and loses nothing; a task the worker died under goes back to the head
 * of the queue too while it has retries left ({@link PoolBuilder#maxRetries}), else fails with
 * {@link WorkerDiedException}, or with {@link CancellationException} once the pool is terminating; one that was
 * cancelled or timed out keeps that outcome (its {@link TaskFuture} killed the worker) and is not retried.
 */
final class WorkerSlot implements Runnable {

    /** Starts a worker JVM with a name, blocking until its handshake. */
    interface Starter {
        Worker start(String name) throws Exception;
    }

    private final String name;
    private final BlockingDeque<Submission> queue;
    private final BooleanSupplier terminating;
    private final Starter starter;
    private final Runnable stopped;
    private final int maxTasksPerWorker;
    private int tasksRun;

    /**
     * How many tasks are sent to a worker ahead of their outcomes: the worker starts the next as soon as it has sent
     * one's outcome, instead of waiting a round trip for it (a pipe each way, three thread wake-ups).
     */
    static final int DEPTH = 2;

    /** The tasks sent to the current worker whose outcomes have not come, in the order sent (and run). */
    private final ArrayDeque<Submission> inFlight = new ArrayDeque<>();

    /** How many of the pool's slots wait for a task; shared by them. No task is sent ahead while one does. */
    private final AtomicInteger idle;

    private final CompletableFuture<Worker> firstStart = new CompletableFuture<>();
    private volatile Worker worker;
    private int generation;

    /**
     * Makes the slot; {@link #run()} starts its worker.
     *
     * @param name the slot's name, from which its workers' names are made
     * @param queue the pool's queue of tasks
     * @param terminating whether the pool is terminating: dying workers are not replaced then
     * @param starter starts a worker
     * @param maxTasksPerWorker how many tasks a worker runs before it is replaced; 0 for no limit
     * @param idle how many of the pool's slots wait for a task, shared by them
     * @param stopped run when this slot's thread ends, for whatever reason
     */
    WorkerSlot(
            String name,
            BlockingDeque<Submission> queue,
            BooleanSupplier terminating,
            Starter starter,
            int maxTasksPerWorker,
            AtomicInteger idle,
            Runnable stopped) {
        this.idle = idle;
        this.maxTasksPerWorker = maxTasksPerWorker;
        this.stopped = stopped;
        this.name = name;
        this.queue = queue;
        this.terminating = terminating;
        this.starter = starter;
    }

    /** {@return a future completed once the first worker has started, or failed with why it could not} */
    CompletableFuture<Worker> started() {
        return firstStart;
    }

    /** {@return the current worker, or null before the first one is ready} */
    Worker worker() {
        return worker;
    }

    /** Kills the current worker, if any, and returns at once; the slot then stops without replacing it. */
    void kill() {
        Worker current = worker;
        if (current != null) {
            current.kill();
        }
    }

    @Override
    public void run() {
        try {
            worker = starter.start(nextName());
            firstStart.complete(worker);
        } catch (Exception | Error e) {
            firstStart.completeExceptionally(e);
            stopped.run();
            return;
        }
        try {
            serve();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.close();
            stopped.run();
        }
    }

    private void serve() throws InterruptedException {
        while (true) {
            if (!sendAhead()) {
                return;
            }
            Submission head = inFlight.getFirst();
            try {
                Wire.Outcome outcome = worker.receive(head.description);
                inFlight.removeFirst();
                boolean killed = head.future.ended();
                head.settle(outcome, worker);
                if (killed || ++tasksRun == maxTasksPerWorker) {
                    requeueInFlight();
                    if (!replace()) {
                        return;
                    }
                } else if (!inFlight.isEmpty()) {
                    inFlight.getFirst().future.running(worker);
                }
            } catch (WorkerDiedException died) {
                inFlight.removeFirst();
                head.future.ended();
                requeueInFlight();
                if (!worker.started() && !terminating.getAsBoolean()) {
                    // Killed before it read the task (killed idle, the task sent as it died): nothing of it ran.
                    queue.putFirst(head);
                } else if (terminating.getAsBoolean()) {
                    head.future.completeExceptionally(cancelled(head));
                } else if (head.retryAfter(died)) {
                    queue.putFirst(head);
                }
                if (!replace()) {
                    return;
                }
            }
        }
    }

    /**
     * Sends tasks from the queue until {@value #DEPTH} are in flight: blocks for one when none is; sends one ahead
     * only if it is a chunk of the same {@code map} call as the last one sent (never a task behind an unrelated one,
     * which might wait on it), only while no slot is idle (an idle worker takes it instead), and not beyond the
     * worker's {@code maxTasksPerWorker}. A task with a timeout is sent only when none is in flight, so that its time
     * counts from its start.
     *
     * @return false when the slot is to stop: it took a {@link Submission#STOP} with nothing in flight, or its worker
     *     died idle and could not be replaced
     */
    private boolean sendAhead() throws InterruptedException {
        while (inFlight.size() < DEPTH && (maxTasksPerWorker == 0 || tasksRun + inFlight.size() < maxTasksPerWorker)) {
            Submission next;
            if (inFlight.isEmpty()) {
                idle.incrementAndGet();
                try {
                    next = takeTask();
                } finally {
                    idle.decrementAndGet();
                }
            } else if (inFlight.getLast().batch == 0 || idle.get() > 0 || (next = queue.poll()) == null) {
                return true;
            } else if (next.batch != inFlight.getLast().batch) {
                queue.putFirst(next);
                return true;
            }
            if (next == Submission.STOP) {
                return false; // taken with nothing in flight: a stop is never sent ahead (its batch is 0)
            }
            if (next.future.isDone()) {
                continue;
            }
            if (next.timeout != null && !inFlight.isEmpty()) {
                queue.putFirst(next);
                return true;
            }
            if (inFlight.isEmpty()) {
                next.future.running(worker);
            }
            try {
                worker.send(next.job);
            } catch (IOException diedIdle) {
                queue.putFirst(next);
                if (!inFlight.isEmpty()) {
                    return true; // receiving the first task's outcome finds the death
                }
                next.future.ended();
                if (!replace()) {
                    return false;
                }
                continue;
            }
            inFlight.addLast(next);
            if (next.timeout != null) {
                next.future.timeLimit(
                        Deadlines.after(next.timeout, () -> next.future.timeOut(next.timeout, next.description)));
            }
        }
        return true;
    }

    /**
     * Takes the next task, blocking until there is one; first spins ({@link YieldSpin}) for as long as the worker's
     * receives do, since a caller that gets an outcome often submits the next task at once (Python's {@code apply} in
     * a loop), and a slot thread asleep in {@code take()} costs a thread wake-up, tens of microseconds on an idle
     * virtual machine. Costs at most that window of processor time each time the slot runs out of tasks.
     */
    private Submission takeTask() throws InterruptedException {
        Submission[] taken = new Submission[1];
        YieldSpin.whileUncontended(
                () -> (taken[0] = queue.poll()) != null ? 1 : 0,
                worker.receiveSpin().toNanos(),
                YieldSpin.NO_DEADLINE);
        return taken[0] != null ? taken[0] : queue.take();
    }

    /**
     * The tasks sent behind the first to a worker that died or was killed never started: back to the head of the
     * queue, in order, to the next worker; cancelled instead when the pool is terminating (it drained its queue).
     */
    private void requeueInFlight() throws InterruptedException {
        while (!inFlight.isEmpty()) {
            Submission unstarted = inFlight.removeLast();
            unstarted.future.ended();
            if (terminating.getAsBoolean()) {
                unstarted.future.completeExceptionally(cancelled(unstarted));
            } else {
                queue.putFirst(unstarted);
            }
        }
    }

    /**
     * Closes the worker, dead or done with its share of tasks, and starts a new one.
     *
     * @return whether a new worker replaces it; not when the pool terminates or the start fails
     */
    private boolean replace() {
        worker.close();
        tasksRun = 0;
        if (terminating.getAsBoolean()) {
            return false;
        }
        try {
            worker = starter.start(nextName());
            return true;
        } catch (Exception e) {
            // The pool's other workers serve the queue; Pool fails it if none is left.
            System.getLogger(WorkerSlot.class.getName())
                    .log(System.Logger.Level.ERROR, name + " could not replace its dead worker", e);
            return false;
        }
    }

    private static CancellationException cancelled(Submission task) {
        return new CancellationException("the pool was terminated while " + task + " ran");
    }

    private String nextName() {
        return name + (generation++ == 0 ? "" : "." + generation);
    }
}
