package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import java.util.function.BooleanSupplier;

/**
 * The spin a waiter makes before it sleeps on a futex word (a lock's, a queue's): it looks at its condition once per
 * {@link RegionLayout#LOCK_SPIN_POLL_NANOS} (1 us) for up to {@link RegionLayout#LOCK_SPIN_NANOS} (20 us), or the
 * timeout if shorter, as C's {@code ip_lock_acquire} does. Every look pulls a cache line away from the process that
 * is about to change it and slows that process down, and every spinner that gives up and sleeps costs the other
 * side a futex wake, so a sparse but patient spin lets the other side run at nearly its uncontended speed. A virtual
 * thread looks only {@link #VIRTUAL_SPINS} times back to back: its carrier may be the one the other side needs.
 */
final class SparseSpin {

    /** Looks of a virtual thread's spin. */
    static final int VIRTUAL_SPINS = 100;

    private SparseSpin() {}

    /**
     * Spins until {@code ready} says true, or the spin's time (at most {@code timeoutNanos} if that is not negative)
     * is over. Does not block, and ignores interruption.
     *
     * @param ready the condition, looked at once per poll; it may act (take a lock) when it says true
     * @param timeoutNanos the longest spin, or a negative number for the full spin
     * @return whether {@code ready} said true
     */
    static boolean until(BooleanSupplier ready, long timeoutNanos) {
        if (Thread.currentThread().isVirtual()) {
            for (int poll = 0; poll < VIRTUAL_SPINS; poll++) {
                if (ready.getAsBoolean()) {
                    return true;
                }
            }
            return false;
        }
        long now = System.nanoTime();
        long end = now
                + (timeoutNanos < 0
                        ? RegionLayout.LOCK_SPIN_NANOS
                        : Math.min(RegionLayout.LOCK_SPIN_NANOS, timeoutNanos));
        while (true) {
            if (ready.getAsBoolean()) {
                return true;
            }
            long nextPoll = now + RegionLayout.LOCK_SPIN_POLL_NANOS;
            if (nextPoll - end > 0) {
                return false;
            }
            do {
                Thread.onSpinWait();
                now = System.nanoTime();
            } while (now - nextPoll < 0);
        }
    }
}
