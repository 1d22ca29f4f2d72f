package dev.interproc.internal.wait;

import dev.interproc.internal.ffm.Native;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * Futex sleeps that never pin a virtual thread's carrier: a platform thread calls {@code ip_futex_wait} itself; a
 * virtual thread hands the call to a platform delegate and parks until it returns ({@link OffCarrier}). Callers
 * sleep for at most one wait slice at a time, so a delegate is busy for at most that long even when its virtual
 * thread gives up early.
 */
public final class FutexWaits {

    private static final LongAdder DELEGATED_SLEEPS = new LongAdder();

    private FutexWaits() {}

    /**
     * Sleeps while the 32-bit word at {@code address} holds {@code expected}, for at most {@code nanos};
     * returns when woken, when the word differs, or on timeout (the caller re-checks which).
     *
     * @throws InterruptedException only for a virtual thread interrupted while parked; a platform
     *         thread sleeps out its slice and the caller checks its interrupt status afterwards
     */
    public static void sleep(MemorySegment address, int expected, long nanos) throws InterruptedException {
        if (!OffCarrier.wouldPin()) {
            Native.futexWait(address, expected, nanos);
            return;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(); // without handing over a sleep that nobody would wait for
        }
        DELEGATED_SLEEPS.increment();
        try {
            OffCarrier.callInterruptibly(() -> Native.futexWait(address, expected, nanos));
        } catch (InterruptedException e) {
            // The abandoned delegate still sleeps on the word, where it could take the one wake a release gives to
            // a real sleeper: end its sleep. The others woken with it re-check and sleep again.
            wakeAll(address);
            throw e;
        }
    }

    /**
     * How many futex sleeps virtual threads have handed to delegates since start-up: a waiter that sleeps
     * in slices adds at most one per slice, so a count that outruns the elapsed slices means a waiter spins.
     */
    public static long delegatedSleeps() {
        return DELEGATED_SLEEPS.sum();
    }

    public static void wakeAll(MemorySegment address) {
        Native.futexWake(address, Integer.MAX_VALUE);
    }

    public static void wakeOne(MemorySegment address) {
        Native.futexWake(address, 1);
    }
}
