package dev.interproc.internal.wait;

import dev.interproc.internal.ffm.Libc;

/**
 * The brief spin a waiter makes before it sleeps, when what it waits for usually comes within microseconds: it
 * looks, and yields the processor between looks, for a bounded window. On an idle machine a yield returns at once,
 * so this is a spin with a look every microsecond or so, and the waiter sees the event without the wake-up of a
 * sleeping thread, which on a virtual machine whose idle vCPU halts costs tens of microseconds; on a busy machine
 * every other runnable thread (the one that will produce the event among them) runs during the yields, where a busy
 * spin would keep it off the processor. A virtual thread's yield lets the other virtual threads of its carrier run.
 *
 * <p>Used by the shared queue's waiters ({@code QueueRing}, {@link #until}) and by a {@code Connection}'s receive
 * after a send and the pool's waits ({@link #whileUncontended}, which also gives up once the processor turns out to be
 * shared). The cost is the window's worth of processor time each time the event does not come within it.
 */
public final class YieldSpin {

    /** One look at what the spin waits for. */
    @FunctionalInterface
    public interface Look<X extends Exception> {
        /**
         * Looks once, without blocking.
         *
         * @return 0 when what is awaited has not come; anything else ends the spin and is its result
         * @throws X if the look fails, which ends the spin
         */
        long look() throws X;
    }

    /**
     * A yield that takes longer than this (5 us) let another thread run: the processor is shared. On an idle one a
     * yield returns within about a microsecond.
     */
    static final long CONTENDED_YIELD_NANOS = 5_000;

    /** The deadline of a spin bounded by its window only: {@link Libc#NO_DEADLINE}. */
    public static final long NO_DEADLINE = Libc.NO_DEADLINE;

    private YieldSpin() {}

    /**
     * Looks, then yields and looks again, until a look returns non-zero, {@code windowNanos} have passed or
     * {@code deadline} ({@link System#nanoTime()} scale, {@link #NO_DEADLINE} for none) has come, whichever is
     * first. Looks at least once. Never blocks and ignores interrupts (the interrupt status is left as it is).
     *
     * @param look the look
     * @param windowNanos the longest spin, at least 0
     * @param deadline when to stop at the latest
     * @return the first non-zero look, or 0 if none came in time
     * @throws X what a look threw
     */
    public static <X extends Exception> long until(Look<X> look, long windowNanos, long deadline) throws X {
        return spin(look, windowNanos, deadline, false);
    }

    /**
     * As {@link #until}, and also stops, returning 0, after a yield that let another thread run (it took longer than
     * {@value #CONTENDED_YIELD_NANOS} ns): then the processor is shared, so no vCPU halts and a blocked thread's
     * wake-up is cheap, while every further look takes processor time from the threads that do work, the other side
     * of the exchange among them. For waits whose alternative is an OS sleep (a socket read, a park), where
     * sleeping under load costs little; a virtual thread whose yield ran other virtual threads stops too, and gives
     * its carrier back.
     *
     * @param look the look
     * @param windowNanos the longest spin, at least 0
     * @param deadline when to stop at the latest
     * @return the first non-zero look, or 0 if none came in time or the processor is shared
     * @throws X what a look threw
     */
    public static <X extends Exception> long whileUncontended(Look<X> look, long windowNanos, long deadline) throws X {
        return spin(look, windowNanos, deadline, true);
    }

    private static <X extends Exception> long spin(Look<X> look, long windowNanos, long deadline, boolean alone)
            throws X {
        long end = System.nanoTime() + windowNanos;
        if (deadline != Libc.NO_DEADLINE && deadline - end < 0) {
            end = deadline;
        }
        while (true) {
            long seen = look.look();
            if (seen != 0) {
                return seen;
            }
            long yielded = System.nanoTime();
            if (yielded - end >= 0) {
                return 0;
            }
            Thread.yield();
            if (alone && System.nanoTime() - yielded > CONTENDED_YIELD_NANOS) {
                return look.look(); // a last look: what came while others ran, else 0
            }
        }
    }
}
