package dev.interproc;

import dev.interproc.internal.events.Events;
import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.WordWatch;

/**
 * The per-process accounting of a {@link SharedSemaphore} slot, used inside its internal lock: the holder entry
 * of each process-table index (docs/layout.md, "Semaphore holder entry"), the undo of a dead process's holding
 * (as SysV's {@code SEM_UNDO}), and the check of the slot's words against its metadata.
 */
final class SemaphoreHoldings {

    private static final long AVAILABLE_OFFSET = RegionLayout.SEMAPHORE_AVAILABLE_OFFSET;
    private static final long INITIAL_OFFSET = RegionLayout.SEMAPHORE_INITIAL_OFFSET;
    private static final long BOUNDED_OFFSET = RegionLayout.SEMAPHORE_BOUNDED_OFFSET;
    private static final long SEQ_OFFSET = RegionLayout.SEMAPHORE_SEQ_OFFSET;
    private static final long HOLDERS_OFFSET = RegionLayout.SEMAPHORE_HOLDERS_OFFSET;
    private static final long HOLDER_SIZE = RegionLayout.SEMAPHORE_HOLDER_SIZE;
    private static final long HOLDER_TOKEN_OFFSET = RegionLayout.SEMAPHORE_HOLDER_TOKEN_OFFSET;
    private static final long HOLDER_PERMITS_OFFSET = RegionLayout.SEMAPHORE_HOLDER_PERMITS_OFFSET;

    private final Region region;
    private final String name;
    private final IntFields fields;
    private final WordWatch watch;
    private final ProcessTable processes;
    private final int maxProcesses;
    /** The initial permits and the bounded flag, as the slot's metadata says: the words must agree. */
    private final int initialPermits;

    private final boolean bounded;

    SemaphoreHoldings(
            Region region,
            String name,
            IntFields fields,
            WordWatch watch,
            int maxProcesses,
            int initialPermits,
            boolean bounded) {
        this.region = region;
        this.name = name;
        this.fields = fields;
        this.watch = watch;
        this.processes = region.processes();
        this.maxProcesses = maxProcesses;
        this.initialPermits = initialPermits;
        this.bounded = bounded;
    }

    /** Bytes of a semaphore slot in a region with this many process-table entries. */
    static long slotSize(int maxProcesses) {
        return HOLDERS_OFFSET + HOLDER_SIZE * maxProcesses;
    }

    /** Which word contradicts the slot's metadata, in words, or null. */
    String damagedWord() {
        int initial = fields.get(INITIAL_OFFSET);
        if (initial != initialPermits) {
            return "initial is " + initial + ", but its metadata says permits=" + initialPermits;
        }
        int boundedWord = fields.get(BOUNDED_OFFSET);
        if (boundedWord != (bounded ? 1 : 0)) {
            return "bounded is " + boundedWord + ", but its metadata says bounded=" + bounded;
        }
        int available = fields.get(AVAILABLE_OFFSET);
        if (available < 0 || (bounded && available > initialPermits)) {
            return "available is " + available + ", outside 0.." + (bounded ? initialPermits : Integer.MAX_VALUE);
        }
        return null;
    }

    /** Adds {@code delta} to this process's holding, after the caller changed {@code available} by it. */
    void adjustOwnHolding(int delta) {
        int token = region.ownerToken();
        long entry = holder(ProcessTable.indexOf(token));
        if (fields.get(entry + HOLDER_TOKEN_OFFSET) != token) {
            // The entry belonged to a process that is gone (its table entry is ours now). The caller has
            // already changed available by delta: record delta as our holding before recomputing, so that
            // undoing the dead holding keeps our change instead of handing its permits out a second time.
            int deadHolding = fields.get(entry + HOLDER_PERMITS_OFFSET);
            if (deadHolding != 0) {
                // An attach (ours or an earlier one) reclaimed the entry, and zeroed its pid.
                Events.permitsReturned(region.name(), name, deadHolding, 0);
            }
            fields.set(entry + HOLDER_TOKEN_OFFSET, token);
            fields.set(entry + HOLDER_PERMITS_OFFSET, delta);
            if (deadHolding != 0) {
                recompute();
            }
            return;
        }
        fields.set(entry + HOLDER_PERMITS_OFFSET, fields.get(entry + HOLDER_PERMITS_OFFSET) + delta);
    }

    /** Undoes the holdings of dead processes, if any. */
    void reclaimFromDeadProcesses() {
        for (int i = 0; i < maxProcesses; i++) {
            long entry = holder(i);
            int token = fields.get(entry + HOLDER_TOKEN_OFFSET);
            if (token != 0 && fields.get(entry + HOLDER_PERMITS_OFFSET) != 0 && !processes.isAlive(token)) {
                recompute();
                return;
            }
        }
    }

    /**
     * Drops the holdings of dead processes and sets available = initial - what live processes hold, within
     * [0, initial] for a bounded semaphore and >= 0 otherwise, then wakes the waiters. The same whatever a dead
     * process left half-done, because each process only ever changes its own holding and the shared count
     * together.
     */
    void recompute() {
        long held = 0;
        for (int i = 0; i < maxProcesses; i++) {
            long entry = holder(i);
            int token = fields.get(entry + HOLDER_TOKEN_OFFSET);
            if (token == 0) {
                continue;
            }
            if (token != region.ownerToken() && !processes.isAlive(token)) {
                int permits = fields.get(entry + HOLDER_PERMITS_OFFSET);
                if (permits != 0) {
                    Events.permitsReturned(region.name(), name, permits, processes.pidOf(token));
                }
                fields.set(entry + HOLDER_TOKEN_OFFSET, 0);
                fields.set(entry + HOLDER_PERMITS_OFFSET, 0);
            } else {
                held += fields.get(entry + HOLDER_PERMITS_OFFSET);
            }
        }
        long initial = fields.get(INITIAL_OFFSET);
        long available = Math.max(0, initial - held);
        if (fields.get(BOUNDED_OFFSET) == 1) {
            available = Math.min(available, initial);
        }
        fields.set(AVAILABLE_OFFSET, (int) Math.min(available, Integer.MAX_VALUE));
        fields.set(SEQ_OFFSET, fields.get(SEQ_OFFSET) + 1);
        watch.wakeAll();
    }

    private static long holder(int index) {
        return HOLDERS_OFFSET + HOLDER_SIZE * index;
    }
}
