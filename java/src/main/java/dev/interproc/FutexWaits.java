package dev.interproc;

import dev.interproc.internal.Native;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Futex sleeps that never pin a virtual thread's carrier: a platform thread calls
 * {@code ip_futex_wait} itself; a virtual thread hands the call to a small pool of platform daemon
 * threads and parks until it returns. Callers sleep for at most one wait slice at a time, so a
 * delegate is busy for at most that long even when its virtual thread gives up early.
 */
final class FutexWaits {

    private static final ThreadPoolExecutor DELEGATES = (ThreadPoolExecutor) Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("interproc-futex-wait-", 0).factory());

    private FutexWaits() {
    }

    /**
     * Sleeps while the 32-bit word at {@code address} holds {@code expected}, for at most {@code nanos};
     * returns when woken, when the word differs, or on timeout (the caller re-checks which).
     *
     * @throws InterruptedException only for a virtual thread interrupted while parked; a platform
     *         thread sleeps out its slice and the caller checks its interrupt status afterwards
     */
    static void sleep(MemorySegment address, int expected, long nanos) throws InterruptedException {
        if (!Thread.currentThread().isVirtual()) {
            Native.futexWait(address, expected, nanos);
            return;
        }
        Future<Integer> sleeper = DELEGATES.submit(() -> Native.futexWait(address, expected, nanos));
        try {
            sleeper.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("futex wait failed in its delegate thread", e.getCause());
        }
    }

    /**
     * How many futex sleeps virtual threads have handed to delegates since start-up: a waiter that sleeps
     * in slices adds at most one per slice, so a count that outruns the elapsed slices means a waiter spins.
     */
    static long delegatedSleeps() {
        return DELEGATES.getTaskCount();
    }

    static void wakeAll(MemorySegment address) {
        Native.futexWake(address, Integer.MAX_VALUE);
    }

    static void wakeOne(MemorySegment address) {
        Native.futexWake(address, 1);
    }
}
