package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A {@code double} shared between processes. Obtain one with {@link SharedMemory#sharedDouble(String, double)}.
 *
 * <p>The value is stored as its IEEE 754 bits ({@link Double#doubleToRawLongBits}) in a 64-bit word, so
 * {@link #compareAndSet} compares bit patterns, as Guava's AtomicDouble does: {@code 0.0} and {@code -0.0}
 * differ and a NaN matches only the same NaN. {@link #get()} and {@link #set} are volatile; the
 * read-modify-writes are atomic across processes ({@link #addAndGet} is a compare-and-set loop). No
 * operation calls native code.
 *
 * <p>Safe for use by any number of threads. After the region is closed every operation throws
 * {@link IllegalStateException}.
 */
public final class SharedDouble extends SlotValue {

    private static final VarHandle BITS = JAVA_LONG.varHandle();

    /** The double slot called {@code slot}, created with {@code initialValue}; see {@link SharedMemory#sharedDouble}. */
    static SharedDouble find(SlotDirectory slots, String slot, double initialValue, SharedMutex lock) {
        MemorySegment memory = slots.ensure(
                slot,
                SlotDirectory.Spec.initialised(
                        SlotType.DOUBLE, Double.BYTES, Double.BYTES, init -> init.set(JAVA_DOUBLE, 0, initialValue)));
        return new SharedDouble(slots.region(), slot, memory, lock);
    }

    SharedDouble(Region region, String slot, MemorySegment memory, SharedMutex lock) {
        super(region, slot, memory, lock);
    }

    /**
     * Reads the value with volatile semantics.
     *
     * @return the current value
     */
    public double get() {
        return Double.longBitsToDouble(fromRegion((long) BITS.getVolatile(ALL_MEMORY, address())));
    }

    /**
     * Writes the value with volatile semantics, as an atomic exchange: on x86-64 one {@code xchg}, like C11's
     * {@code atomic_store}, rather than a volatile store's {@code mov} + {@code lock add}.
     *
     * @param newValue the new value
     */
    public void set(double newValue) {
        BITS.getAndSet(ALL_MEMORY, address(), Double.doubleToRawLongBits(newValue));
        confirmAccess();
    }

    /**
     * Reads the value with acquire semantics.
     *
     * @return the current value
     */
    public double getAcquire() {
        return Double.longBitsToDouble(fromRegion((long) BITS.getAcquire(ALL_MEMORY, address())));
    }

    /**
     * Writes the value with release semantics.
     *
     * @param newValue the new value
     */
    public void setRelease(double newValue) {
        BITS.setRelease(ALL_MEMORY, address(), Double.doubleToRawLongBits(newValue));
        confirmAccess();
    }

    /**
     * Atomically sets the value and returns the old one.
     *
     * @param newValue the new value
     * @return the previous value
     */
    public double getAndSet(double newValue) {
        long previous = (long) BITS.getAndSet(ALL_MEMORY, address(), Double.doubleToRawLongBits(newValue));
        return Double.longBitsToDouble(fromRegion(previous));
    }

    /**
     * Atomically sets the value to {@code newValue} if its bits equal those of {@code expectedValue}.
     *
     * @param expectedValue the value it must have, compared by its raw bits (so {@code -0.0} differs from {@code 0.0}
     *     and a NaN matches only the same NaN bits)
     * @param newValue the new value
     * @return {@code true} if it was set, {@code false} if the bits differed
     */
    public boolean compareAndSet(double expectedValue, double newValue) {
        return fromRegion(BITS.compareAndSet(
                ALL_MEMORY,
                address(),
                Double.doubleToRawLongBits(expectedValue),
                Double.doubleToRawLongBits(newValue)));
    }

    /**
     * Atomically adds {@code delta} and returns the new value.
     *
     * @param delta the value to add
     * @return the updated value
     */
    public double addAndGet(double delta) {
        return updateAndGet(current -> current + delta);
    }

    /**
     * Atomically adds {@code delta} and returns the old value.
     *
     * @param delta the value to add
     * @return the previous value
     */
    public double getAndAdd(double delta) {
        while (true) {
            double previous = get();
            if (compareAndSet(previous, previous + delta)) {
                return previous;
            }
        }
    }

    /**
     * Atomically replaces the value with {@code update} applied to it; the function must be side-effect free.
     *
     * @param update the function to apply, free of side effects: it may run several times under contention
     * @return the updated value
     */
    public double updateAndGet(DoubleUnaryOperator update) {
        while (true) {
            double previous = get();
            double next = update.applyAsDouble(previous);
            if (compareAndSet(previous, next)) {
                return next;
            }
        }
    }

    /**
     * Atomically combines the value with {@code x}; returns the new value.
     *
     * @param x the second argument of {@code accumulator}
     * @param accumulator the function of the current value and {@code x}, free of side effects: it may run several
     *     times under contention
     * @return the updated value
     */
    public double accumulateAndGet(double x, DoubleBinaryOperator accumulator) {
        return updateAndGet(current -> accumulator.applyAsDouble(current, x));
    }

    @Override
    public String toString() {
        return "SharedDouble[" + slot + "=" + (region.isClosed() ? "(closed)" : String.valueOf(get())) + "]";
    }
}
