package dev.interproc.pool;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pool's timeouts (a worker's start, a task's run), kept by one daemon thread for every pool of this JVM. A
 * timeout cancelled before it is due is removed from the queue at once, so that a pool running many short tasks,
 * each with a long timeout, holds a timeout only per task still running, where
 * {@link java.util.concurrent.CompletableFuture#delayedExecutor} would keep every one (and the task it names) until
 * it was due. A timeout that comes due runs in a virtual thread of its own: what it runs (a task's failure, and with
 * it the caller's callbacks) never holds up the other timeouts.
 */
final class Deadlines {

    private static final ScheduledThreadPoolExecutor SCHEDULER = scheduler();

    private Deadlines() {}

    private static ScheduledThreadPoolExecutor scheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform()
                        .daemon()
                        .name("interproc pool timeouts")
                        .inheritInheritableThreadLocals(false)
                        .factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Runs {@code action} once {@code delay} has passed, unless the returned future is cancelled first.
     *
     * @param delay how long to wait
     * @param action what to run then, in a virtual thread of its own
     * @return the future that cancels it
     */
    static Future<?> after(Duration delay, Runnable action) {
        return SCHEDULER.schedule(
                () -> Thread.ofVirtual().name("interproc pool timeout").start(action),
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** The timeouts waiting to be due: for tests. */
    static int pending() {
        return SCHEDULER.getQueue().size();
    }
}
