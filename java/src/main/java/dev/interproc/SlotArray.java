package dev.interproc;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** What the shared arrays have beyond a value: a length fixed when the slot is created, and index checks. */
abstract class SlotArray extends SlotValue {

    private final int length;

    SlotArray(Region region, String slot, MemorySegment memory, int length, SharedMutex lock) {
        super(region, slot, memory, lock);
        this.length = length;
    }

    /**
     * The length of a new array slot, once checked.
     *
     * @param slot the slot's name, for the message
     * @param length the number of elements asked for
     * @return {@code length}, as a factor of the slot's byte size
     * @throws IllegalArgumentException if {@code length} is not positive
     */
    static long checkLength(String slot, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("array slot '" + slot + "' needs a positive length, was " + length);
        }
        return length;
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
