package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The task path's encodings, in this JVM: {@link Values}, {@link Wire.Job}, {@link Wire.Outcome}, function keys. */
class WireTest {

    @Test
    void everyValueDecodesToAnEqualOneOfTheSameClass() throws IOException {
        List<Object> values = Arrays.asList(
                null,
                7,
                -7L,
                Double.longBitsToDouble(0x7ff8_0000_0000_0abcL),
                true,
                false,
                "",
                "d\uD800a",
                new ArrayList<>(Arrays.asList(1, "two", 3.0, null, 4L, false)),
                new LinkedList<>(List.of(1, 2)),
                List.of(1, 2),
                new ArrayList<>(List.of(new int[] {1})),
                new int[] {1, 2});
        for (Object value : values) {
            Object decoded = Values.decode(Values.encode(value));
            if (value instanceof int[] ints) {
                assertArrayEquals(ints, (int[]) decoded);
            } else if (value instanceof ArrayList<?> list && list.getFirst() instanceof int[] ints) {
                assertArrayEquals(ints, (int[]) ((List<?>) decoded).getFirst());
            } else {
                assertEquals(value, decoded);
            }
            if (value instanceof Double d) {
                assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) decoded));
            }
            if (value != null) {
                assertSame(value.getClass(), decoded.getClass());
            }
        }
        assertThrows(NotSerializableException.class, () -> Values.encode(new Object()));
        assertThrows(NotSerializableException.class, () -> Values.encode(new ArrayList<>(List.of(new Object()))));
        assertThrows(StreamCorruptedException.class, () -> Values.decode(new byte[0]));
        assertThrows(StreamCorruptedException.class, () -> Values.decode(new byte[] {99}));
        assertThrows(StreamCorruptedException.class, () -> Values.decode(new byte[] {8, 127, 0, 0, 0}));
    }

    @Test
    void jobsAndOutcomesTravelWhole() throws IOException {
        Wire.Job job = new Wire.Job(42, true, 9, new byte[] {1, 2, 3}, new byte[] {4});
        Wire.Job read = Wire.Job.decode(job.encode());
        assertEquals(42, read.id());
        assertEquals(true, read.last());
        assertEquals(9, read.functionKey());
        assertArrayEquals(new byte[] {1, 2, 3}, read.function());
        assertArrayEquals(new byte[] {4}, read.items());
        assertEquals(
                null,
                Wire.Job.decode(new Wire.Job(1, false, 0, new byte[0], null).encode())
                        .items());
        assertThrows(StreamCorruptedException.class, () -> Wire.Job.decode(new byte[] {1, 2}));

        assertEquals(
                "x",
                Wire.Outcome.decode(new Wire.Outcome(5, "x", null).encode()).value());
        Wire.Outcome failed = Wire.Outcome.decode(new Wire.Outcome(6, null, new ArithmeticException("no")).encode());
        assertEquals(6, failed.id());
        assertEquals("no", failed.failure().getMessage());
        assertThrows(StreamCorruptedException.class, () -> Wire.Outcome.decode(new byte[] {1}));
    }

    @Test
    void aFunctionHoldingNoStateIsEncodedOnceAndMayBeKept() {
        SerializableCallable<Integer> first = one();
        SerializableCallable<Integer> second = one();
        Wire.Encoded a = Wire.encodeFunction(first);
        Wire.Encoded b = Wire.encodeFunction(second);
        assertNotEquals(0, a.key());
        assertSame(a, b, "one encoding per class");
        int captured = 3;
        SerializableCallable<Integer> capturing = () -> captured;
        assertEquals(0, Wire.encodeFunction(capturing).key(), "a capturing lambda is decoded per task");
        assertEquals(0, Wire.encodeFunction(new Counter()).key(), "a class with fields is decoded per task");
    }

    /** {@return two calls, two instances of one lambda class (two sites would make two classes)} */
    private static SerializableCallable<Integer> one() {
        return () -> 1;
    }

    /** A task with state. */
    private static final class Counter implements SerializableCallable<Integer> {
        private static final long serialVersionUID = 1L;
        private int calls;

        @Override
        public Integer call() {
            return ++calls;
        }
    }
}
