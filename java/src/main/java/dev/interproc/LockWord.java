package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.events.Events;
import dev.interproc.internal.events.LockContentionEvent;
import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.FutexWaits;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock protocol on one lock word, for one process: the same protocol as {@code ip_lock_acquire} /
 * {@code ip_lock_release} in C. The word (waiters bit W and owner token, 0 when free), the fencing token
 * beside it and the protocol are specified in docs/layout.md, sections "Lock protocol", "Owner tokens" and
 * "Lock slot".
 *
 * <p>Acquire is a compare-and-set 0 -> token with volatile semantics (the fast path, no native call);
 * release is a compare-and-set token -> 0, plus a futex wake when W was set. A thread that misses
 * spins a little ({@link #spin}: paced, up to 20 us), then queues on a process-local {@link ReentrantLock} (the gate) so that one thread per
 * process at a time sleeps on the word; that thread sleeps at most one wait slice at a time and after
 * each slice that ended without a wake-up checks whether the owner's process is alive (a non-waiting
 * {@link #tryTakeOverFromDeadOwner} checks at once). A dead owner's
 * word is taken over with one compare-and-set, and the caller is told.
 *
 * <p>The word names the owning process, not the thread: which thread of this process holds the lock is
 * kept by {@link SharedMutex}.
 *
 * <p>Observability (docs/observability.md): a takeover is logged and recorded by {@link Events}; a wait that
 * misses the word is a {@link LockContentionEvent}, begun only when Flight Recorder enables it.
 */
final class LockWord extends SlotMemory {

    private static final VarHandle WORD = JAVA_INT.varHandle();
    private static final VarHandle FENCE = JAVA_LONG.varHandle();
    private static final int WAITERS = RegionLayout.LOCK_WAITERS;
    /** Polls of a virtual thread's spin: short, as its carrier may be needed by the holder itself. */
    private static final int VIRTUAL_SPINS = 100;

    /** How an acquisition ended. */
    enum Outcome {
        ACQUIRED,
        OWNER_DIED,
        TIMED_OUT
    }

    /** The word's address for futex calls; after close it lies in the reserved private memory. */
    private final MemorySegment futexWord;

    private final int token;
    private final ProcessTable processes;
    private final ReentrantLock gate = new ReentrantLock();
    /** The lock as messages, logs and events name it: "lock 'jobs'", "semaphore 'gpu' (its internal lock)". */
    private final String name;

    LockWord(Region region, MemorySegment memory, String name) {
        super(region, memory);
        this.futexWord = MemorySegment.ofAddress(memory.address());
        this.token = region.ownerToken();
        this.processes = region.processes();
        this.name = name;
    }

    /** A stored lock slot for tools: free, held or owner dead, with the holder's pid and the fencing token. */
    static SlotType.Described describe(SlotType.Stored slot) {
        LockInfo lock = snapshot(slot.value(), slot.region().processes());
        return new SlotType.Described(null, lock.describe(), lock);
    }

    /** A snapshot of the lock slot at the start of {@code value}, its owner looked up in {@code processes}. */
    static LockInfo snapshot(MemorySegment value, ProcessTable processes) {
        int word = (int) WORD.getVolatile(value, 0L);
        long fence = (long) FENCE.getVolatile(value, (long) RegionLayout.LOCK_FENCE_OFFSET);
        boolean waiters = (word & WAITERS) != 0;
        int owner = word & ~WAITERS;
        if (owner == 0) {
            return new LockInfo(LockInfo.State.FREE, 0, waiters, fence);
        }
        LockInfo.State state = processes.isAlive(owner) ? LockInfo.State.HELD : LockInfo.State.OWNER_DEAD;
        return new LockInfo(state, processes.pidOf(owner), waiters, fence);
    }

    /** One compare-and-set 0 -> token: the uncontended path. */
    boolean tryAcquire() {
        return compareAndSet(0, token);
    }

    /**
     * Reads the word (volatile) for the order it gives, not for its value. Every write of the word is a
     * compare-and-set, so a read that sees a release (or any later write) comes after every store the releasing
     * holder made before it; a read that does not comes before that release in the synchronization order, and so
     * before whatever the releaser reads after it. The shared queue's waiters rely on this: the position a holder
     * stores with release semantics is seen by a waiter that reads the word after registering, or the holder sees
     * the registration (docs/layout.md, "Queue slot", Waiting).
     */
    void observeReleases() {
        word();
    }

    /** Compare-and-set of the word, volatile semantics. */
    private boolean compareAndSet(int expected, int next) {
        return fromRegion(WORD.compareAndSet(ALL_MEMORY, address(), expected, next));
    }

    /** The word, volatile read. */
    private int word() {
        return fromRegion((int) WORD.getVolatile(ALL_MEMORY, address()));
    }

    /**
     * Acquires the word uninterruptibly for a short internal critical section of a compound primitive
     * (semaphore, barrier).
     *
     * @return true if the previous owner died holding it: the caller must repair the guarded state
     */
    boolean lockInternal() {
        if (tryAcquire()) {
            return false;
        }
        try {
            return acquire(-1, false) == Outcome.OWNER_DIED;
        } catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible acquisition was interrupted", impossible);
        }
    }

    /** Releases a word taken by {@link #lockInternal()}. */
    void unlockInternal() {
        if (!release()) {
            throw new IllegalStateException("the internal lock of a shared primitive was taken over while held:"
                    + " this process was taken for dead (was its region closed meanwhile?)");
        }
    }

    /** Takes the word over if its owner's process is dead; never waits. */
    Outcome tryTakeOverFromDeadOwner() {
        int value = word();
        if (value != 0
                && (value & ~WAITERS) != token
                && !processes.isAlive(value & ~WAITERS)
                && compareAndSet(value, token | (value & WAITERS))) {
            return tookOver(value & ~WAITERS);
        }
        return value == 0 && tryAcquire() ? Outcome.ACQUIRED : Outcome.TIMED_OUT;
    }

    /** Increments the fencing token and returns it; call only while holding the lock. */
    long advanceFence() {
        long at = address() + RegionLayout.LOCK_FENCE_OFFSET;
        long next = (long) FENCE.get(ALL_MEMORY, at) + 1;
        FENCE.setOpaque(ALL_MEMORY, at, next);
        return fromRegion(next);
    }

    /** The owner token in the word (0 when free), without the waiters bit. */
    int owner() {
        return word() & ~WAITERS;
    }

    /** Whether the word holds this process's token. */
    boolean heldByThisProcess() {
        return owner() == token;
    }

    /** Reports the takeover of the word from the dead owner {@code deadOwner} and returns OWNER_DIED. */
    private Outcome tookOver(int deadOwner) {
        // The dead owner's entry keeps its pid until the next attach reclaims it.
        Events.ownerDeathTakeover(region.name(), name, processes.pidOf(deadOwner));
        return Outcome.OWNER_DIED;
    }

    /**
     * Acquires the word for this process, waiting at most {@code timeoutNanos} ({@code < 0}: no limit); call after
     * {@link #tryAcquire()} missed. The wait is a {@link LockContentionEvent} when a recording enables it.
     *
     * @throws InterruptedException if interruptible and the thread is interrupted while waiting
     */
    Outcome acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
        LockContentionEvent contention = new LockContentionEvent();
        if (!contention.isEnabled()) {
            return await(timeoutNanos, interruptible);
        }
        contention.begin();
        int holderPid = processes.pidOf(owner());
        String outcome = "FAILED";
        try {
            Outcome acquired = await(timeoutNanos, interruptible);
            outcome = acquired.name();
            return acquired;
        } catch (InterruptedException e) {
            outcome = "INTERRUPTED";
            throw e;
        } finally {
            contention.record(region.name(), name, holderPid, outcome);
        }
    }

    private Outcome await(long timeoutNanos, boolean interruptible) throws InterruptedException {
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        if (spin(timeoutNanos)) {
            return Outcome.ACQUIRED;
        }
        if (!enterGate(timeoutNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()), interruptible)) {
            return Outcome.TIMED_OUT;
        }
        boolean interruptedMeanwhile = false;
        try {
            // The owner's liveness is probed only after a sleep that lasted a whole slice, or once before giving
            // up: a probe is a downcall, too dear for every contended acquisition, and a dead owner is still found
            // within one slice, or by a timed attempt too short to sleep at all.
            boolean checkOwner = false;
            boolean ownerProbed = false;
            while (true) {
                int value = word();
                if (value == 0) {
                    // Other processes may still sleep here: keep the waiters bit so that our release wakes them.
                    if (compareAndSet(0, token | WAITERS)) {
                        return Outcome.ACQUIRED;
                    }
                    continue;
                }
                if (checkOwner) {
                    checkOwner = false;
                    ownerProbed = true;
                    if (!processes.isAlive(value & ~WAITERS)) {
                        if (compareAndSet(value, token | (value & WAITERS))) {
                            return tookOver(value & ~WAITERS);
                        }
                        continue;
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    if (!ownerProbed) {
                        checkOwner = true;
                        continue;
                    }
                    return Outcome.TIMED_OUT;
                }
                // Announced only by a thread about to sleep: a release that sees the bit pays for a futex wake.
                if ((value & WAITERS) == 0) {
                    if (!compareAndSet(value, value | WAITERS)) {
                        continue;
                    }
                    value |= WAITERS;
                }
                long slice = Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS);
                long before = System.nanoTime();
                try {
                    FutexWaits.sleep(futexWord, value, slice);
                } catch (InterruptedException e) {
                    if (interruptible) {
                        throw e;
                    }
                    interruptedMeanwhile = true;
                }
                if (interruptible && Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for a shared lock");
                }
                // A sleep that lasted its whole slice was not a wake-up: the owner may have died.
                checkOwner = System.nanoTime() - before >= slice;
            }
        } finally {
            gate.unlock();
            if (interruptedMeanwhile) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Spins for the word before the caller sleeps on it, and says whether it got it. A platform thread looks
     * once per {@link RegionLayout#LOCK_SPIN_POLL_NANOS} (1 us) for up to {@link RegionLayout#LOCK_SPIN_NANOS}
     * (20 us), or the timeout if shorter, as C's {@code ip_lock_acquire} does:
     * every look pulls the word's cache line away from the holder and slows it down, and every spinner that gives
     * up and sleeps costs the releaser a futex wake, so a sparse but patient spin lets a busy holder run at nearly
     * its uncontended speed and hands the lock over in runs instead of after every release. A virtual thread polls
     * only {@link #VIRTUAL_SPINS} times back to back: its carrier may be the one the holder needs to finish.
     */
    private boolean spin(long timeoutNanos) {
        if (Thread.currentThread().isVirtual()) {
            for (int poll = 0; poll < VIRTUAL_SPINS; poll++) {
                if (owner() == 0 && tryAcquire()) {
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
            if (owner() == 0 && tryAcquire()) {
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

    private boolean enterGate(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (timeoutNanos >= 0) {
            return gate.tryLock(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (interruptible) {
            gate.lockInterruptibly();
        } else {
            gate.lock();
        }
        return true;
    }

    /**
     * Releases the word if this process holds it, waking one sleeper when the waiters bit was set.
     *
     * @return false if the word does not hold this process's token (nothing is changed)
     */
    boolean release() {
        if (compareAndSet(token, 0)) {
            return true;
        }
        while (true) {
            int value = word();
            if ((value & ~WAITERS) != token) {
                return false;
            }
            if (compareAndSet(value, 0)) {
                if ((value & WAITERS) != 0) {
                    FutexWaits.wakeOne(futexWord);
                    // Keeps the range reserved until the wake is made: never a wake on reused memory.
                    Reference.reachabilityFence(this);
                }
                return true;
            }
        }
    }
}
