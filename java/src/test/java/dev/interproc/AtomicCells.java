package dev.interproc;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A shared numeric value seen through longs, so that one test body serves every numeric slot type: a scalar slot
 * is one cell (index 0), an array slot one cell per element. Doubles hold the tests' small whole numbers exactly.
 */
interface AtomicCells {

    /** The value object under test. */
    SlotValue value();

    int length();

    long get(int index);

    void set(int index, long value);

    long getAcquire(int index);

    void setRelease(int index, long value);

    long getAndSet(int index, long value);

    boolean compareAndSet(int index, long expected, long value);

    long getAndAdd(int index, long delta);

    long addAndGet(int index, long delta);

    long updateAndGet(int index, LongUnaryOperator update);

    long accumulateAndGet(int index, long x, LongBinaryOperator accumulator);

    /** The operations that only the integral types (int, long and their arrays) offer. */
    interface Integral extends AtomicCells {

        long getOpaque(int index);

        void setOpaque(int index, long value);

        long compareAndExchange(int index, long expected, long value);

        long incrementAndGet(int index);

        long decrementAndGet(int index);
    }

    /** The operations that only the integral scalars (int and long) offer. */
    interface Counter extends Integral {

        long getAndIncrement(int index);

        long getAndDecrement(int index);

        long getAndUpdate(int index, LongUnaryOperator update);

        long getAndAccumulate(int index, long x, LongBinaryOperator accumulator);
    }

    /** The operations of the array types. */
    interface Array extends Integral {

        long[] toArray();
    }

    /** Opens a numeric slot, guarded by {@code lock} or, if it is null, by the value's default lock. */
    interface Opener {
        AtomicCells open(SharedMemory memory, String slot, SharedMutex lock);
    }

    /** One numeric slot type: its name as inspection reports it, and how to open a slot of it. */
    record Kind(String type, Opener opener) {

        @Override
        public String toString() {
            return type;
        }
    }

    /** Array slots of the table have this many elements. */
    int ARRAY_LENGTH = 3;

    /** Every numeric slot type. */
    List<Kind> ALL = List.of(
            new Kind("SharedInt", (memory, slot, lock) -> of(memory.sharedInt(slot, 0, lock))),
            new Kind("SharedLong", (memory, slot, lock) -> of(memory.sharedLong(slot, 0, lock))),
            new Kind("SharedDouble", (memory, slot, lock) -> of(memory.sharedDouble(slot, 0, lock))),
            new Kind("SharedIntArray", (memory, slot, lock) -> of(memory.sharedIntArray(slot, ARRAY_LENGTH, lock))),
            new Kind("SharedLongArray", (memory, slot, lock) -> of(memory.sharedLongArray(slot, ARRAY_LENGTH, lock))));

    /** The entries of {@link #ALL} whose cells are {@link Integral}. */
    List<Kind> INTEGRAL =
            ALL.stream().filter(kind -> !kind.type().equals("SharedDouble")).toList();

    /** The entries of {@link #ALL} whose cells are a {@link Counter}. */
    List<Kind> COUNTERS = ALL.stream()
            .filter(kind -> kind.type().equals("SharedInt") || kind.type().equals("SharedLong"))
            .toList();

    /** The entries of {@link #ALL} whose cells are an {@link Array}. */
    List<Kind> ARRAYS =
            ALL.stream().filter(kind -> kind.type().endsWith("Array")).toList();

    /** The cell of an int slot. */
    static Counter of(SharedInt value) {
        return new Counter() {
            @Override
            public SlotValue value() {
                return value;
            }

            @Override
            public int length() {
                return 1;
            }

            @Override
            public long get(int index) {
                return value.get();
            }

            @Override
            public void set(int index, long newValue) {
                value.set((int) newValue);
            }

            @Override
            public long getAcquire(int index) {
                return value.getAcquire();
            }

            @Override
            public void setRelease(int index, long newValue) {
                value.setRelease((int) newValue);
            }

            @Override
            public long getOpaque(int index) {
                return value.getOpaque();
            }

            @Override
            public void setOpaque(int index, long newValue) {
                value.setOpaque((int) newValue);
            }

            @Override
            public long getAndSet(int index, long newValue) {
                return value.getAndSet((int) newValue);
            }

            @Override
            public boolean compareAndSet(int index, long expected, long newValue) {
                return value.compareAndSet((int) expected, (int) newValue);
            }

            @Override
            public long compareAndExchange(int index, long expected, long newValue) {
                return value.compareAndExchange((int) expected, (int) newValue);
            }

            @Override
            public long getAndAdd(int index, long delta) {
                return value.getAndAdd((int) delta);
            }

            @Override
            public long addAndGet(int index, long delta) {
                return value.addAndGet((int) delta);
            }

            @Override
            public long incrementAndGet(int index) {
                return value.incrementAndGet();
            }

            @Override
            public long decrementAndGet(int index) {
                return value.decrementAndGet();
            }

            @Override
            public long getAndIncrement(int index) {
                return value.getAndIncrement();
            }

            @Override
            public long getAndDecrement(int index) {
                return value.getAndDecrement();
            }

            @Override
            public long getAndUpdate(int index, LongUnaryOperator update) {
                return value.getAndUpdate(v -> (int) update.applyAsLong(v));
            }

            @Override
            public long getAndAccumulate(int index, long x, LongBinaryOperator accumulator) {
                return value.getAndAccumulate((int) x, (v, y) -> (int) accumulator.applyAsLong(v, y));
            }

            @Override
            public long updateAndGet(int index, LongUnaryOperator update) {
                return value.updateAndGet(v -> (int) update.applyAsLong(v));
            }

            @Override
            public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
                return value.accumulateAndGet((int) x, (v, y) -> (int) accumulator.applyAsLong(v, y));
            }
        };
    }

    /** The cell of a long slot. */
    static Counter of(SharedLong value) {
        return new Counter() {
            @Override
            public SlotValue value() {
                return value;
            }

            @Override
            public int length() {
                return 1;
            }

            @Override
            public long get(int index) {
                return value.get();
            }

            @Override
            public void set(int index, long newValue) {
                value.set(newValue);
            }

            @Override
            public long getAcquire(int index) {
                return value.getAcquire();
            }

            @Override
            public void setRelease(int index, long newValue) {
                value.setRelease(newValue);
            }

            @Override
            public long getOpaque(int index) {
                return value.getOpaque();
            }

            @Override
            public void setOpaque(int index, long newValue) {
                value.setOpaque(newValue);
            }

            @Override
            public long getAndSet(int index, long newValue) {
                return value.getAndSet(newValue);
            }

            @Override
            public boolean compareAndSet(int index, long expected, long newValue) {
                return value.compareAndSet(expected, newValue);
            }

            @Override
            public long compareAndExchange(int index, long expected, long newValue) {
                return value.compareAndExchange(expected, newValue);
            }

            @Override
            public long getAndAdd(int index, long delta) {
                return value.getAndAdd(delta);
            }

            @Override
            public long addAndGet(int index, long delta) {
                return value.addAndGet(delta);
            }

            @Override
            public long incrementAndGet(int index) {
                return value.incrementAndGet();
            }

            @Override
            public long decrementAndGet(int index) {
                return value.decrementAndGet();
            }

            @Override
            public long getAndIncrement(int index) {
                return value.getAndIncrement();
            }

            @Override
            public long getAndDecrement(int index) {
                return value.getAndDecrement();
            }

            @Override
            public long getAndUpdate(int index, LongUnaryOperator update) {
                return value.getAndUpdate(update);
            }

            @Override
            public long getAndAccumulate(int index, long x, LongBinaryOperator accumulator) {
                return value.getAndAccumulate(x, accumulator);
            }

            @Override
            public long updateAndGet(int index, LongUnaryOperator update) {
                return value.updateAndGet(update);
            }

            @Override
            public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
                return value.accumulateAndGet(x, accumulator);
            }
        };
    }

    /** The cell of a double slot. */
    static AtomicCells of(SharedDouble value) {
        return new AtomicCells() {
            @Override
            public SlotValue value() {
                return value;
            }

            @Override
            public int length() {
                return 1;
            }

            @Override
            public long get(int index) {
                return (long) value.get();
            }

            @Override
            public void set(int index, long newValue) {
                value.set(newValue);
            }

            @Override
            public long getAcquire(int index) {
                return (long) value.getAcquire();
            }

            @Override
            public void setRelease(int index, long newValue) {
                value.setRelease(newValue);
            }

            @Override
            public long getAndSet(int index, long newValue) {
                return (long) value.getAndSet(newValue);
            }

            @Override
            public boolean compareAndSet(int index, long expected, long newValue) {
                return value.compareAndSet(expected, newValue);
            }

            @Override
            public long getAndAdd(int index, long delta) {
                return (long) value.getAndAdd(delta);
            }

            @Override
            public long addAndGet(int index, long delta) {
                return (long) value.addAndGet(delta);
            }

            @Override
            public long updateAndGet(int index, LongUnaryOperator update) {
                return (long) value.updateAndGet(v -> update.applyAsLong((long) v));
            }

            @Override
            public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
                return (long) value.accumulateAndGet(x, (v, y) -> accumulator.applyAsLong((long) v, (long) y));
            }
        };
    }

    /** The cells of an int array slot. */
    static Array of(SharedIntArray array) {
        return new Array() {
            @Override
            public SlotValue value() {
                return array;
            }

            @Override
            public int length() {
                return array.length();
            }

            @Override
            public long[] toArray() {
                return Arrays.stream(array.toArray()).asLongStream().toArray();
            }

            @Override
            public long get(int index) {
                return array.get(index);
            }

            @Override
            public void set(int index, long newValue) {
                array.set(index, (int) newValue);
            }

            @Override
            public long getAcquire(int index) {
                return array.getAcquire(index);
            }

            @Override
            public void setRelease(int index, long newValue) {
                array.setRelease(index, (int) newValue);
            }

            @Override
            public long getOpaque(int index) {
                return array.getOpaque(index);
            }

            @Override
            public void setOpaque(int index, long newValue) {
                array.setOpaque(index, (int) newValue);
            }

            @Override
            public long getAndSet(int index, long newValue) {
                return array.getAndSet(index, (int) newValue);
            }

            @Override
            public boolean compareAndSet(int index, long expected, long newValue) {
                return array.compareAndSet(index, (int) expected, (int) newValue);
            }

            @Override
            public long compareAndExchange(int index, long expected, long newValue) {
                return array.compareAndExchange(index, (int) expected, (int) newValue);
            }

            @Override
            public long getAndAdd(int index, long delta) {
                return array.getAndAdd(index, (int) delta);
            }

            @Override
            public long addAndGet(int index, long delta) {
                return array.addAndGet(index, (int) delta);
            }

            @Override
            public long incrementAndGet(int index) {
                return array.incrementAndGet(index);
            }

            @Override
            public long decrementAndGet(int index) {
                return array.decrementAndGet(index);
            }

            @Override
            public long updateAndGet(int index, LongUnaryOperator update) {
                return array.updateAndGet(index, v -> (int) update.applyAsLong(v));
            }

            @Override
            public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
                return array.accumulateAndGet(index, (int) x, (v, y) -> (int) accumulator.applyAsLong(v, y));
            }
        };
    }

    /** The cells of a long array slot. */
    static Array of(SharedLongArray array) {
        return new Array() {
            @Override
            public SlotValue value() {
                return array;
            }

            @Override
            public int length() {
                return array.length();
            }

            @Override
            public long[] toArray() {
                return array.toArray();
            }

            @Override
            public long get(int index) {
                return array.get(index);
            }

            @Override
            public void set(int index, long newValue) {
                array.set(index, newValue);
            }

            @Override
            public long getAcquire(int index) {
                return array.getAcquire(index);
            }

            @Override
            public void setRelease(int index, long newValue) {
                array.setRelease(index, newValue);
            }

            @Override
            public long getOpaque(int index) {
                return array.getOpaque(index);
            }

            @Override
            public void setOpaque(int index, long newValue) {
                array.setOpaque(index, newValue);
            }

            @Override
            public long getAndSet(int index, long newValue) {
                return array.getAndSet(index, newValue);
            }

            @Override
            public boolean compareAndSet(int index, long expected, long newValue) {
                return array.compareAndSet(index, expected, newValue);
            }

            @Override
            public long compareAndExchange(int index, long expected, long newValue) {
                return array.compareAndExchange(index, expected, newValue);
            }

            @Override
            public long getAndAdd(int index, long delta) {
                return array.getAndAdd(index, delta);
            }

            @Override
            public long addAndGet(int index, long delta) {
                return array.addAndGet(index, delta);
            }

            @Override
            public long incrementAndGet(int index) {
                return array.incrementAndGet(index);
            }

            @Override
            public long decrementAndGet(int index) {
                return array.decrementAndGet(index);
            }

            @Override
            public long updateAndGet(int index, LongUnaryOperator update) {
                return array.updateAndGet(index, update);
            }

            @Override
            public long accumulateAndGet(int index, long x, LongBinaryOperator accumulator) {
                return array.accumulateAndGet(index, x, accumulator);
            }
        };
    }
}
