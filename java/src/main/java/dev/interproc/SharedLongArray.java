package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A fixed-length array of {@code long} shared between processes, with the per-element operations of
 * {@link java.util.concurrent.atomic.AtomicLongArray}. Obtain one with
 * {@link SharedMemory#sharedLongArray(String, int)}; its length is fixed when the slot is created.
 *
 * <p>Each element operation is one VarHandle access with the memory-ordering semantics its name says
 * (volatile for {@link #get} and {@link #set}, acquire/release, opaque) and the read-modify-writes are
 * atomic across processes. An index outside {@code [0, length())} throws {@link IndexOutOfBoundsException}
 * before memory is touched. No operation calls native code.
 *
 * <p>Safe for use by any number of threads. After the region is closed every operation throws
 * {@link IllegalStateException}.
 */
public final class SharedLongArray extends SlotArray {

    private static final VarHandle ELEMENT = JAVA_LONG.varHandle();

    /** The long array slot called {@code slot} of {@code length} elements; see {@link SharedMemory#sharedLongArray}. */
    static SharedLongArray find(SlotDirectory slots, String slot, int length, SharedMutex lock) {
        MemorySegment memory = slots.ensure(
                slot, SlotDirectory.Spec.zeroed(SlotType.LONG_ARRAY, checkLength(slot, length) * Long.BYTES));
        return new SharedLongArray(slots.region(), slot, memory, length, lock);
    }

    SharedLongArray(Region region, String slot, MemorySegment memory, int length, SharedMutex lock) {
        super(region, slot, memory, length, lock);
    }

    /** Reads element {@code index} with volatile semantics. */
    public long get(int index) {
        long i = checked(index);
        return fromRegion((long) ELEMENT.getVolatile(ALL_MEMORY, address() + i * Long.BYTES));
    }

    /**
     * Writes element {@code index} with volatile semantics, as an atomic exchange: on x86-64 one {@code xchg}, like C11's
     * {@code atomic_store}, rather than a volatile store's {@code mov} + {@code lock add}.
     */
    public void set(int index, long newValue) {
        long i = checked(index);
        ELEMENT.getAndSet(ALL_MEMORY, address() + i * Long.BYTES, newValue);
        confirmAccess();
    }

    /** Reads element {@code index} with acquire semantics. */
    public long getAcquire(int index) {
        long i = checked(index);
        return fromRegion((long) ELEMENT.getAcquire(ALL_MEMORY, address() + i * Long.BYTES));
    }

    /** Writes element {@code index} with release semantics. */
    public void setRelease(int index, long newValue) {
        long i = checked(index);
        ELEMENT.setRelease(ALL_MEMORY, address() + i * Long.BYTES, newValue);
        confirmAccess();
    }

    /** Reads element {@code index} in opaque mode. */
    public long getOpaque(int index) {
        long i = checked(index);
        return fromRegionOpaque((long) ELEMENT.getOpaque(ALL_MEMORY, address() + i * Long.BYTES));
    }

    /** Writes element {@code index} in opaque mode. */
    public void setOpaque(int index, long newValue) {
        long i = checked(index);
        ELEMENT.setOpaque(ALL_MEMORY, address() + i * Long.BYTES, newValue);
        confirmAccess();
    }

    /** Atomically sets element {@code index} and returns its old value. */
    public long getAndSet(int index, long newValue) {
        long i = checked(index);
        return fromRegion((long) ELEMENT.getAndSet(ALL_MEMORY, address() + i * Long.BYTES, newValue));
    }

    /** Atomically sets element {@code index} to {@code newValue} if it is {@code expectedValue}. */
    public boolean compareAndSet(int index, long expectedValue, long newValue) {
        long i = checked(index);
        return fromRegion(ELEMENT.compareAndSet(ALL_MEMORY, address() + i * Long.BYTES, expectedValue, newValue));
    }

    /** As {@link #compareAndSet(int, long, long)}, returning the witnessed value. */
    public long compareAndExchange(int index, long expectedValue, long newValue) {
        long i = checked(index);
        return fromRegion(
                (long) ELEMENT.compareAndExchange(ALL_MEMORY, address() + i * Long.BYTES, expectedValue, newValue));
    }

    /** Atomically adds {@code delta} to element {@code index} and returns its old value. */
    public long getAndAdd(int index, long delta) {
        long i = checked(index);
        return fromRegion((long) ELEMENT.getAndAdd(ALL_MEMORY, address() + i * Long.BYTES, delta));
    }

    /** Atomically adds {@code delta} to element {@code index} and returns its new value. */
    public long addAndGet(int index, long delta) {
        return getAndAdd(index, delta) + delta;
    }

    /** Atomically adds one to element {@code index} and returns its new value. */
    public long incrementAndGet(int index) {
        return getAndAdd(index, 1) + 1;
    }

    /** Atomically subtracts one from element {@code index} and returns its new value. */
    public long decrementAndGet(int index) {
        return getAndAdd(index, -1) - 1;
    }

    /** Atomically replaces element {@code index} with {@code update} applied to it; returns the new value. */
    public long updateAndGet(int index, LongUnaryOperator update) {
        long previous = get(index);
        while (true) {
            long next = update.applyAsLong(previous);
            long witnessed = compareAndExchange(index, previous, next);
            if (witnessed == previous) {
                return next;
            }
            previous = witnessed;
        }
    }

    /** Atomically combines element {@code index} with {@code x}; returns the new value. */
    public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
        return updateAndGet(index, current -> accumulator.applyAsLong(current, x));
    }

    /** A copy of all elements, each read with volatile semantics (not one atomic snapshot). */
    public long[] toArray() {
        long[] copy = new long[length()];
        for (int i = 0; i < length(); i++) {
            copy[i] = get(i);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "SharedLongArray[" + slot + ", length " + length() + "]";
    }
}
