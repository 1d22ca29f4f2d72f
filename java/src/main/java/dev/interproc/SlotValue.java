package dev.interproc;

import java.lang.foreign.MemorySegment;

/**
 * What every shared value has: its region, its slot name, the address of its memory (see
 * {@link SlotMemory} for the access path and what closing does), and the lock that guards it.
 */
abstract class SlotValue extends SlotMemory {

    final String slot;
    private final SharedMutex lock;

    SlotValue(Region region, String slot, MemorySegment memory, SharedMutex lock) {
        super(region, memory);
        this.slot = slot;
        this.lock = lock;
    }

    /**
     * The slot's name.
     *
     * @return the name the value was created with
     */
    public String slotName() {
        return slot;
    }

    /**
     * The lock that guards this value for compound updates, like Python's {@code get_lock()}: the one it was
     * created with, or else its default {@link SharedRLock} (slot {@code "<slot>/lock"}), the same in every
     * process. Single operations of the value are atomic without it.
     *
     * @return the lock, the same in every process that uses this value
     */
    public SharedMutex getLock() {
        return lock != null ? lock : SharedRLock.find(new SlotDirectory(region), slot + "/lock");
    }
}
