package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The 32-bit fields of a coordination slot (condition, semaphore, event, barrier), read and written with
 * volatile semantics at named offsets; an access after the region closed throws the region's
 * {@link IllegalStateException}.
 */
final class IntFields {

    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Region region;
    private final MemorySegment memory;

    IntFields(Region region, MemorySegment memory) {
        this.region = region;
        this.memory = memory;
    }

    int get(long offset) {
        try {
            return (int) INT.getVolatile(memory, offset);
        } catch (IllegalStateException closed) {
            throw region.closedError(closed);
        }
    }

    boolean compareAndSet(long offset, int expected, int value) {
        try {
            return INT.compareAndSet(memory, offset, expected, value);
        } catch (IllegalStateException closed) {
            throw region.closedError(closed);
        }
    }

    /** Adds {@code delta} to the field at {@code offset} atomically. */
    void add(long offset, int delta) {
        try {
            INT.getAndAdd(memory, offset, delta);
        } catch (IllegalStateException closed) {
            throw region.closedError(closed);
        }
    }

    void set(long offset, int value) {
        try {
            INT.setVolatile(memory, offset, value);
        } catch (IllegalStateException closed) {
            throw region.closedError(closed);
        }
    }
}
