package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

/**
 * An {@code int} shared between processes, with the operations of {@link java.util.concurrent.atomic.AtomicInteger}.
 * Obtain one with {@link SharedMemory#sharedInt(String, int)}.
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
public final class SharedInt extends SlotValue {

    private static final VarHandle VALUE = JAVA_INT.varHandle();

    /** The int slot called {@code slot}, created with {@code initialValue}; see {@link SharedMemory#sharedInt}. */
    static SharedInt find(SlotDirectory slots, String slot, int initialValue, SharedMutex lock) {
        MemorySegment memory = slots.ensure(
                slot,
                SlotDirectory.Spec.initialised(
                        SlotType.INT, Integer.BYTES, Integer.BYTES, init -> init.set(JAVA_INT, 0, initialValue)));
        return new SharedInt(slots.region(), slot, memory, lock);
    }

    SharedInt(Region region, String slot, MemorySegment memory, SharedMutex lock) {
        super(region, slot, memory, lock);
    }

    /**
     * Reads the value with volatile semantics.
     *
     * @return the current value
     */
    public int get() {
        return fromRegion((int) VALUE.getVolatile(ALL_MEMORY, address()));
    }

    /**
     * Writes the value with volatile semantics, as an atomic exchange: on x86-64 one {@code xchg}, like C11's
     * {@code atomic_store}, rather than a volatile store's {@code mov} + {@code lock add}.
     *
     * @param newValue the new value
     */
    public void set(int newValue) {
        VALUE.getAndSet(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Reads the value with acquire semantics.
     *
     * @return the current value
     */
    public int getAcquire() {
        return fromRegion((int) VALUE.getAcquire(ALL_MEMORY, address()));
    }

    /**
     * Writes the value with release semantics.
     *
     * @param newValue the new value
     */
    public void setRelease(int newValue) {
        VALUE.setRelease(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Reads the value in opaque mode (coherent, no ordering with other accesses).
     *
     * @return the current value
     */
    public int getOpaque() {
        return fromRegionOpaque((int) VALUE.getOpaque(ALL_MEMORY, address()));
    }

    /**
     * Writes the value in opaque mode.
     *
     * @param newValue the new value
     */
    public void setOpaque(int newValue) {
        VALUE.setOpaque(ALL_MEMORY, address(), newValue);
        confirmAccess();
    }

    /**
     * Atomically sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public int getAndSet(int newValue) {
        return fromRegion((int) VALUE.getAndSet(ALL_MEMORY, address(), newValue));
    }

    /**
     * Atomically sets the value to {@code newValue} if it is {@code expectedValue}.
     *
     * @param expectedValue the value it must have
     * @param newValue the new value
     * @return {@code true} if it was set, {@code false} if the value was not {@code expectedValue}
     */
    public boolean compareAndSet(int expectedValue, int newValue) {
        return fromRegion(VALUE.compareAndSet(ALL_MEMORY, address(), expectedValue, newValue));
    }

    /**
     * Atomically sets the value to {@code newValue} if it is {@code expectedValue}.
     *
     * @param expectedValue the value it must have
     * @param newValue the new value
     * @return the value witnessed, which equals {@code expectedValue} if and only if it was set
     */
    public int compareAndExchange(int expectedValue, int newValue) {
        return fromRegion((int) VALUE.compareAndExchange(ALL_MEMORY, address(), expectedValue, newValue));
    }

    /**
     * Atomically adds {@code delta}, wrapping around on overflow.
     *
     * @param delta the value to add
     * @return the previous value
     */
    public int getAndAdd(int delta) {
        return fromRegion((int) VALUE.getAndAdd(ALL_MEMORY, address(), delta));
    }

    /**
     * Atomically adds {@code delta}, wrapping around on overflow.
     *
     * @param delta the value to add
     * @return the updated value
     */
    public int addAndGet(int delta) {
        return getAndAdd(delta) + delta;
    }

    /**
     * Atomically adds one, wrapping around on overflow.
     *
     * @return the previous value
     */
    public int getAndIncrement() {
        return getAndAdd(1);
    }

    /**
     * Atomically adds one, wrapping around on overflow.
     *
     * @return the updated value
     */
    public int incrementAndGet() {
        return getAndAdd(1) + 1;
    }

    /**
     * Atomically subtracts one, wrapping around on overflow.
     *
     * @return the previous value
     */
    public int getAndDecrement() {
        return getAndAdd(-1);
    }

    /**
     * Atomically subtracts one, wrapping around on overflow.
     *
     * @return the updated value
     */
    public int decrementAndGet() {
        return getAndAdd(-1) - 1;
    }

    /**
     * Atomically replaces the value with {@code update} applied to it and returns the old value. The function
     * may run several times under contention, so it must be free of side effects.
     *
     * @param update the function to apply, free of side effects
     * @return the previous value
     */
    public int getAndUpdate(IntUnaryOperator update) {
        int previous = get();
        while (true) {
            int witnessed = compareAndExchange(previous, update.applyAsInt(previous));
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
    public int updateAndGet(IntUnaryOperator update) {
        int previous = get();
        while (true) {
            int next = update.applyAsInt(previous);
            int witnessed = compareAndExchange(previous, next);
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
    public int getAndAccumulate(int x, IntBinaryOperator accumulator) {
        return getAndUpdate(current -> accumulator.applyAsInt(current, x));
    }

    /**
     * Atomically replaces the value with {@code accumulator} applied to it and {@code x}. The function may run
     * several times under contention, so it must be free of side effects.
     *
     * @param x the second argument of {@code accumulator}
     * @param accumulator the function of the current value and {@code x}, free of side effects
     * @return the updated value
     */
    public int accumulateAndGet(int x, IntBinaryOperator accumulator) {
        return updateAndGet(current -> accumulator.applyAsInt(current, x));
    }

    @Override
    public String toString() {
        return "SharedInt[" + slot + "=" + (region.isClosed() ? "(closed)" : String.valueOf(get())) + "]";
    }
}
