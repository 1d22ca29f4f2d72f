package dev.interproc.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The encoding of a task's items and results on the task path: a tag byte, then the value. The common simple values
 * have compact tags of their own: null, {@link Integer}, {@link Long}, {@link Double}, {@link Boolean},
 * {@link String}, and an {@link ArrayList} (exactly that class, as a {@code map} chunk and its results are) of
 * them; anything else is Java serialization ({@link Wire#CODEC}). Java serialization costs tens of microseconds a
 * message for its stream header and class descriptors, which would dominate a trivial task; these tags cost a few
 * nanoseconds an item. Every value decodes to an equal one of the same class; a {@link Double} keeps its exact bits.
 */
final class Values {

    private static final byte SERIALIZED = 0;
    private static final byte NULL = 1;
    private static final byte INTEGER = 2;
    private static final byte LONG = 3;
    private static final byte DOUBLE = 4;
    private static final byte TRUE = 5;
    private static final byte FALSE = 6;
    private static final byte STRING = 7;
    private static final byte LIST = 8;

    private Values() {}

    /**
     * Encodes a value.
     *
     * @param value the value, null, a simple value, or serializable
     * @return its encoding
     * @throws java.io.NotSerializableException if it is none of these
     * @throws IOException if Java serialization fails otherwise
     */
    static byte[] encode(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream out = new DataOutputStream(bytes);
        if (value instanceof ArrayList<?> list && list.getClass() == ArrayList.class && allSimple(list)) {
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object item : list) {
                writeSimple(out, item);
            }
        } else if (isSimple(value)) {
            writeSimple(out, value);
        } else {
            out.writeByte(SERIALIZED);
            out.write(Wire.CODEC.encode(value));
        }
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode} made.
     *
     * @param encoded the encoding
     * @return the value
     * @throws IOException if the encoding is damaged, or Java serialization fails (a class this JVM lacks)
     */
    static Object decode(byte[] encoded) throws IOException {
        if (encoded.length == 0) {
            throw new StreamCorruptedException("an empty value encoding");
        }
        if (encoded[0] == SERIALIZED) {
            return Wire.CODEC.decode(Arrays.copyOfRange(encoded, 1, encoded.length));
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        byte tag = in.readByte();
        if (tag != LIST) {
            return readSimple(in, tag);
        }
        int size = in.readInt();
        if (size < 0 || size > encoded.length) {
            throw new StreamCorruptedException("a list of " + size + " items in " + encoded.length + " bytes");
        }
        ArrayList<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(readSimple(in, in.readByte()));
        }
        return list;
    }

    private static boolean allSimple(ArrayList<?> list) {
        for (Object item : list) {
            if (!isSimple(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSimple(Object value) {
        return value == null
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Double
                || value instanceof Boolean
                || value instanceof String;
    }

    private static void writeSimple(DataOutputStream out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeByte(NULL);
            case Integer i -> {
                out.writeByte(INTEGER);
                out.writeInt(i);
            }
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeLong(Double.doubleToRawLongBits(d));
            }
            case Boolean b -> out.writeByte(b ? TRUE : FALSE);
            case String s -> {
                // UTF-16 code units: exact for any string, unpaired surrogates included.
                out.writeByte(STRING);
                out.writeInt(s.length());
                out.writeChars(s);
            }
            default -> throw new IllegalArgumentException("not a simple value: " + value.getClass());
        }
    }

    private static Object readSimple(DataInputStream in, byte tag) throws IOException {
        return switch (tag) {
            case NULL -> null;
            case INTEGER -> in.readInt();
            case LONG -> in.readLong();
            case DOUBLE -> Double.longBitsToDouble(in.readLong());
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case STRING -> {
                int length = in.readInt();
                if (length < 0 || length > in.available() / 2) {
                    throw new StreamCorruptedException(
                            "a string of " + length + " characters in " + in.available() + " bytes");
                }
                char[] chars = new char[length];
                for (int i = 0; i < length; i++) {
                    chars[i] = in.readChar();
                }
                yield new String(chars);
            }
            default -> throw new StreamCorruptedException("unknown value tag " + tag);
        };
    }
}
