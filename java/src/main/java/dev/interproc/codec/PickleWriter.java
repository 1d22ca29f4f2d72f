package dev.interproc.codec;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPython's C pickler at protocol 4, for the value types {@link PickleCodec} supports. One instance writes one
 * value.
 */
final class PickleWriter {

    private static final int PROTO = 0x80;
    private static final int FRAME = 0x95;
    private static final int MEMOIZE = 0x94;
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int BATCH_SIZE = 1000;

    private final Bytes out = new Bytes();
    private final IdentityHashMap<Object, Integer> memo = new IdentityHashMap<>();
    /** The globals written so far, by module and name: CPython memoizes the class object after STACK_GLOBAL. */
    private final Map<PythonGlobal, Integer> globals = new HashMap<>();

    private int memoCount;
    private final int maxDepth;
    private final PythonTypes types;
    private int depth;

    /**
     * @param maxDepth the deepest nesting of containers written; a deeper value is refused
     * @param types the Java types written as calls of Python classes
     */
    PickleWriter(int maxDepth, PythonTypes types) {
        this.maxDepth = maxDepth;
        this.types = types;
    }

    byte[] write(Object value) throws IOException {
        out.put(PROTO).put(4);
        int frameStart = out.size();
        save(value);
        out.put('.');
        int frameLength = out.size() - frameStart;
        // CPython frames a pickle body of 4 bytes or more: FRAME and the body length, 8 bytes little-endian.
        return frameLength < 4 ? out.toArray() : out.insertFrame(frameStart, FRAME, frameLength);
    }

    private void save(Object value) throws IOException {
        if (value == null) {
            out.put('N');
        } else if (value instanceof Boolean bool) {
            out.put(bool ? 0x88 : 0x89);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            saveInt(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() < 64) {
                saveInt(big.longValue());
            } else {
                saveLong(big);
            }
        } else if (value instanceof Double || value instanceof Float) {
            out.put('G').putLongBigEndian(Double.doubleToRawLongBits(((Number) value).doubleValue()));
        } else if (!saveReference(value)) {
            depth++;
            if (depth > maxDepth) {
                throw new IOException("cannot pickle: nested more than " + maxDepth + " levels deep");
            }
            saveContainerOrString(value);
            depth--;
        }
    }

    private void saveInt(long value) {
        if (value >= 0 && value <= 0xff) {
            out.put('K').put((int) value);
        } else if (value >= 0 && value <= 0xffff) {
            out.put('M').put((int) value).put((int) (value >>> 8));
        } else if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            out.put('J').putIntLittleEndian((int) value);
        } else {
            saveLong(BigInteger.valueOf(value));
        }
    }

    /** LONG1/LONG4: the shortest two's-complement form, little-endian, as Python's {@code encode_long}. */
    private void saveLong(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        if (bigEndian.length < 256) {
            out.put(0x8a).put(bigEndian.length);
        } else {
            out.put(0x8b).putIntLittleEndian(bigEndian.length);
        }
        for (int i = bigEndian.length - 1; i >= 0; i--) {
            out.put(bigEndian[i]);
        }
    }

    /** Writes a memo reference when this very object was pickled before; Python memoizes by identity too. */
    private boolean saveReference(Object value) {
        Integer index = memo.get(value);
        if (index == null) {
            return false;
        }
        get(index);
        return true;
    }

    private void memoize(Object value) {
        memo.put(value, memoCount++);
        out.put(MEMOIZE);
    }

    private void get(int index) {
        if (index < 256) {
            out.put(BINGET).put(index);
        } else {
            out.put(LONG_BINGET).putIntLittleEndian(index);
        }
    }

    private void saveContainerOrString(Object value) throws IOException {
        PythonTypes.Call registered = value instanceof String ? null : types.encodeRegistered(value);
        if (registered != null) { // a registered mapping comes first, even for a Map, List or Set
            saveCall(value, registered);
            return;
        }
        switch (value) {
            case CharSequence text -> {
                byte[] utf8 = PickleText.encodeUtf8(text.toString());
                if (utf8.length <= 0xff) {
                    out.put(0x8c).put(utf8.length);
                } else {
                    out.put('X').putIntLittleEndian(utf8.length);
                }
                out.put(utf8);
                memoize(value);
            }
            case byte[] bytes -> {
                if (bytes.length <= 0xff) {
                    out.put('C').put(bytes.length);
                } else {
                    out.put('B').putIntLittleEndian(bytes.length);
                }
                out.put(bytes);
                memoize(value);
            }
            case List<?> list -> {
                out.put(']');
                memoize(value);
                saveItems(list, 'a', 'e');
            }
            case Set<?> set -> {
                out.put(0x8f);
                memoize(value);
                if (!set.isEmpty()) {
                    saveBatches(set.iterator(), 0x90);
                }
            }
            case LinkedHashMap<?, ?> ordered -> {
                saveGlobal("collections", "OrderedDict");
                out.put(')').put('R');
                memoize(value);
                saveItems(ordered.entrySet(), 's', 'u');
            }
            case Map<?, ?> map -> {
                out.put('}');
                memoize(value);
                saveItems(map.entrySet(), 's', 'u');
            }
            case Object[] tuple -> saveTuple(tuple);
            case PythonGlobal global -> saveGlobal(global.module(), global.name());
            default -> saveCall(value);
        }
    }

    /** A value of a mapped type ({@link PythonTypes}): the Python call that makes it, then REDUCE. */
    private void saveCall(Object value) throws IOException {
        PythonTypes.Call call;
        try {
            call = types.encode(value);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot pickle " + value + ": " + e.getMessage(), e);
        }
        if (call == null) {
            throw new IOException("cannot pickle " + value.getClass().getName() + ": PickleCodec supports null,"
                    + " Boolean, integers, BigInteger, Float, Double, CharSequence, byte[], List, Object[] (tuple),"
                    + " Map, Set, the java.time, BigDecimal, PythonComplex and primitive array types of the"
                    + " docs/connection.md table, and types registered with PickleCodec.builder().register(...);"
                    + " use JavaSerializationCodec between JVMs");
        }
        saveCall(value, call);
    }

    /**
     * The call, then REDUCE; or, for a class mapped by state, {@code cls.__new__(cls)} (an empty tuple and NEWOBJ),
     * then the state tuple and BUILD, as Python 3 pickles an object whose {@code __getstate__} returns a tuple.
     */
    private void saveCall(Object value, PythonTypes.Call call) throws IOException {
        saveGlobal(call.module(), call.name());
        if (call.byState()) {
            out.put(')').put(0x81);
            memoize(value);
            saveTuple(call.arguments());
            out.put('b');
        } else {
            saveTuple(call.arguments());
            out.put('R');
            memoize(value);
        }
    }

    /** STACK_GLOBAL: the module and the name as strings, then the opcode that looks them up; memoized as CPython. */
    private void saveGlobal(String module, String name) throws IOException {
        PythonGlobal global = new PythonGlobal(module, name);
        Integer index = globals.get(global);
        if (index != null) {
            get(index);
            return;
        }
        // Interned, as CPython's module and class names are: the same module's name is written once, then fetched.
        save(module.intern());
        save(name.intern());
        out.put(0x93);
        globals.put(global, memoCount++);
        out.put(MEMOIZE);
    }

    /** A single item with the one-item opcode, else batches of 1000 between MARK and the batch opcode. */
    private void saveItems(Collection<?> items, int single, int batch) throws IOException {
        if (items.size() == 1) {
            saveItem(items.iterator().next());
            out.put(single);
        } else if (!items.isEmpty()) {
            saveBatches(items.iterator(), batch);
        }
    }

    private void saveBatches(Iterator<?> items, int batch) throws IOException {
        while (items.hasNext()) {
            out.put('(');
            for (int count = 0; count < BATCH_SIZE && items.hasNext(); count++) {
                saveItem(items.next());
            }
            out.put(batch);
        }
    }

    private void saveItem(Object item) throws IOException {
        if (item instanceof Map.Entry<?, ?> entry) {
            save(entry.getKey());
            save(entry.getValue());
        } else {
            save(item);
        }
    }

    private void saveTuple(Object[] tuple) throws IOException {
        if (tuple.length == 0) {
            out.put(')');
            return;
        }
        if (tuple.length > 3) {
            out.put('(');
        }
        for (Object item : tuple) {
            save(item);
        }
        out.put(tuple.length > 3 ? 't' : 0x84 + tuple.length);
        memoize(tuple);
    }

    /** A growable byte array with the few writes the pickler needs. */
    private static final class Bytes {

        private byte[] data = new byte[64];
        private int size;

        int size() {
            return size;
        }

        Bytes put(int b) {
            ensure(1);
            data[size++] = (byte) b;
            return this;
        }

        Bytes put(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, data, size, bytes.length);
            size += bytes.length;
            return this;
        }

        Bytes putIntLittleEndian(int value) {
            for (int shift = 0; shift < 32; shift += 8) {
                put(value >>> shift);
            }
            return this;
        }

        Bytes putLongBigEndian(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                put((int) (value >>> shift));
            }
            return this;
        }

        /** The content with an opcode and an 8-byte little-endian length inserted at {@code at}. */
        byte[] insertFrame(int at, int opcode, long length) {
            byte[] framed = new byte[size + 9];
            System.arraycopy(data, 0, framed, 0, at);
            framed[at] = (byte) opcode;
            for (int i = 0; i < 8; i++) {
                framed[at + 1 + i] = (byte) (length >>> (8 * i));
            }
            System.arraycopy(data, at, framed, at + 9, size - at);
            return framed;
        }

        byte[] toArray() {
            return Arrays.copyOf(data, size);
        }

        private void ensure(int more) {
            if (size + more > data.length) {
                long wanted = Math.max((long) data.length * 2, (long) size + more);
                if (wanted > Codec.MAX_PAYLOAD_LENGTH) {
                    throw new IllegalArgumentException("pickle larger than a Java array can hold");
                }
                data = Arrays.copyOf(data, (int) wanted);
            }
        }
    }
}
