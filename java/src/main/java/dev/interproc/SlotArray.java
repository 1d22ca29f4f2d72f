package dev.interproc;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** What the shared arrays have beyond a value: a length fixed when the slot is created, and index checks. */
abstract class SlotArray extends SlotValue {

    private final int length;

    SlotArray(SharedMemory region, String slot, MemorySegment memory, int length, SharedMutex lock) {
        super(region, slot, memory, lock);
        this.length = length;
    }

    /**
     * The number of elements.
     *
     * @return the length fixed when the slot was created
     */
    public int length() {
        return length;
    }

    /** The index as the element index of a VarHandle access, once checked against the length. */
    final long checked(int index) {
        return Objects.checkIndex(index, length);
    }
}
