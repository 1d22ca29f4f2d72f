package dev.interproc.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * The future of a task queued on a {@link Pool}: {@link #cancel cancel(true)} of a running task, and its timeout,
 * kill the worker running it (which the pool then replaces); the other workers go on. A cancellation that races with
 * the task's end may cost a worker restart, never another task: the worker is killed only between the task's sending
 * and {@link #ended()}, which tells the slot that the worker it is about to reuse was killed.
 */
final class TaskFuture extends CompletableFuture<Object> {

    /** The worker this task was sent to and has not answered yet; null before and after. Guarded by this. */
    private Worker runningOn;
    /** Whether {@link #killWorker} killed {@link #runningOn}. Guarded by this. */
    private boolean killedItsWorker;
    /**
     * Whether {@code cancel(true)} came while the task was not known to run: sent to a worker behind another task
     * (which the worker may have started meanwhile), or about to be sent. {@link #running} kills the worker then.
     * Guarded by this.
     */
    private boolean killWhenRunning;
    /** The timeout of the attempt sent, until it ends; null without a timeout. Guarded by this. */
    private Future<?> attemptTimeout;

    /**
     * Records the worker the task is about to be sent to.
     *
     * @param worker the worker
     */
    synchronized void running(Worker worker) {
        runningOn = worker;
        if (killWhenRunning) {
            worker.kill();
            killedItsWorker = true;
        }
    }

    /**
     * Records that the task's worker has answered or died.
     *
     * @return whether a cancellation or the timeout killed the worker meanwhile, even if its answer arrived first:
     *     then it must not be given another task
     */
    synchronized boolean ended() {
        runningOn = null;
        if (attemptTimeout != null) {
            attemptTimeout.cancel(false);
            attemptTimeout = null;
        }
        return killedItsWorker;
    }

    /**
     * Records the timeout of the attempt just sent, which {@link #ended()} cancels: a task run again after its worker
     * died gets a timeout of its own, counted from its new start.
     *
     * @param timeout the timeout's future, from {@link Deadlines#after}
     */
    synchronized void timeLimit(Future<?> timeout) {
        attemptTimeout = timeout;
    }

    /**
     * Cancels the task: one not started yet is skipped; a running one, with {@code mayInterruptIfRunning}, has its
     * worker killed at once (without, it runs to its end and its result is dropped).
     *
     * @param mayInterruptIfRunning whether to kill the worker running the task
     * @return whether this call cancelled the task
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && mayInterruptIfRunning) {
            killWorker();
        }
        return cancelled;
    }

    /**
     * Fails the task with a {@link TimeoutException} and kills its worker, unless it has ended.
     *
     * @param timeout the timeout that passed, for the message
     * @param task the task, for the message
     */
    void timeOut(Duration timeout, String task) {
        if (completeExceptionally(
                new TimeoutException(task + " ran longer than its timeout, " + timeout + "; its worker was killed"))) {
            killWorker();
        }
    }

    private synchronized void killWorker() {
        if (runningOn != null) {
            runningOn.kill();
            killedItsWorker = true;
        } else {
            killWhenRunning = true;
        }
    }
}
