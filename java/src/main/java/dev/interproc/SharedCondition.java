package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.Uninterruptibly;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Condition} of a {@link SharedMutex}, shared across processes: a thread of one process awaits
 * it and a thread of another signals it. Obtain one with {@link SharedMutex#newCondition(String)}.
 *
 * <pre>{@code
 * SharedRLock lock = memory.sharedRLock("queue");
 * SharedCondition notEmpty = lock.newCondition("not-empty");
 * lock.lock();
 * try {
 *     while (count.get() == 0) {
 *         if (notEmpty.awaitNanos(TimeUnit.SECONDS.toNanos(1)) <= 0) { ... timed out ... }
 *     }
 *     ...
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * As {@link Condition}: every method requires the calling thread to hold the lock
 * ({@link IllegalMonitorStateException} otherwise); {@code await} releases it completely (every hold of a
 * {@link SharedRLock}) and re-acquires it to the same depth before returning or throwing; waiters must
 * re-check their predicate in a loop, as spurious wake-ups may occur. Interruption is noticed within one
 * wait slice (a few milliseconds).
 *
 * <h2>Protocol</h2>
 * The slot holds three 32-bit words, changed only by threads holding the lock: {@code seq}, bumped by
 * every signal (the futex word waiters sleep on), {@code waiters}, the registered waiters, and
 * {@code permits}, signals not yet consumed. {@link #signal()} adds one permit if there are more waiters
 * than permits and wakes every sleeper; the first waiter to re-acquire the lock that registered before
 * a signal was sent (so that {@code seq} moved since) consumes the permit and returns, the others wait
 * again: a thread that starts waiting later never takes a signal sent to the waiters of before. A waiter
 * that finds a permit for it takes it even if it timed out or was interrupted meanwhile (it then returns
 * signalled with its interrupt status set); one that is woken and then dies never swallows a signal
 * meant for a live waiter. A waiter that dies while registered leaves
 * its registration behind; it can turn one later signal into a spurious wake-up, never into a lost one.
 * If the lock's owner dies, the waiter that re-acquires the lock throws {@link OwnerDiedException}
 * holding it, like any acquisition.
 */
public final class SharedCondition extends CoordinationSlot implements Condition {

    private static final long SEQ_OFFSET = RegionLayout.CONDITION_SEQ_OFFSET;
    private static final long WAITERS_OFFSET = RegionLayout.CONDITION_WAITERS_OFFSET;
    private static final long PERMITS_OFFSET = RegionLayout.CONDITION_PERMITS_OFFSET;
    /** Bytes of a condition slot. */
    static final long SIZE = RegionLayout.CONDITION_SIZE;

    /** The state of a condition slot in words, for inspection: "2 waiting". */
    static String describe(IntFields fields) {
        return fields.get(WAITERS_OFFSET) + " waiting";
    }

    private final SharedMutex lock;

    /** The condition of {@code lock} in slot {@code slot}, created if it does not exist. */
    static SharedCondition find(SharedMutex lock, String slot) {
        SlotDirectory slots = new SlotDirectory(lock.region());
        MemorySegment words = slots.ensure(slot, SlotDirectory.Spec.zeroed(SlotType.CONDITION, SIZE));
        return lock.region().instance(slot, SharedCondition.class, key -> new SharedCondition(lock, key, words));
    }

    private SharedCondition(SharedMutex lock, String name, MemorySegment memory) {
        super(lock.region(), name, memory, SEQ_OFFSET);
        this.lock = lock;
    }

    private void requireHeld() {
        // After close, like every access: the region's state, not the lock's, is what the caller must hear of.
        region.checkOpen();
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(
                    "condition '" + name + "' needs its lock '" + lock.name() + "' held by the calling thread");
        }
    }

    @Override
    public void await() throws InterruptedException {
        awaitNanos(Long.MAX_VALUE);
    }

    @Override
    public void awaitUninterruptibly() {
        Uninterruptibly.await(() -> awaitNanos(Long.MAX_VALUE));
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    /**
     * As {@link #await(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait; zero or negative releases and re-acquires the lock without waiting
     * @return {@code true} if signalled, {@code false} if the timeout elapsed first; either way the thread holds the
     *     lock again
     * @throws InterruptedException if the thread is interrupted on entry or while waiting and no signal was taken; it
     *     holds the lock again. Signalled and interrupted, it returns {@code true} with the interrupt status set
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws OwnerDiedException if, on re-acquiring, the lock was taken over from a dead owner and has no
     *     {@link OwnerDeathHandler}; the thread then holds the lock
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(TimeUnit.NANOSECONDS.convert(timeout)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
    }

    /**
     * Waits until signalled, interrupted or the time has passed; returns an estimate of the time left
     * (positive when signalled, zero or negative on timeout).
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        requireHeld();
        long start = System.nanoTime();
        long deadline = nanosTimeout > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + nanosTimeout;
        fields.set(WAITERS_OFFSET, fields.get(WAITERS_OFFSET) + 1);
        // Only signals sent after this registration are for us: seq moves past this value.
        int registered = fields.get(SEQ_OFFSET);
        int seen = registered;
        int holds = lock.releaseFully();
        boolean interrupted = false;
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (!interrupted && remaining > 0 && fields.get(SEQ_OFFSET) == seen) {
                try {
                    watch.sleep(seen, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                interrupted |= Thread.interrupted();
                continue;
            }
            try {
                lock.reacquire(holds);
            } catch (OwnerDiedException e) {
                // Holding the lock now, told of the death: a signal for us is taken with it, as below, and
                // an interrupt met while waiting stays pending (Thread.interrupted() above cleared it).
                if (!takePermit(registered)) {
                    fields.set(WAITERS_OFFSET, fields.get(WAITERS_OFFSET) - 1);
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e;
            }
            remaining = deadline - System.nanoTime();
            // A signal for us is taken even when interrupted or late: left behind, it would count as given
            // to waiters that registered after it was sent, who may not take it, and the next signal would
            // see as many permits as waiters and wake nobody.
            if (takePermit(registered)) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return Math.max(remaining, 1);
            }
            if (interrupted || remaining <= 0) {
                fields.set(WAITERS_OFFSET, fields.get(WAITERS_OFFSET) - 1);
                if (interrupted) {
                    throw new InterruptedException("interrupted while awaiting shared condition '" + name + "'");
                }
                return remaining;
            }
            seen = fields.get(SEQ_OFFSET);
            holds = lock.releaseFully();
        }
    }

    /**
     * Consumes a permit and deregisters, if there is a permit and a signal was sent since this waiter
     * registered (seq moved past {@code registered}); permits given before were for the waiters of then.
     * Call holding the lock.
     */
    private boolean takePermit(int registered) {
        int permits = fields.get(PERMITS_OFFSET);
        if (permits == 0 || fields.get(SEQ_OFFSET) == registered) {
            return false;
        }
        fields.set(PERMITS_OFFSET, permits - 1);
        fields.set(WAITERS_OFFSET, fields.get(WAITERS_OFFSET) - 1);
        return true;
    }

    /** Wakes one waiter, in any process, if there is one. */
    @Override
    public void signal() {
        requireHeld();
        int waiters = fields.get(WAITERS_OFFSET);
        int permits = fields.get(PERMITS_OFFSET);
        if (waiters > permits) {
            fields.set(PERMITS_OFFSET, permits + 1);
            wake();
        }
    }

    /** Wakes every waiter, in every process. */
    @Override
    public void signalAll() {
        requireHeld();
        int waiters = fields.get(WAITERS_OFFSET);
        if (waiters > fields.get(PERMITS_OFFSET)) {
            fields.set(PERMITS_OFFSET, waiters);
            wake();
        }
    }

    private void wake() {
        fields.set(SEQ_OFFSET, fields.get(SEQ_OFFSET) + 1);
        watch.wakeAll();
    }

    @Override
    public String toString() {
        return "SharedCondition[" + name + " of " + lock.name() + "]";
    }
}
