package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A {@code long} shared between processes, with the operations of {@link java.util.concurrent.atomic.AtomicLong}.
 * Obtain one with {@link SharedMemory#sharedLong(String, long)}.
 *
 * <p>Every operation is one VarHandle access to the mapped memory, with the memory-ordering semantics its
 * name says: {@link #get()} and {@link #set} are volatile, {@code *Acquire} / {@code *Release} and
 * {@code *Opaque} are the VarHandle modes of those names, and the read-modify-write operations are
 * atomic across processes (a {@code lock}-prefixed instruction on x86-64), with volatile semantics. No
 * operation calls native code.
 *
 * <p>Safe for use by any number of threads. After the region is closed every operation throws
 * {@link IllegalStateException}.
 */
public final class SharedLong extends SlotValue {

    private static final VarHandle VALUE = JAVA_LONG.varHandle();

    /** The long slot called {@code slot}, created with {@code initialValue}; see {@link SharedMemory#sharedLong}. */
    static SharedLong find(SlotDirectory slots, String slot, long initialValue, SharedMutex lock) {
        MemorySegment memory = slots.ensure(
                slot,
                SlotDirectory.Spec.initialised(
                        SlotType.LONG, Long.BYTES, Long.BYTES, init -> init.set(JAVA_LONG, 0, initialValue)));
        return new SharedLong(slots.region(), slot, memory, lock);
    }

    SharedLong(Region region, String slot, MemorySegment memory, SharedMutex lock) {
        super(region, slot, memory, lock);
    }

    /**
     * Reads the value with volatile semantics.
     *
     * @return the current value
     */
    public long get() {
        return fromRegion((long) VALUE.getVolatile(ALL_MEMORY, address()));
    }

    /**
     * Writes the value with volatile semantics, as an atomic exchange: on x86-64 one {@code xchg}, like C11's
     * {@code atomic_store}, rather than a volatile store's {@code mov} + {@code lock add}.
     *
     * @param newValue the new value
     */
    public void set(long newValue) {
        VALUE.getAndSet(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Reads the value with acquire semantics.
     *
     * @return the current value
     */
    public long getAcquire() {
        return fromRegion((long) VALUE.getAcquire(ALL_MEMORY, address()));
    }

    /**
     * Writes the value with release semantics.
     *
     * @param newValue the new value
     */
    public void setRelease(long newValue) {
        VALUE.setRelease(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Reads the value in opaque mode (coherent, no ordering with other accesses).
     *
     * @return the current value
     */
    public long getOpaque() {
        return fromRegionOpaque((long) VALUE.getOpaque(ALL_MEMORY, address()));
    }

    /**
     * Writes the value in opaque mode.
     *
     * @param newValue the new value
     */
    public void setOpaque(long newValue) {
        VALUE.setOpaque(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Atomically sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public long getAndSet(long newValue) {
        return fromRegion((long) VALUE.getAndSet(ALL_MEMORY, address(), newValue));
    }

    /**
     * Atomically sets the value to {@code newValue} if it is {@code expectedValue}.
     *
     * @param expectedValue the value it must have
     * @param newValue the new value
     * @return {@code true} if it was set, {@code false} if the value was not {@code expectedValue}
     */
    public boolean compareAndSet(long expectedValue, long newValue) {
        return fromRegion(VALUE.compareAndSet(ALL_MEMORY, address(), expectedValue, newValue));
    }

    /**
     * Atomically sets the value to {@code newValue} if it is {@code expectedValue}.
     *
     * @param expectedValue the value it must have
     * @param newValue the new value
     * @return the value witnessed, which equals {@code expectedValue} if and only if it was set
     */
    public long compareAndExchange(long expectedValue, long newValue) {
        return fromRegion((long) VALUE.compareAndExchange(ALL_MEMORY, address(), expectedValue, newValue));
    }

    /**
     * Atomically adds {@code delta}, wrapping around on overflow.
     *
     * @param delta the value to add
     * @return the previous value
     */
    public long getAndAdd(long delta) {
        return fromRegion((long) VALUE.getAndAdd(ALL_MEMORY, address(), delta));
    }

    /**
     * Atomically adds {@code delta}, wrapping around on overflow.
     *
     * @param delta the value to add
     * @return the updated value
     */
    public long addAndGet(long delta) {
        return getAndAdd(delta) + delta;
    }

    /**
     * Atomically adds one, wrapping around on overflow.
     *
     * @return the previous value
     */
    public long getAndIncrement() {
        return getAndAdd(1);
    }

    /**
     * Atomically adds one, wrapping around on overflow.
     *
     * @return the updated value
     */
    public long incrementAndGet() {
        return getAndAdd(1) + 1;
    }

    /**
     * Atomically subtracts one, wrapping around on overflow.
     *
     * @return the previous value
     */
    public long getAndDecrement() {
        return getAndAdd(-1);
    }

    /**
     * Atomically subtracts one, wrapping around on overflow.
     *
     * @return the updated value
     */
    public long decrementAndGet() {
        return getAndAdd(-1) - 1;
    }

    /**
     * Atomically replaces the value with {@code update} applied to it and returns the old value. The function
     * may run several times under contention, so it must be free of side effects.
     *
     * @param update the function to apply, free of side effects
     * @return the previous value
     */
    public long getAndUpdate(LongUnaryOperator update) {
        long previous = get();
        while (true) {
            long witnessed = compareAndExchange(previous, update.applyAsLong(previous));
            if (witnessed == previous) {
                return previous;
            }
            previous = witnessed;
        }
    }

    /**
     * Atomically replaces the value with {@code update} applied to it. The function may run several times
     * under contention, so it must be free of side effects.
     *
     * @param update the function to apply, free of side effects
     * @return the updated value
     */
    public long updateAndGet(LongUnaryOperator update) {
        long previous = get();
        while (true) {
            long next = update.applyAsLong(previous);
            long witnessed = compareAndExchange(previous, next);
            if (witnessed == previous) {
                return next;
            }
            previous = witnessed;
        }
    }

    /**
     * Atomically replaces the value with {@code accumulator} applied to it and {@code x}. The function may run
     * several times under contention, so it must be free of side effects.
     *
     * @param x the second argument of {@code accumulator}
     * @param accumulator the function of the current value and {@code x}, free of side effects
     * @return the previous value
     */
    public long getAndAccumulate(long x, LongBinaryOperator accumulator) {
        return getAndUpdate(current -> accumulator.applyAsLong(current, x));
    }

    /**
     * Atomically replaces the value with {@code accumulator} applied to it and {@code x}. The function may run
     * several times under contention, so it must be free of side effects.
     *
     * @param x the second argument of {@code accumulator}
     * @param accumulator the function of the current value and {@code x}, free of side effects
     * @return the updated value
     */
    public long accumulateAndGet(long x, LongBinaryOperator accumulator) {
        return updateAndGet(current -> accumulator.applyAsLong(current, x));
    }

    @Override
    public String toString() {
        return "SharedLong[" + slot + "=" + (region.isClosed() ? "(closed)" : String.valueOf(get())) + "]";
    }
}
