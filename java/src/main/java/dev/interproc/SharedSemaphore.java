package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.Uninterruptibly;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A counting semaphore shared across processes, with the API of {@link java.util.concurrent.Semaphore}
 * and the semantics of Python's {@code multiprocessing.Semaphore} / {@code BoundedSemaphore}. Obtain one
 * with {@link SharedMemory#sharedSemaphore(String, int)} or {@link SharedMemory#sharedBoundedSemaphore(String, int)}.
 *
 * <pre>{@code
 * SharedSemaphore slots = memory.sharedBoundedSemaphore("gpu-slots", 2);
 * try (SharedSemaphore.Permit permit = slots.acquirePermit()) {
 *     useTheGpu();
 * }
 * }</pre>
 *
 * <h2>Permits of dead processes come back</h2>
 * Like SysV semaphores with {@code SEM_UNDO}, the semaphore remembers, per attached process, how many
 * permits it holds (acquired minus released). When a process dies, its adjustment is undone: the permits
 * it held return to the semaphore (and permits it released beyond what it acquired are taken back, never
 * below zero). Waiters notice within one wait slice; any acquisition that finds too few permits checks
 * first. The accounting is by process, as with {@code SEM_UNDO}: a permit acquired by one process and
 * released by another stays counted against the first, so if the first then dies, its acquisition is
 * undone although the permit was already given back. Do not rely on the undo when permits pass between
 * processes. A bounded semaphore refuses a release that would exceed its initial permits with
 * {@link IllegalStateException}, like Python's {@code BoundedSemaphore}.
 *
 * <h2>Layout and protocol</h2>
 * docs/layout.md, section "Semaphore slot", specifies the bytes and the protocol: an internal lock guards
 * the counts and, per process-table index, the permits each process holds.
 * If a process dies inside the internal lock, the next one recomputes {@code available} from the holders
 * of live processes, so a half-done update is never kept.
 *
 * <p>Memory effects: a release happens-before the acquisition that takes its permit. Waits answer
 * interruption within one wait slice. Safe for any number of threads.
 */
public final class SharedSemaphore extends CoordinationSlot {

    private static final long LOCK_OFFSET = RegionLayout.SEMAPHORE_LOCK_OFFSET;
    private static final long SEQ_OFFSET = RegionLayout.SEMAPHORE_SEQ_OFFSET;
    private static final long AVAILABLE_OFFSET = RegionLayout.SEMAPHORE_AVAILABLE_OFFSET;
    private static final long INITIAL_OFFSET = RegionLayout.SEMAPHORE_INITIAL_OFFSET;
    private static final long BOUNDED_OFFSET = RegionLayout.SEMAPHORE_BOUNDED_OFFSET;
    private static final long HOLDERS_OFFSET = RegionLayout.SEMAPHORE_HOLDERS_OFFSET;

    /**
     * The semaphore called {@code slot}, created with {@code permits} if it does not exist: available = initial =
     * permits, and the bounded flag. See {@link SharedMemory#sharedSemaphore}.
     *
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    static SharedSemaphore find(SlotDirectory slots, String slot, int permits, boolean bounded) {
        if (permits < 0) {
            throw new IllegalArgumentException("semaphore '" + slot + "' needs permits >= 0, was " + permits);
        }
        Region region = slots.region();
        int processes = region.processes().capacity();
        SlotDirectory.Spec spec = SlotDirectory.Spec.initialised(
                        SlotType.SEMAPHORE, SemaphoreHoldings.slotSize(processes), HOLDERS_OFFSET, init -> {
                            init.set(JAVA_INT, AVAILABLE_OFFSET, permits);
                            init.set(JAVA_INT, INITIAL_OFFSET, permits);
                            init.set(JAVA_INT, BOUNDED_OFFSET, bounded ? 1 : 0);
                        })
                .withMeta("permits=" + permits + " bounded=" + bounded);
        MemorySegment words = slots.ensure(slot, spec);
        return region.instance(
                slot,
                SharedSemaphore.class,
                key -> new SharedSemaphore(region, key, words, processes, permits, bounded));
    }

    /** One permit, released by {@link #close()}. */
    public static final class Permit implements AutoCloseable {

        private final SharedSemaphore semaphore;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(SharedSemaphore semaphore) {
            this.semaphore = semaphore;
        }

        /** Releases the permit; later calls, from any thread, do nothing. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                semaphore.release();
            }
        }
    }

    private final LockWord lock;
    private final SemaphoreHoldings holdings;

    private SharedSemaphore(
            Region region, String name, MemorySegment memory, int maxProcesses, int initialPermits, boolean bounded) {
        super(region, name, memory, SEQ_OFFSET);
        this.lock = internalLock("semaphore", memory, LOCK_OFFSET);
        this.holdings = new SemaphoreHoldings(region, name, fields, watch, maxProcesses, initialPermits, bounded);
    }

    /**
     * Whether releases beyond the initial permits are refused.
     *
     * @return {@code true} for a semaphore from {@link SharedMemory#sharedBoundedSemaphore(String, int)}
     */
    public boolean isBounded() {
        return fields.get(BOUNDED_OFFSET) == 1;
    }

    /**
     * The permits available now (a snapshot).
     *
     * @return the permits available when read; stale as soon as it returns
     */
    public int availablePermits() {
        return fields.get(AVAILABLE_OFFSET);
    }

    /** The state of a semaphore slot in words, for inspection: "2 of 3 permits available (bounded)". */
    static String describe(IntFields fields) {
        return fields.get(AVAILABLE_OFFSET) + " of " + fields.get(INITIAL_OFFSET) + " permits available"
                + (fields.get(BOUNDED_OFFSET) == 1 ? " (bounded)" : "");
    }

    /**
     * Acquires one permit, waiting as long as it takes.
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); it then holds no new permit
     */
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    /**
     * Acquires {@code permits} permits at once, waiting as long as it takes.
     *
     * @param permits how many permits to take, all at once
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); it then holds no new permit
     * @throws IllegalArgumentException if {@code permits} is not positive
     */
    public void acquire(int permits) throws InterruptedException {
        acquire(permits, Long.MAX_VALUE, true);
    }

    /** Acquires one permit, waiting as long as it takes; interrupts are deferred until it returns. */
    public void acquireUninterruptibly() {
        Uninterruptibly.await(() -> acquire(1, Long.MAX_VALUE, false));
    }

    /**
     * Acquires one permit and returns a handle whose {@code close()} releases it.
     *
     * @return the permit; closing it releases it
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); it then holds no new permit
     */
    public Permit acquirePermit() throws InterruptedException {
        acquire(1);
        return new Permit(this);
    }

    /**
     * Acquires one permit if one is available now.
     *
     * @return {@code true} if a permit was taken, {@code false} if none was available, even after reclaiming those of
     *     dead processes
     */
    public boolean tryAcquire() {
        try {
            return acquire(1, 0, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Acquires one permit if one becomes available within the timeout.
     *
     * @param timeout the longest time to wait; zero or less does not wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if a permit was taken, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); it then holds no new permit
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return acquire(1, unit.toNanos(timeout), true);
    }

    /**
     * Acquires {@code permits} permits if they become available within the timeout.
     *
     * @param permits how many permits to take, all at once
     * @param timeout the longest time to wait; zero or negative does not wait
     * @return {@code true} if the permits were taken, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); it then holds no new permit
     * @throws IllegalArgumentException if {@code permits} is not positive
     */
    public boolean tryAcquire(int permits, Duration timeout) throws InterruptedException {
        return acquire(permits, TimeUnit.NANOSECONDS.convert(timeout), true);
    }

    private boolean acquire(int permits, long nanos, boolean interruptible) throws InterruptedException {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits must be positive, was " + permits);
        }
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        long deadline = nanos > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + nanos;
        boolean interruptedMeanwhile = false;
        while (true) {
            int seen;
            enter();
            try {
                if (fields.get(AVAILABLE_OFFSET) < permits) {
                    holdings.reclaimFromDeadProcesses();
                }
                int available = fields.get(AVAILABLE_OFFSET);
                if (available >= permits) {
                    fields.set(AVAILABLE_OFFSET, available - permits);
                    holdings.adjustOwnHolding(permits);
                    return reassertInterrupt(interruptedMeanwhile, true);
                }
                seen = fields.get(SEQ_OFFSET);
            } finally {
                lock.unlockInternal();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return reassertInterrupt(interruptedMeanwhile, false);
            }
            try {
                watch.sleep(seen, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
            } catch (InterruptedException e) {
                if (interruptible) {
                    throw e;
                }
                // Re-asserted only on return: set now, it would end every later sleep at once (a spin).
                interruptedMeanwhile = true;
            }
            if (interruptible && Thread.interrupted()) {
                throw new InterruptedException("interrupted while acquiring shared semaphore '" + name + "'");
            }
        }
    }

    private static boolean reassertInterrupt(boolean interrupted, boolean result) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result;
    }

    /** Releases one permit. */
    public void release() {
        release(1);
    }

    /**
     * Releases {@code permits} permits and wakes the waiters.
     *
     * @param permits how many permits to return
     * @throws IllegalStateException if the semaphore is bounded and would exceed its initial permits
     * @throws IllegalArgumentException if {@code permits} is not positive
     * @throws Error if the available permits would exceed {@link Integer#MAX_VALUE} (as
     *     {@link java.util.concurrent.Semaphore} does); nothing is released then
     */
    public void release(int permits) {
        if (permits <= 0) {
            throw new IllegalArgumentException("permits must be positive, was " + permits);
        }
        enter();
        try {
            int available = fields.get(AVAILABLE_OFFSET);
            int initial = fields.get(INITIAL_OFFSET);
            if (isBounded() && (long) available + permits > initial) {
                throw new IllegalStateException("bounded semaphore '" + name + "' released too many times: " + available
                        + " + " + permits + " permits would exceed its " + initial + " initial permits");
            }
            if ((long) available + permits > Integer.MAX_VALUE) {
                // As java.util.concurrent.Semaphore: a count that wrapped would refuse every acquisition.
                throw new Error("Maximum permit count exceeded: semaphore '" + name + "' has " + available
                        + " permits available, and " + permits + " more would exceed " + Integer.MAX_VALUE);
            }
            fields.set(AVAILABLE_OFFSET, available + permits);
            holdings.adjustOwnHolding(-permits);
            fields.set(SEQ_OFFSET, fields.get(SEQ_OFFSET) + 1);
        } finally {
            lock.unlockInternal();
        }
        watch.wakeAll();
    }

    /**
     * Takes the internal lock (a previous holder's death leaves state to recompute) and checks the words
     * against the slot's metadata.
     *
     * @throws IncompatibleRegionException if {@code initial}, {@code bounded} or {@code available} contradicts
     *     it; the internal lock is released then
     */
    private void enter() {
        if (lock.lockInternal()) {
            holdings.recompute();
        }
        String damaged = holdings.damagedWord();
        if (damaged != null) {
            lock.unlockInternal();
            throw new IncompatibleRegionException(
                    "region '" + region.name() + "' is damaged: semaphore '" + name + "' field " + damaged
                            + "; remove the region (interproc rm) and create it again",
                    RegionLayout.E_CORRUPT);
        }
    }

    @Override
    public String toString() {
        return "SharedSemaphore[" + name + (region.isClosed() ? ", region closed" : ", available " + availablePermits())
                + (isBounded() ? ", bounded" : "") + "]";
    }
}
