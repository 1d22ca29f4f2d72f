package dev.interproc.codec;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;
import net.razorvine.pickle.PickleException;

/**
 * Python's {@code array.array} as Java primitive arrays. Decoding widens where Java has no unsigned type, so
 * that every value fits: typecodes b, B, h to {@code short[]}; H, i to {@code int[]}; I, l, q, L, Q to
 * {@code long[]} (L and Q refused above {@link Long#MAX_VALUE}); f to {@code float[]}; d to {@code double[]}.
 * Encoding writes {@code short[]} as h, {@code int[]} as i, {@code long[]} as q, {@code float[]} as f and
 * {@code double[]} as d, so a round trip from Python gives an equal array (arrays compare by value, not by
 * typecode). Unicode arrays (u, w) are refused.
 */
final class PythonArrays {

    private PythonArrays() {}

    /** {@code array._array_reconstructor(array, typecode, machine format, bytes)}, protocol 3 and later. */
    static Object reconstruct(Object[] arguments) {
        String typecode = (String) arguments[1];
        int format = ((Number) arguments[2]).intValue();
        byte[] bytes = (byte[]) arguments[3];
        if (format < 0 || format > 17) {
            throw new PickleException("array machine format " + format + " (text) is not supported");
        }
        int size = new int[] {1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 4, 4, 8, 8}[format];
        boolean signed = format == 1 || format == 4 || format == 5 || format == 8 || format == 9 || format >= 12;
        ByteBuffer buffer =
                ByteBuffer.wrap(bytes).order(format % 2 == 1 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        Object array = newArray(typecode, bytes.length / size);
        for (int i = 0; i < bytes.length / size; i++) {
            if (format >= 14) {
                store(array, i, size == 4 ? buffer.getFloat() : buffer.getDouble(), 0);
                continue;
            }
            long value =
                    switch (size) {
                        case 1 -> signed ? buffer.get() : buffer.get() & 0xffL;
                        case 2 -> signed ? buffer.getShort() : buffer.getShort() & 0xffffL;
                        case 4 -> signed ? buffer.getInt() : buffer.getInt() & 0xffffffffL;
                        default -> buffer.getLong();
                    };
            if (size == 8 && !signed && value < 0) {
                throw new PickleException("array('" + typecode + "') holds " + Long.toUnsignedString(value)
                        + ", more than a Java long holds");
            }
            store(array, i, 0, value);
        }
        return array;
    }

    /** {@code array.array(typecode, list)}, protocols 0 to 2. */
    static Object fromList(Object[] arguments) {
        String typecode = (String) arguments[0];
        List<?> items = arguments.length > 1 ? (List<?>) arguments[1] : List.of();
        Object array = newArray(typecode, items.size());
        for (int i = 0; i < items.size(); i++) {
            Number item = (Number) items.get(i);
            if (item instanceof BigInteger big && big.bitLength() > 63) {
                throw new PickleException("array('" + typecode + "') holds " + big + ", more than a Java long holds");
            }
            store(array, i, item.doubleValue(), item.longValue());
        }
        return array;
    }

    /** {@return the arguments of {@code array._array_reconstructor} for a primitive array; null for another value} */
    static PythonTypes.Call encode(Object value) {
        return switch (value) {
            case short[] items ->
                call("h", 4, items.length * 2L, bytes -> bytes.asShortBuffer().put(items));
            case int[] items ->
                call("i", 8, items.length * 4L, bytes -> bytes.asIntBuffer().put(items));
            case long[] items ->
                call("q", 12, items.length * 8L, bytes -> bytes.asLongBuffer().put(items));
            case float[] items ->
                call("f", 14, items.length * 4L, bytes -> bytes.asFloatBuffer().put(items));
            case double[] items ->
                call("d", 16, items.length * 8L, bytes -> bytes.asDoubleBuffer().put(items));
            default -> null;
        };
    }

    /** {@code _array_reconstructor(array, typecode, machine format, bytes)} with {@code size} bytes, little-endian. */
    private static PythonTypes.Call call(String typecode, int format, long size, Consumer<ByteBuffer> fill) {
        ByteBuffer bytes = buffer(size);
        fill.accept(bytes);
        return new PythonTypes.Call(
                "array", "_array_reconstructor", new PythonGlobal("array", "array"), typecode, format, bytes.array());
    }

    private static ByteBuffer buffer(long size) {
        if (size > Codec.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("array larger than a pickle can hold");
        }
        return ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Object newArray(String typecode, int length) {
        return switch (typecode) {
            case "b", "B", "h" -> new short[length];
            case "H", "i" -> new int[length];
            case "I", "l", "q", "L", "Q" -> new long[length];
            case "f" -> new float[length];
            case "d" -> new double[length];
            default -> throw new PickleException("array('" + typecode + "') has no Java primitive array");
        };
    }

    /** Stores {@code floating} into a float or double array, {@code integer} into any other. */
    private static void store(Object array, int index, double floating, long integer) {
        switch (array) {
            case short[] items -> items[index] = (short) integer;
            case int[] items -> items[index] = (int) integer;
            case long[] items -> items[index] = integer;
            case float[] items -> items[index] = (float) floating;
            case double[] items -> items[index] = floating;
            default -> throw new IllegalStateException();
        }
    }
}
