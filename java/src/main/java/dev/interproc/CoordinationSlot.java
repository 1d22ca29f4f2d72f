package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.WordWatch;
import java.lang.foreign.MemorySegment;

/**
 * What every coordination object (condition, semaphore, event, barrier) is made of: its slot's name, its
 * 32-bit fields, and the word its waiters sleep on; for those guarded by an internal lock, the lock word at the
 * start of the slot. The layouts of the slots are specified in docs/layout.md, "Coordination slots".
 */
abstract class CoordinationSlot {

    final Region region;
    final String name;
    /** The slot's 32-bit fields, by offset from the start of the slot. */
    final IntFields fields;
    /** The word waiters sleep on, and that every change they wait for wakes. */
    final WordWatch watch;

    /**
     * @param memory the slot's memory
     * @param watchedOffset the offset in the slot of the 32-bit word waiters sleep on
     */
    CoordinationSlot(Region region, String name, MemorySegment memory, long watchedOffset) {
        this.region = region;
        this.name = name;
        this.fields = new IntFields(region, memory);
        this.watch = new WordWatch(memory.asSlice(watchedOffset, Integer.BYTES));
    }

    /**
     * The internal lock of a slot guarded by one: the lock word at {@code lockOffset} in the slot.
     *
     * @param kind what the slot is, for messages: "semaphore", "barrier"
     */
    LockWord internalLock(String kind, MemorySegment memory, long lockOffset) {
        return new LockWord(
                region,
                memory.asSlice(lockOffset, RegionLayout.LOCK_SIZE),
                kind + " '" + name + "' (its internal lock)");
    }

    /**
     * The slot name of this object.
     *
     * @return the name it was created with in its region
     */
    public String name() {
        return name;
    }
}
