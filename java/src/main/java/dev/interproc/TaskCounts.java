package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.WordWatch;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.StringJoiner;

/**
 * The task counts of a joinable queue slot, for one process (docs/layout.md, "Joinable queue slot"): the queue in the
 * slot's first bytes, whose every take counts a task in flight for the taking process, {@code taskDone} that ends
 * one, and {@code join}, which waits until the queue is empty and no live process has a task in flight, and gives up
 * the tasks of dead processes, reporting them. One instance per slot and process.
 */
final class TaskCounts {

    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final long DONE_SEQ = RegionLayout.TASKS_DONE_SEQ_OFFSET;
    private static final long JOINERS_WAITING = RegionLayout.TASKS_JOINERS_WAITING_OFFSET;
    private static final long ABANDONED = RegionLayout.TASKS_ABANDONED_OFFSET;
    private static final long LAST_DEAD_PID = RegionLayout.TASKS_LAST_DEAD_PID_OFFSET;
    private static final long LAST_DEAD_TASKS = RegionLayout.TASKS_LAST_DEAD_TASKS_OFFSET;
    private static final long IN_FLIGHT = RegionLayout.TASKS_IN_FLIGHT_OFFSET;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final Region region;
    private final String name;
    /** The task counts, after the ring. */
    private final MemorySegment tasks;

    private final IntFields fields;
    private final WordWatch doneSeq;
    private final ProcessTable processes;
    private final int token;
    /** Offset in {@link #tasks} of this process's in-flight word. */
    private final long mine;
    /** The queue of the slot: each take counts a task for this process. */
    final SharedQueue queue;

    /** The bytes of the task counts for a region of {@code entries} process-table entries. */
    static long bytes(int entries) {
        return IN_FLIGHT + (long) Long.BYTES * entries;
    }

    TaskCounts(Region region, String name, MemorySegment slot, long capacity, int maxMessage) {
        this.region = region;
        this.name = name;
        long ringEnd = QueueRing.RING_OFFSET + capacity;
        this.tasks = slot.asSlice(ringEnd);
        this.fields = new IntFields(region, tasks);
        this.doneSeq = new WordWatch(tasks.asSlice(DONE_SEQ, Integer.BYTES));
        this.processes = region.processes();
        this.token = region.ownerToken();
        this.mine = IN_FLIGHT + (long) Long.BYTES * ProcessTable.indexOf(token);
        this.queue = SharedQueue.inside(region, name, slot.asSlice(0, ringEnd), capacity, maxMessage, this::taken);
    }

    /** Counts a task taken by this process; runs inside the consumers' lock, before {@code head} moves. */
    private void taken() {
        while (true) {
            long word = longAt(mine);
            int owner = (int) (word >>> 32);
            if (owner != token) {
                // The first take since this process took the entry over: the entry's previous owner is dead, and
                // what it left in flight is given up as a joiner would.
                if (LONG.compareAndSet(tasks, mine, word, (long) token << 32)) {
                    gaveUp(owner, (int) (word & COUNT_MASK));
                }
            } else if (LONG.compareAndSet(tasks, mine, word, word + 1)) {
                return;
            }
        }
    }

    /** See {@link JoinableQueue#taskDone()}. */
    void done() {
        while (true) {
            long word = longAt(mine);
            long count = word & COUNT_MASK;
            if ((int) (word >>> 32) != token || count == 0) {
                throw new IllegalStateException("taskDone() on joinable queue '" + name + "' called more times than"
                        + " this process took tasks from it (Python's ValueError: task_done() called too many times)");
            }
            if (LONG.compareAndSet(tasks, mine, word, word - 1)) {
                if (count == 1) {
                    wakeJoiners();
                }
                return;
            }
        }
    }

    /**
     * See {@link JoinableQueue#join(java.time.Duration)}.
     *
     * @param nanos how long to wait, {@code Long.MAX_VALUE} for no limit
     * @return false if the time ran out
     */
    boolean join(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before joining queue '" + name + "'");
        }
        long abandonedBefore = longAt(ABANDONED);
        long now = System.nanoTime();
        long deadline = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
        while (true) {
            QueueRing.Slept slept = QueueRing.sleepUnless(
                    fields, JOINERS_WAITING, DONE_SEQ, doneSeq, () -> allDone(abandonedBefore), deadline);
            if (slept != QueueRing.Slept.SLEPT) {
                return slept == QueueRing.Slept.READY;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while joining queue '" + name + "'");
            }
        }
    }

    /**
     * Whether the queue is empty and no live process has a task in flight.
     *
     * @throws TasksAbandonedException if tasks were given up since {@code abandoned} was {@code abandonedBefore}
     */
    private boolean allDone(long abandonedBefore) {
        boolean busy = !queue.isEmpty() | anyInFlight();
        long abandoned = longAt(ABANDONED);
        if (abandoned != abandonedBefore) {
            int pid = fields.get(LAST_DEAD_PID);
            throw new TasksAbandonedException(
                    "joinable queue '" + name + "': "
                            + (pid > 0 ? "process " + pid : "a process whose entry was reused") + " died with "
                            + fields.get(LAST_DEAD_TASKS) + " task(s) taken and not marked done ("
                            + (abandoned - abandonedBefore) + " given up during this join); they are counted done",
                    pid,
                    abandoned - abandonedBefore);
        }
        return !busy;
    }

    /** Whether a live process has a task in flight; gives up the tasks of dead ones on the way. */
    private boolean anyInFlight() {
        boolean any = false;
        for (int index = 0, entries = processes.capacity(); index < entries; index++) {
            long at = IN_FLIGHT + (long) Long.BYTES * index;
            long word = longAt(at);
            int count = (int) (word & COUNT_MASK);
            if (count == 0) {
                continue;
            }
            int owner = ownerOf(index, word);
            if (owner == token || processes.isAlive(owner)) {
                any = true;
            } else if (LONG.compareAndSet(tasks, at, word, (long) owner << 32)) {
                gaveUp(owner, count);
            }
        }
        return any;
    }

    /**
     * Records the {@code count} tasks of the dead {@code owner}, whose in-flight count this thread just cleared: adds
     * them to {@code abandoned}, names the process, and wakes the joiners.
     */
    private void gaveUp(int owner, int count) {
        if (count == 0) {
            return;
        }
        int pid = processes.pidOf(owner);
        fields.set(LAST_DEAD_PID, pid > 0 ? pid : RegionLayout.BARRIER_PID_UNKNOWN);
        fields.set(LAST_DEAD_TASKS, count);
        LONG.getAndAdd(tasks, ABANDONED, (long) count);
        fields.add(DONE_SEQ, 1);
        doneSeq.wakeAll();
    }

    /** Tasks in flight in live processes and messages held: Python's {@code unfinished_tasks}, a snapshot. */
    long unfinished() {
        long inFlight = 0;
        for (int index = 0, entries = processes.capacity(); index < entries; index++) {
            long word = longAt(IN_FLIGHT + (long) Long.BYTES * index);
            if ((word & COUNT_MASK) != 0 && processes.isAlive(ownerOf(index, word))) {
                inFlight += word & COUNT_MASK;
            }
        }
        return queue.size() + inFlight;
    }

    /**
     * The owner token of the in-flight word {@code word} of entry {@code index}, which has a count.
     *
     * @throws IncompatibleRegionException if the token is not one of that entry
     */
    private int ownerOf(int index, long word) {
        int owner = (int) (word >>> 32);
        if (ProcessTable.indexOf(owner) != index) {
            throw damaged("in_flight[" + index + "] is " + word + ": it counts tasks of owner token " + owner
                    + ", which is not a token of process-table entry " + index);
        }
        return owner;
    }

    /** Tasks of dead processes given up since the queue was created. */
    long abandoned() {
        return longAt(ABANDONED);
    }

    private void wakeJoiners() {
        if (fields.get(JOINERS_WAITING) != 0) {
            fields.add(DONE_SEQ, 1);
            doneSeq.wakeAll();
        }
    }

    private long longAt(long offset) {
        try {
            return (long) LONG.getVolatile(tasks, offset);
        } catch (IllegalStateException closed) {
            throw region.isClosed() ? region.closedError(closed) : closed;
        }
    }

    private IncompatibleRegionException damaged(String what) {
        return new IncompatibleRegionException(
                "region '" + region.name() + "' is damaged: joinable queue '" + name + "' field " + what
                        + "; remove the region (interproc rm) and create it again",
                RegionLayout.E_CORRUPT);
    }

    /**
     * A joinable queue slot for tools: the queue's state, then "3 tasks in flight (pid 12: 2, pid 14: 1), 1 given
     * up (pid 13 died with 1)".
     */
    static SlotType.Described describe(SlotType.Stored slot) {
        ProcessTable processes = slot.region().processes();
        long capacity = slot.value().byteSize() - QueueRing.RING_OFFSET - bytes(processes.capacity());
        StringBuilder state = new StringBuilder(QueueRing.describe(slot, capacity));
        MemorySegment tasks = slot.value().asSlice(QueueRing.RING_OFFSET + capacity);
        long inFlight = 0;
        StringJoiner holders = new StringJoiner(", ", " (", ")");
        for (int index = 0; index < processes.capacity(); index++) {
            long word = (long) LONG.getVolatile(tasks, IN_FLIGHT + (long) Long.BYTES * index);
            int owner = (int) (word >>> 32);
            long count = word & COUNT_MASK;
            if (count != 0) {
                inFlight += count;
                int pid = processes.pidOf(owner);
                boolean alive = ProcessTable.indexOf(owner) == index && processes.isAlive(owner);
                holders.add((pid > 0 ? "pid " + pid : "entry " + index) + (alive ? "" : " (dead)") + ": " + count);
            }
        }
        state.append("; ")
                .append(inFlight)
                .append(inFlight == 1 ? " task" : " tasks")
                .append(" in flight");
        if (inFlight != 0) {
            state.append(holders);
        }
        long abandoned = (long) LONG.getVolatile(tasks, ABANDONED);
        if (abandoned != 0) {
            int pid = tasks.get(JAVA_INT, LAST_DEAD_PID);
            state.append(", ")
                    .append(abandoned)
                    .append(" given up (last: ")
                    .append(pid > 0 ? "pid " + pid : "a process whose entry was reused")
                    .append(" died with ")
                    .append(tasks.get(JAVA_INT, LAST_DEAD_TASKS))
                    .append(")");
        }
        return SlotType.Described.state(state.toString());
    }
}
