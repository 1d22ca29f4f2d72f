package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.function.BiFunction;

/**
 * A {@link Lock} shared by every thread of every process that opens the same region:
 * {@link SharedLock} (not reentrant, like Python's {@code Lock}) or {@link SharedRLock} (reentrant, like
 * {@code RLock}). Obtain one with {@link SharedMemory#sharedLock(String)} or
 * {@link SharedMemory#sharedRLock(String)}; a C program can take the same lock with
 * {@code ip_lock_acquire}.
 *
 * <pre>{@code
 * SharedRLock lock = memory.sharedRLock("state");
 * try (SharedMutex.Held held = lock.acquire()) {
 *     status.set(Status.CALCULATING);
 *     jobId.set(42);
 * }
 * }</pre>
 *
 * <h2>Ownership</h2>
 * The lock is held by one thread at a time, system-wide. Only the holding thread may unlock it; any
 * other thread gets {@link IllegalMonitorStateException}, never a silent release. Acquiring has the
 * memory effects of a volatile read and releasing those of a volatile write, across processes: what the
 * holder wrote to shared memory before unlocking is visible to the next holder, in any process.
 *
 * <h2>Waiting</h2>
 * The uncontended acquire and release are one compare-and-set each on the lock word in shared memory,
 * with no native call. A thread that finds the lock held spins briefly, then queues behind the other
 * waiting threads of its process; one of them at a time sleeps on the word (a futex), in slices of a
 * few milliseconds. Virtual threads park; their futex sleep runs on a platform daemon thread, so a
 * waiting virtual thread never pins its carrier. {@link #lockInterruptibly()} and the timed
 * {@link #tryLock(long, TimeUnit)} answer {@link Thread#interrupt()} within one slice; {@link #lock()}
 * ignores interrupts and re-asserts the interrupt status when it returns.
 *
 * <h2>Owner death</h2>
 * When the process holding the lock dies (SIGKILL, a crash, the OOM killer), the lock is not lost:
 * <pre>
 *   process A: lock() ......... holds ....... X killed
 *   process B:        lock() -- sleeps, checks A's liveness every slice --+-> takes the lock over (CAS)
 *                                                                        +-> throws OwnerDiedException,
 *                                                                            B holding the lock
 * </pre>
 * A waiter notices within one wait slice (milliseconds) and takes the lock over with one
 * compare-and-set; a later {@code lock()} or {@code tryLock()} notices at once. That one acquisition throws
 * {@link OwnerDiedException} <em>while holding the lock</em>, so that the thread repairs what the dead
 * owner left half-done, or, if the lock has an {@link OwnerDeathHandler}, runs the handler and returns
 * normally. Liveness comes from the region's process table (a robust mutex each attached process holds),
 * not from PIDs, so PID reuse cannot fool it.
 *
 * <h2>Fencing</h2>
 * Every acquisition increments a 64-bit fencing token stored beside the lock word;
 * {@link #fencingToken()} gives the holder its value, for storage systems that reject writes from stale
 * holders.
 */
public abstract sealed class SharedMutex implements Lock permits SharedLock, SharedRLock {

    /** A held lock, released by {@link #close()}: the try-with-resources form of lock/unlock. */
    public static final class Held implements AutoCloseable {

        private final SharedMutex lock;
        private final long fencingToken;

        private Held(SharedMutex lock, long fencingToken) {
            this.lock = lock;
            this.fencingToken = fencingToken;
        }

        /**
         * The fencing token of this acquisition.
         *
         * @return the token, as {@link SharedMutex#fencingToken()} returned it while this hold was current
         */
        public long fencingToken() {
            return fencingToken;
        }

        /** Unlocks; the same rules as {@link SharedMutex#unlock()}. */
        @Override
        public void close() {
            lock.unlock();
        }
    }

    private final Region region;
    private final String name;
    private final LockWord word;
    private final AtomicInteger conditionsCreated = new AtomicInteger();
    private volatile OwnerDeathHandler ownerDeathHandler;
    // Written only by the thread that holds the lock, read by others only to compare with themselves.
    private Thread owner;
    private int holds;
    private long fence;

    SharedMutex(Region region, String name, LockWord word) {
        this.region = region;
        this.name = name;
        this.word = word;
    }

    /**
     * The one instance in this process of the lock called {@code slot}, created free if it does not exist.
     *
     * @throws IllegalStateException if the region was opened for inspection only, or is closed
     */
    static <L extends SharedMutex> L find(
            SlotDirectory slots, String slot, SlotType type, Class<L> kind, BiFunction<String, LockWord, L> maker) {
        Region region = slots.region();
        region.requireAttached(slot);
        region.checkOpen();
        L known = region.existing(slot, kind);
        if (known != null) {
            // A lock slot never changes once made: asking the directory again (a native call under its mutex,
            // about 0.5 us) would cost every value.getLock() of a compound update.
            return known;
        }
        MemorySegment word = slots.ensure(slot, SlotDirectory.Spec.zeroed(type, RegionLayout.LOCK_SIZE));
        return region.instance(slot, kind, key -> maker.apply(key, new LockWord(region, word, "lock '" + key + "'")));
    }

    abstract boolean reentrant();

    /**
     * The slot name of the lock.
     *
     * @return the name given when the lock was created
     */
    public String name() {
        return name;
    }

    /**
     * Acquires the lock, waiting as long as it takes; interrupts are deferred until it returns.
     *
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock
     * @throws IllegalMonitorStateException if this is a {@link SharedLock} the thread already holds: waiting would
     *     deadlock
     */
    @Override
    public void lock() {
        try {
            acquire(-1, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("an uninterruptible acquisition was interrupted", impossible);
        }
    }

    /**
     * Acquires the lock unless the thread is interrupted (noticed within one wait slice).
     *
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; it then does not hold the
     *     lock
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock
     * @throws IllegalMonitorStateException if this is a {@link SharedLock} the thread already holds: waiting would
     *     deadlock
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire(-1, true);
    }

    /**
     * Acquires the lock if it is free, or held by a process that has died (then throws
     * {@link OwnerDiedException} holding it); never waits.
     *
     * @return {@code true} if the lock was acquired, {@code false} if another live thread holds it (or, for a
     *     {@link SharedLock}, the calling thread itself)
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock
     */
    @Override
    public boolean tryLock() {
        try {
            return acquire(0, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError("a non-waiting acquisition was interrupted", impossible);
        }
    }

    /**
     * Acquires the lock if it becomes free within the timeout; answers interrupts within one wait slice.
     *
     * @param time the longest time to wait; zero or less does not wait
     * @param unit the unit of {@code time}
     * @return {@code true} if the lock was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; it then does not hold the
     *     lock
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return acquire(Math.max(0, unit.toNanos(time)), true);
    }

    /**
     * As {@link #tryLock(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait; zero or negative does not wait
     * @return {@code true} if the lock was acquired, {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry or while waiting; it then does not hold the
     *     lock
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        return tryLock(TimeUnit.NANOSECONDS.convert(timeout), TimeUnit.NANOSECONDS);
    }

    /**
     * Acquires the lock like {@link #lock()} and returns a handle whose {@code close()} unlocks.
     *
     * @return the hold; closing it releases this one hold
     * @throws OwnerDiedException if the lock was taken over from a dead owner and no {@link OwnerDeathHandler} is set;
     *     the thread then holds the lock but gets no handle to close, so it must call {@link #unlock()}
     * @throws IllegalMonitorStateException if this is a {@link SharedLock} the thread already holds
     */
    public Held acquire() {
        lock();
        return new Held(this, fence);
    }

    /**
     * Releases one hold of the lock.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold it
     * @throws IllegalStateException if the region was closed in this process
     */
    @Override
    public void unlock() {
        if (owner != Thread.currentThread()) {
            // After close, like every access; and a condition wait that could not re-acquire the lock ends in
            // the caller's finally block here: say the region closed, not that the lock was never held.
            region.checkOpen();
            throw new IllegalMonitorStateException("shared lock '" + name + "' is not held by this thread ("
                    + Thread.currentThread() + "): only the holder may unlock it");
        }
        if (--holds > 0) {
            return;
        }
        owner = null;
        if (!word.release()) {
            throw new IllegalMonitorStateException("shared lock '" + name + "' was taken over by another process while"
                    + " this thread held it: this process was taken for dead (was its region closed meanwhile?)");
        }
    }

    private boolean acquire(long timeoutNanos, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        if (owner == me) {
            if (reentrant()) {
                if (holds == Integer.MAX_VALUE) {
                    // As ReentrantLock: a count that wrapped would let the lock go while still held.
                    throw new Error("Maximum lock count exceeded");
                }
                holds++;
                return true;
            }
            if (timeoutNanos >= 0) {
                return false;
            }
            throw new IllegalMonitorStateException("SharedLock '" + name + "' is already held by this thread and is not"
                    + " reentrant: waiting would deadlock; use a SharedRLock to lock it again");
        }
        LockWord.Outcome outcome;
        if (word.tryAcquire()) {
            outcome = LockWord.Outcome.ACQUIRED;
        } else if (timeoutNanos == 0) {
            outcome = word.tryTakeOverFromDeadOwner();
        } else {
            outcome = word.acquire(timeoutNanos, interruptible);
        }
        if (outcome == LockWord.Outcome.TIMED_OUT) {
            return false;
        }
        owner = me;
        holds = 1;
        fence = word.advanceFence();
        if (outcome == LockWord.Outcome.OWNER_DIED) {
            OwnerDeathHandler handler = ownerDeathHandler;
            if (handler == null) {
                throw new OwnerDiedException(this, fence);
            }
            handler.ownerDied(this, fence);
        }
        return true;
    }

    /** Releases every hold of the current thread (for a condition wait) and returns how many it had. */
    int releaseFully() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("shared lock '" + name + "' is not held by this thread: a"
                    + " condition of it can only be used while holding it");
        }
        int saved = holds;
        holds = 1;
        unlock();
        return saved;
    }

    /** Re-acquires after a condition wait and restores the holds; owner death is reported as usual. */
    void reacquire(int savedHolds) {
        try {
            lock();
        } finally {
            if (owner == Thread.currentThread()) {
                holds = savedHolds;
            }
        }
    }

    /**
     * The fencing token of the current thread's hold: it grows with every acquisition, across processes.
     *
     * @return the token of the current hold
     * @throws IllegalMonitorStateException if the current thread does not hold the lock
     */
    public long fencingToken() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("shared lock '" + name + "' is not held by this thread");
        }
        return fence;
    }

    /**
     * Whether the current thread holds the lock.
     *
     * @return {@code true} if the calling thread holds the lock
     */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /**
     * Whether some thread of some process holds the lock (a snapshot).
     *
     * @return {@code true} if the lock word had an owner when read; stale as soon as it returns
     */
    public boolean isLocked() {
        return word.owner() != 0;
    }

    /**
     * Sets what runs when an acquisition takes the lock over from a dead owner (null: throw).
     *
     * @param handler what to run in the acquiring thread, holding the lock; {@code null} to throw
     *     {@link OwnerDiedException} instead. It applies to this process's handle of the lock only
     */
    public void setOwnerDeathHandler(OwnerDeathHandler handler) {
        this.ownerDeathHandler = handler;
    }

    /**
     * A new condition of this lock, shared across processes: the n-th call in each process names the same
     * condition, so processes must create their conditions in the same order. Prefer
     * {@link #newCondition(String)}.
     */
    @Override
    public SharedCondition newCondition() {
        return newCondition("condition-" + conditionsCreated.incrementAndGet());
    }

    /**
     * The condition of this lock called {@code conditionName}, shared across processes.
     *
     * @param conditionName the condition's name, unique among this lock's conditions
     * @return the condition; the same one in every process that asks for this name
     * @throws IllegalArgumentException if the name contains {@code '/'}: the condition's slot is
     *         {@code "<lock>/<condition>"}, so lock {@code "a"} with condition {@code "b/c"} would be lock
     *         {@code "a/b"}'s condition {@code "c"}
     */
    public SharedCondition newCondition(String conditionName) {
        Objects.requireNonNull(conditionName, "conditionName");
        if (conditionName.indexOf('/') >= 0) {
            throw new IllegalArgumentException("condition name '" + conditionName + "' of lock '" + name
                    + "' contains '/': its slot '" + name + "/" + conditionName + "' would also be the slot of a"
                    + " condition of lock '" + name + "/" + conditionName.substring(0, conditionName.lastIndexOf('/'))
                    + "'; choose a name without '/'");
        }
        return SharedCondition.find(this, name + "/" + conditionName);
    }

    Region region() {
        return region;
    }

    @Override
    public String toString() {
        String state = region.isClosed()
                ? "region closed"
                : owner == Thread.currentThread()
                        ? "held by the current thread"
                        : region.processes().describeOwner(word.owner());
        return getClass().getSimpleName() + "[" + name + ", " + state + "]";
    }
}
