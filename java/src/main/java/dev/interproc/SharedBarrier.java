package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.interproc.internal.events.Events;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A cyclic barrier for a fixed number of parties in any processes, with the semantics of
 * {@link java.util.concurrent.CyclicBarrier} (and of Python's {@code multiprocessing.Barrier}). Obtain one with
 * {@link SharedMemory#sharedBarrier(String, int)}.
 *
 * <h2>Breaking</h2>
 * The barrier breaks, and every waiting party gets {@link BrokenBarrierException}, when a waiting party
 * times out or is interrupted, when {@link #reset()} is called with parties waiting, and when a party dies:
 * a process that waits at the barrier, or that has opened it (each {@link SharedMemory} that obtains the
 * barrier registers its process as a member until it is closed), and is killed breaks it for the others
 * within one wait slice, instead of leaving them waiting forever. The member table holds 64 processes;
 * the death of a 65th member that is not waiting goes unnoticed. A broken barrier stays broken until
 * {@link #reset()}.
 *
 * <h2>Layout and protocol</h2>
 * docs/layout.md, section "Barrier slot", specifies the bytes and the protocol.
 * Safe for any number of threads. Waits answer interruption within one wait slice.
 */
public final class SharedBarrier extends CoordinationSlot {

    private static final long LOCK_OFFSET = RegionLayout.BARRIER_LOCK_OFFSET;
    private static final long SEQ_OFFSET = RegionLayout.BARRIER_SEQ_OFFSET;
    private static final long PARTIES_OFFSET = RegionLayout.BARRIER_PARTIES_OFFSET;
    private static final long ARRIVED_OFFSET = RegionLayout.BARRIER_ARRIVED_OFFSET;
    private static final long TRIPS_OFFSET = RegionLayout.BARRIER_TRIPS_OFFSET;
    private static final long BREAKS_OFFSET = RegionLayout.BARRIER_BREAKS_OFFSET;
    private static final long BROKEN_OFFSET = RegionLayout.BARRIER_BROKEN_OFFSET;
    private static final long DEAD_PID_OFFSET = RegionLayout.BARRIER_DEAD_PID_OFFSET;
    private static final long WAITING_OFFSET = RegionLayout.BARRIER_WAITING_OFFSET;
    private static final int MEMBERS = RegionLayout.BARRIER_MEMBERS;
    /** dead pid of a party that died inside the internal lock. */
    private static final int DIED_INSIDE_LOCK = RegionLayout.BARRIER_DIED_INSIDE_LOCK;
    /** dead pid of a dead party whose process-table entry was already reclaimed or reused: pid unknown. */
    private static final int PID_UNKNOWN = RegionLayout.BARRIER_PID_UNKNOWN;

    /**
     * The barrier called {@code slot} for {@code parties}, created if it does not exist (slot size: the fixed
     * words, the waiting parties, the members), with this process as a member; see {@link SharedMemory#sharedBarrier}.
     *
     * @throws IllegalArgumentException if {@code parties} is below 1
     */
    static SharedBarrier find(SlotDirectory slots, String slot, int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("barrier '" + slot + "' needs at least one party, was " + parties);
        }
        long size = WAITING_OFFSET + 4L * parties + 4L * MEMBERS;
        SlotDirectory.Spec spec = SlotDirectory.Spec.initialised(
                        SlotType.BARRIER, size, WAITING_OFFSET, init -> init.set(JAVA_INT, PARTIES_OFFSET, parties))
                .withMeta("parties=" + parties);
        MemorySegment words = slots.ensure(slot, spec);
        Region region = slots.region();
        return region.instance(slot, SharedBarrier.class, key -> {
            SharedBarrier barrier = new SharedBarrier(region, key, words, parties);
            region.leaveOnClose(barrier::leave);
            return barrier;
        });
    }

    private final LockWord lock;
    private final int parties;
    private final BarrierParties partyTable;

    private SharedBarrier(Region region, String name, MemorySegment memory, int parties) {
        super(region, name, memory, SEQ_OFFSET);
        this.lock = internalLock("barrier", memory, LOCK_OFFSET);
        this.parties = parties;
        this.partyTable = new BarrierParties(region, name, fields, parties);
        join();
    }

    /**
     * The number of parties needed to trip the barrier.
     *
     * @return the parties fixed when the slot was created
     */
    public int getParties() {
        return parties;
    }

    /**
     * The number of parties waiting now (a snapshot).
     *
     * @return the parties waiting in the current round when read; stale as soon as it returns
     */
    public int getNumberWaiting() {
        return fields.get(ARRIVED_OFFSET);
    }

    /**
     * Whether the barrier is broken.
     *
     * @return {@code true} if the barrier broke and was not {@link #reset()} since
     */
    public boolean isBroken() {
        return fields.get(BROKEN_OFFSET) == 1;
    }

    /**
     * Waits until all parties have arrived; returns the arrival index (parties - 1 first, 0 last).
     *
     * @return the arrival index: {@code getParties() - 1} for the first to arrive, 0 for the last, which trips the
     *     barrier
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); a wait so ended breaks the barrier for the others
     * @throws BrokenBarrierException if the barrier is broken on entry or breaks while the thread waits: another party
     *     timed out, was interrupted or died, or {@link #reset()} was called
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return await(Long.MAX_VALUE);
        } catch (TimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * As {@link #await()}, breaking the barrier if the timeout passes first.
     *
     * @param timeout the longest time to wait; zero or less breaks the barrier at once unless this arrival trips it
     * @param unit the unit of {@code timeout}
     * @return the arrival index: {@code getParties() - 1} for the first to arrive, 0 for the last, which trips the
     *     barrier
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); a wait so ended breaks the barrier for the others
     * @throws BrokenBarrierException if the barrier is broken on entry or breaks while the thread waits: another party
     *     timed out, was interrupted or died, or {@link #reset()} was called
     * @throws TimeoutException if the timeout elapses before the barrier trips; the barrier is then broken for the
     *     others
     */
    public int await(long timeout, TimeUnit unit)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        return await(unit.toNanos(timeout));
    }

    /**
     * As {@link #await(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait; zero or negative breaks the barrier at once unless this arrival trips it
     * @return the arrival index: {@code getParties() - 1} for the first to arrive, 0 for the last, which trips the
     *     barrier
     * @throws InterruptedException if the thread is interrupted on entry or while waiting (noticed within one wait
     *     slice); a wait so ended breaks the barrier for the others
     * @throws BrokenBarrierException if the barrier is broken on entry or breaks while the thread waits: another party
     *     timed out, was interrupted or died, or {@link #reset()} was called
     * @throws TimeoutException if the timeout elapses before the barrier trips; the barrier is then broken for the
     *     others
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        return await(TimeUnit.NANOSECONDS.convert(timeout));
    }

    private int await(long nanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        long deadline = nanos > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + nanos;
        int index;
        int trips;
        int breaks;
        int seen;
        enter();
        try {
            if (isBroken()) {
                throw broken();
            }
            int arrived = partyTable.arrived();
            index = parties - 1 - arrived;
            if (arrived + 1 == parties) {
                fields.set(ARRIVED_OFFSET, 0);
                fields.set(TRIPS_OFFSET, fields.get(TRIPS_OFFSET) + 1);
                bumpAndWake();
                return 0;
            }
            partyTable.arrive(arrived);
            trips = fields.get(TRIPS_OFFSET);
            breaks = fields.get(BREAKS_OFFSET);
            seen = fields.get(SEQ_OFFSET);
        } finally {
            lock.unlockInternal();
        }
        while (true) {
            long remaining = deadline - System.nanoTime();
            boolean interrupted = false;
            if (remaining > 0) {
                try {
                    watch.sleep(seen, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                interrupted |= Thread.interrupted();
            }
            enter();
            try {
                // Trips first: our round ended with the first trip or break after our arrival, and a tripped
                // round is followed at once by the next, which may break before we wake (a party's next await
                // times out); a broken round is followed by a trip only after reset() and a whole round of
                // parties without us.
                if (fields.get(TRIPS_OFFSET) != trips) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    return index;
                }
                if (fields.get(BREAKS_OFFSET) != breaks) {
                    throw broken();
                }
                if (interrupted) {
                    breakBarrier(0, "a party in pid " + ProcessHandle.current().pid() + " was interrupted");
                    throw new InterruptedException("interrupted while waiting at shared barrier '" + name + "'");
                }
                if (deadline - System.nanoTime() <= 0) {
                    int arrived = fields.get(ARRIVED_OFFSET); // before breaking, which zeroes it
                    breakBarrier(
                            0,
                            "a party in pid " + ProcessHandle.current().pid() + " timed out with " + arrived + " of "
                                    + parties + " parties");
                    throw new TimeoutException("shared barrier '" + name + "' timed out with " + arrived + " of "
                            + parties + " parties; it is broken now");
                }
                int deadPid = partyTable.deadParty();
                if (deadPid != 0) {
                    breakBarrier(deadPid, deathCause(deadPid));
                    throw broken();
                }
                seen = fields.get(SEQ_OFFSET);
            } finally {
                lock.unlockInternal();
            }
        }
    }

    /**
     * Breaks the barrier for the parties waiting now, then makes it usable again for the next round, for the
     * members that are alive.
     */
    public void reset() {
        enter();
        try {
            int waiting = fields.get(ARRIVED_OFFSET);
            if (waiting > 0) {
                breakBarrier(
                        0, "reset() by pid " + ProcessHandle.current().pid() + " with " + waiting + " parties waiting");
            }
            partyTable.forgetDeadMembers();
            fields.set(ARRIVED_OFFSET, 0);
            fields.set(BROKEN_OFFSET, 0);
            fields.set(DEAD_PID_OFFSET, 0);
        } finally {
            lock.unlockInternal();
        }
    }

    private BrokenBarrierException broken() {
        return new BrokenBarrierException(
                "shared barrier '" + name + "' is broken" + brokenCause(fields) + "; reset() it to use it again");
    }

    private static String brokenCause(IntFields fields) {
        String death = deathCause(fields.get(DEAD_PID_OFFSET));
        return death == null ? "" : ": " + death;
    }

    /** The death a {@code dead_pid} field records, in words, or null if it records none. */
    private static String deathCause(int deadPid) {
        return deadPid > 0
                ? "party process " + deadPid + " died"
                : deadPid == DIED_INSIDE_LOCK
                        ? "a party process died while updating it"
                        : deadPid == PID_UNKNOWN ? "a party process died" : null;
    }

    /** The state of a barrier slot in words, for inspection: "1 of 3 parties waiting, 7 trips" or "broken: ...". */
    static String describe(IntFields fields) {
        if (fields.get(BROKEN_OFFSET) == 1) {
            return "broken" + brokenCause(fields);
        }
        return fields.get(ARRIVED_OFFSET) + " of " + fields.get(PARTIES_OFFSET) + " parties waiting, "
                + fields.get(TRIPS_OFFSET) + " trips";
    }

    /**
     * Breaks the barrier and reports it (docs/observability.md); call inside the internal lock.
     *
     * @param deadPid the {@code dead_pid} to record: 0 unless a party's death breaks it
     * @param cause what breaks it, in words, for the log and the Flight Recorder event
     */
    private void breakBarrier(int deadPid, String cause) {
        fields.set(BROKEN_OFFSET, 1);
        fields.set(DEAD_PID_OFFSET, deadPid);
        fields.set(ARRIVED_OFFSET, 0);
        fields.set(BREAKS_OFFSET, fields.get(BREAKS_OFFSET) + 1);
        bumpAndWake();
        Events.barrierBroken(region.name(), name, cause, Math.max(deadPid, 0), deadPid != 0);
    }

    private void bumpAndWake() {
        fields.set(SEQ_OFFSET, fields.get(SEQ_OFFSET) + 1);
        watch.wakeAll();
    }

    /** Takes the internal lock; a previous holder that died inside it breaks the barrier. */
    private void enter() {
        if (lock.lockInternal()) {
            breakBarrier(DIED_INSIDE_LOCK, deathCause(DIED_INSIDE_LOCK));
        }
    }

    /** Registers this process as a member, so that its death breaks the barrier. */
    private void join() {
        enter();
        try {
            partyTable.join();
        } finally {
            lock.unlockInternal();
        }
    }

    /** Unregisters this process (its region is closing normally): leaving is not dying. */
    void leave() {
        enter();
        try {
            partyTable.leave();
        } finally {
            lock.unlockInternal();
        }
    }

    @Override
    public String toString() {
        return "SharedBarrier[" + name + ", " + parties + " parties"
                + (region.isClosed()
                        ? ", region closed"
                        : isBroken() ? ", broken" : ", " + getNumberWaiting() + " waiting")
                + "]";
    }
}
