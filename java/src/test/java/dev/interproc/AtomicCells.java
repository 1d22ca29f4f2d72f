package dev.interproc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * A shared numeric value seen through longs, so that one test body serves every numeric slot type: a scalar slot
 * is one cell (index 0), an array slot one cell per element. Doubles hold the tests' small whole numbers exactly.
 * The sub-interfaces are the levels of the types' APIs: a type is viewed at the level whose operations it offers.
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
    record Kind(String type, Class<? extends AtomicCells> level, Opener opener) {

        @Override
        public String toString() {
            return type;
        }
    }

    /** Array slots of the table have this many elements. */
    int ARRAY_LENGTH = 3;

    /** Every numeric slot type. */
    List<Kind> ALL = List.of(
            new Kind("SharedInt", Counter.class, (memory, slot, lock) -> of(memory.sharedInt(slot, 0, lock))),
            new Kind("SharedLong", Counter.class, (memory, slot, lock) -> of(memory.sharedLong(slot, 0, lock))),
            new Kind("SharedDouble", AtomicCells.class, (memory, slot, lock) -> of(memory.sharedDouble(slot, 0, lock))),
            new Kind(
                    "SharedIntArray",
                    Array.class,
                    (memory, slot, lock) -> of(memory.sharedIntArray(slot, ARRAY_LENGTH, lock))),
            new Kind(
                    "SharedLongArray",
                    Array.class,
                    (memory, slot, lock) -> of(memory.sharedLongArray(slot, ARRAY_LENGTH, lock))));

    /** The entries of {@link #ALL} viewed as {@link Integral}. */
    List<Kind> INTEGRAL = atLevel(Integral.class);

    /** The entries of {@link #ALL} viewed as a {@link Counter}. */
    List<Kind> COUNTERS = atLevel(Counter.class);

    /** The entries of {@link #ALL} viewed as an {@link Array}. */
    List<Kind> ARRAYS = atLevel(Array.class);

    private static List<Kind> atLevel(Class<? extends AtomicCells> level) {
        return ALL.stream().filter(kind -> level.isAssignableFrom(kind.level())).toList();
    }

    /** The cell of an int slot. */
    static Counter of(SharedInt value) {
        return view(value, Counter.class);
    }

    /** The cell of a long slot. */
    static Counter of(SharedLong value) {
        return view(value, Counter.class);
    }

    /** The cell of a double slot. */
    static AtomicCells of(SharedDouble value) {
        return view(value, AtomicCells.class);
    }

    /** The cells of an int array slot. */
    static Array of(SharedIntArray array) {
        return view(array, Array.class);
    }

    /** The cells of a long array slot. */
    static Array of(SharedLongArray array) {
        return view(array, Array.class);
    }

    /**
     * {@code value} viewed at {@code level}: a call runs the value's method of the same name (without the index,
     * for a scalar), with the long arguments and operators converted to the value's element type and the result
     * converted back to long. One implementation for all types, so that the view cannot treat one type otherwise;
     * a type without the method fails the test naming it.
     */
    private static <C extends AtomicCells> C view(SlotValue value, Class<C> level) {
        boolean indexed = value instanceof SlotArray;
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "value" -> value;
            case "length" -> indexed ? ((SlotArray) value).length() : 1;
            case "toArray" -> toLongs(call(value, "toArray", new Object[0]));
            case "toString" -> "cells of " + value;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> call(value, method.getName(), indexed ? args : Arrays.copyOfRange(args, 1, args.length));
        };
        // Naming AtomicCells, which is package-private, defines the proxy in this package, where SlotValue is visible.
        Class<?>[] interfaces =
                level == AtomicCells.class ? new Class<?>[] {level} : new Class<?>[] {level, AtomicCells.class};
        return level.cast(Proxy.newProxyInstance(level.getClassLoader(), interfaces, handler));
    }

    private static Object call(SlotValue value, String name, Object[] args) throws Throwable {
        Method target = Arrays.stream(value.getClass().getMethods())
                .filter(method -> method.getName().equals(name) && method.getParameterCount() == args.length)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        value.getClass().getSimpleName() + " has no " + name + " of " + args.length + " arguments"));
        Class<?>[] types = target.getParameterTypes();
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = convert(args[i], types[i]);
        }
        Object result;
        try {
            result = target.invoke(value, converted);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        return result instanceof Number number ? exactLong(number) : result;
    }

    /**
     * The whole number {@code number} holds: the contract's values are whole, so a double result with a fraction is
     * wrong, and must fail rather than be cut to the expected whole number.
     */
    private static long exactLong(Number number) {
        double asDouble = number.doubleValue();
        if (number instanceof Double && asDouble != Math.rint(asDouble)) {
            throw new AssertionError("expected a whole number, got " + asDouble);
        }
        return number.longValue();
    }

    private static Object convert(Object argument, Class<?> type) {
        if (argument instanceof Long number) {
            if (type == int.class) {
                return (int) (long) number;
            }
            if (type == double.class) {
                return (double) number;
            }
            return number;
        }
        if (argument instanceof LongUnaryOperator update) {
            if (type == IntUnaryOperator.class) {
                return (IntUnaryOperator) v -> (int) update.applyAsLong(v);
            }
            return type == DoubleUnaryOperator.class
                    ? (DoubleUnaryOperator) v -> update.applyAsLong(exactLong(v))
                    : update;
        }
        if (argument instanceof LongBinaryOperator accumulator) {
            if (type == IntBinaryOperator.class) {
                return (IntBinaryOperator) (v, x) -> (int) accumulator.applyAsLong(v, x);
            }
            return type == DoubleBinaryOperator.class
                    ? (DoubleBinaryOperator) (v, x) -> accumulator.applyAsLong(exactLong(v), exactLong(x))
                    : accumulator;
        }
        return argument;
    }

    private static long[] toLongs(Object array) {
        return array instanceof int[] ints ? Arrays.stream(ints).asLongStream().toArray() : (long[]) array;
    }
}
