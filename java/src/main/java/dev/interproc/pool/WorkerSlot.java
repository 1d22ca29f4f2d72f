package dev.interproc.pool;

import java.io.IOException;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
     * @param stopped run when this slot's thread ends, for whatever reason
     */
    WorkerSlot(
            String name,
            BlockingDeque<Submission> queue,
            BooleanSupplier terminating,
            Starter starter,
            int maxTasksPerWorker,
            Runnable stopped) {
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
            Submission next = queue.take();
            if (next == Submission.STOP) {
                return;
            }
            if (next.future.isDone()) {
                continue;
            }
            next.future.running(worker);
            try {
                worker.send(next.job);
            } catch (IOException diedIdle) {
                next.future.ended();
                queue.putFirst(next);
                if (!replace()) {
                    return;
                }
                continue;
            }
            if (next.timeout != null) {
                CompletableFuture.delayedExecutor(next.timeout.toNanos(), TimeUnit.NANOSECONDS)
                        .execute(() -> next.future.timeOut(next.timeout, next.description));
            }
            try {
                Wire.Outcome outcome = worker.receive(next.description);
                boolean killed = next.future.ended();
                next.settle(outcome, worker);
                if ((killed || ++tasksRun == maxTasksPerWorker) && !replace()) {
                    return;
                }
            } catch (WorkerDiedException died) {
                next.future.ended();
                if (terminating.getAsBoolean()) {
                    next.future.completeExceptionally(cancelled(next));
                } else if (next.retryAfter(died)) {
                    queue.putFirst(next);
                }
                if (!replace()) {
                    return;
                }
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
