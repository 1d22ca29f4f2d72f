package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.interproc.internal.wait.FutexWaits;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting until a thread is inside a futex sleep of interproc, so that a test interrupts (or otherwise disturbs)
 * a waiter that really sleeps, not one still on its way in: a waiter interrupted before it blocks answers at its
 * entry check and would pass a test of its wake-up without ever being woken.
 */
final class Sleepers {

    /** A call meant to block until an interrupt ends it. */
    interface Blocking {
        void call() throws Exception;
    }

    private Sleepers() {}

    /**
     * Starts {@code blocking} on a new thread of {@code builder}, interrupts it once it sleeps, and asserts that it
     * ends with InterruptedException (a normal return fails the test too).
     *
     * @return how long after the interrupt it ended, in nanoseconds
     */
    static long interruptAsleep(Thread.Builder builder, String what, Duration patience, Blocking blocking)
            throws InterruptedException {
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicLong endedAt = new AtomicLong();
        Thread waiter = builder.start(() -> {
            try {
                blocking.call();
                outcome.set(new AssertionError(what + " returned without being interrupted"));
            } catch (Throwable t) {
                outcome.set(t);
            }
            endedAt.set(System.nanoTime());
        });
        awaitAsleep(waiter, patience);
        long interruptedAt = System.nanoTime();
        waiter.interrupt();
        waiter.join(patience.toMillis());
        assertTrue(outcome.get() instanceof InterruptedException, what + " on " + waiter + ": " + outcome.get());
        return endedAt.get() - interruptedAt;
    }

    /** Returns once {@code thread}'s stack shows it in a futex sleep; fails the test after {@code patience}. */
    static void awaitAsleep(Thread thread, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!asleep(thread)) {
            if (!thread.isAlive()) {
                fail(thread + " ended instead of going to sleep");
            }
            if (System.nanoTime() > deadline) {
                fail(thread + " did not go to sleep within " + patience + "; it is at "
                        + Arrays.toString(thread.getStackTrace()));
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static boolean asleep(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(FutexWaits.class.getName())
                        && frame.getMethodName().equals("sleep"));
    }
}
