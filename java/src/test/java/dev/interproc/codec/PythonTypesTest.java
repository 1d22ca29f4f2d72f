package dev.interproc.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Python classes PickleCodec maps, without a Python: the refusals and the user's mapping (the round trips against CPython are PickleInteropTest's). */
class PythonTypesTest {

    private static final HexFormat HEX = HexFormat.of();

    private final PickleCodec pickle = PickleCodec.INSTANCE;

    /** A dataclass Point(x=1) of __main__, pickled by CPython 3.13: NEWOBJ, then BUILD with its __dict__. */
    private static final String DATACLASS =
            "80049523000000000000008c085f5f6d61696e5f5f948c05506f696e749493942981947d948c0178944b0173622e";

    @Test
    void aClassWithoutAMappingIsRefusedNotMadeADictionary() {
        IOException refused = assertThrows(IOException.class, () -> pickle.decode(HEX.parseHex(DATACLASS)));
        assertTrue(
                refused.getMessage()
                        .contains("the pickle holds a __main__.Point, which PickleCodec does not map to a"
                                + " Java type; register one with PickleCodec.builder().register(new PythonClass<>(\"__main__\","
                                + " \"Point\", ...))"),
                refused.getMessage());
    }

    record Point(Object x, Object y) {}

    private static final PythonClass<Point> POINT = new PythonClass<>(
            "geometry", "Point", Point.class, arguments -> new Point(arguments[0], arguments[1]), point ->
                    new Object[] {point.x(), point.y()});

    @Test
    void aRegisteredClassTravelsBothWays() throws IOException {
        PickleCodec codec = PickleCodec.builder().register(POINT).build();
        Point point = new Point(1, List.of(new Point(2, BigDecimal.ONE)));
        byte[] pickled = codec.encode(point);
        assertEquals(point, codec.decode(pickled));
        IOException unknown = assertThrows(IOException.class, () -> pickle.decode(pickled));
        assertTrue(unknown.getMessage().contains("geometry.Point"), unknown.getMessage());
        assertThrows(IOException.class, () -> pickle.encode(point));
    }

    /** The manager's reply ('#ERROR', KeyError('zzz')) as CPython 3.11 pickles it (spec 2.7), byte for byte. */
    @Test
    void aPythonCallPicklesAsCPythonPicklesTheValueItMakes() throws IOException {
        assertEquals(
                "8004952e000000000000008c06234552524f52948c086275696c74696e73948c084b65794572726f729493948c037a7a7a"
                        + "948594529486942e",
                HEX.formatHex(pickle.encode(new Object[] {"#ERROR", new PythonCall("builtins", "KeyError", "zzz")})));
        assertEquals(new PythonCall("m", "f", 1, List.of(2)), new PythonCall("m", "f", 1, List.of(2)));
    }

    /** A Python class whose {@code __getstate__} returns a tuple, as {@code multiprocessing.managers.Token}. */
    record Pair(Object a, Object b) {}

    private static final PythonClass<Pair> PAIR = new PythonClass<>(
            "__main__",
            "Pair",
            Pair.class,
            state -> new Pair(state[0], state[1]),
            pair -> new Object[] {pair.a(), pair.b()},
            true);

    /**
     * {@code [p, p, Pair(2, None), f]} as CPython 3.13 pickles it, {@code Pair} having {@code __slots__},
     * {@code __getstate__} returning {@code (a, b)} and {@code __setstate__}, and {@code f} a function: NEWOBJ and
     * BUILD, the second {@code p} a memo reference to the object BUILD set, the global memoized.
     */
    private static final String PAIRS = "8004953a000000000000005d94288c085f5f6d61696e5f5f948c04506169729493942981944b01"
            + "8c017894869462680468032981944b024e86946268018c0166949394652e";

    @Test
    void aClassMappedByStateAndAGlobalAsAValueReadAndWriteAsCPython() throws IOException {
        PickleCodec codec = PickleCodec.builder()
                .register(PAIR)
                .registerGlobal(new PythonGlobal("__main__", "f"))
                .build();
        List<?> decoded = (List<?>) codec.decode(HEX.parseHex(PAIRS));
        assertEquals(
                List.of(new Pair(1, "x"), new Pair(1, "x"), new Pair(2, null), new PythonGlobal("__main__", "f")),
                decoded);
        assertTrue(decoded.get(0) == decoded.get(1), "one object, referred to twice");
        assertEquals(PAIRS, HEX.formatHex(codec.encode(decoded)));
        IOException unregistered = assertThrows(IOException.class, () -> pickle.decode(HEX.parseHex(PAIRS)));
        assertTrue(unregistered.getMessage().contains("__main__.Pair"), unregistered.getMessage());
    }

    /**
     * An object of a class mapped by state referred to (memo GET, DUP) before BUILD set its state would be left in
     * the value as the codec's placeholder, where Python has the object: refused.
     */
    @Test
    void aClassMappedByStateReferredToBeforeItsStateIsSetIsRefused() {
        PickleCodec codec = PickleCodec.builder().register(PAIR).build();
        String pair = "8c085f5f6d61696e5f5f8c04506169729394298194"; // Pair.__new__(Pair), memoized as 2
        // [p, p] with the first p appended before BUILD, through the memo; then (p, p) through DUP
        for (String pickle : List.of(
                "80045d94" + pair + "616802" + "4b014e86" + "62" + "61" + "2e",
                "80045d94" + pair + "32" + "4b014e86" + "62" + "86" + "61" + "2e")) {
            IOException refused = assertThrows(IOException.class, () -> codec.decode(HEX.parseHex(pickle)));
            assertTrue(refused.getMessage().contains("before BUILD set its state"), refused.getMessage());
        }
    }

    /** A registered mapping comes before the built-in forms: a registered Map type is written as its class. */
    @Test
    void aRegisteredMapTypeIsWrittenAsItsClassNotAsADict() throws IOException {
        final class Settings extends java.util.HashMap<String, Object> {
            private static final long serialVersionUID = 1L;
        }
        PickleCodec codec = PickleCodec.builder()
                .register(new PythonClass<>(
                        "app", "Settings", Settings.class, arguments -> new Settings(), settings -> new Object[0]))
                .build();
        Settings settings = new Settings();
        settings.put("k", 1);
        assertTrue(
                HEX.formatHex(codec.encode(settings))
                        .contains(HEX.formatHex("Settings".getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
                "written as the class");
        assertEquals(Settings.class, codec.decode(codec.encode(settings)).getClass());
    }

    /** A dataclass pickled by default sets its state with BUILD, which a mapping of calls cannot take: said so. */
    @Test
    void aMappedClassWithStateIsRefusedSayingHowToPickleIt() {
        PickleCodec codec = PickleCodec.builder()
                .register(new PythonClass<>(
                        "__main__", "Point", Point.class, arguments -> new Point(null, null), point -> new Object[0]))
                .build();
        IOException refused = assertThrows(IOException.class, () -> codec.decode(HEX.parseHex(DATACLASS)));
        assertTrue(
                refused.getMessage().contains("give the Python class a __reduce__ returning (cls, args)"),
                refused.getMessage());
    }

    @Test
    void javaValuesPythonCannotHoldExactlyAreRefused() {
        assertRefused(LocalTime.of(1, 2, 3, 1), "has nanoseconds; Python's datetime types hold microseconds");
        assertRefused(LocalDateTime.of(10_000, 1, 1, 0, 0), "Python's date holds years 1 to 9999, not 10000");
        assertRefused(Duration.ofDays(1_000_000_000L), "Python's timedelta holds up to 999999999 days");
    }

    @Test
    void mappedValuesRoundTripInJava() throws IOException {
        Map<Object, Object> ordered = new LinkedHashMap<>();
        ordered.put("z", OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 4000, ZoneOffset.ofHoursMinutes(-5, -30)));
        ordered.put("a", Duration.ofSeconds(-1, 7000));
        ordered.put(new BigDecimal("-1E+3"), new PythonComplex(1, -0.5));
        Object back = pickle.decode(pickle.encode(ordered));
        assertEquals(ordered, back);
        assertEquals(List.copyOf(ordered.keySet()), List.copyOf(((Map<?, ?>) back).keySet()));
        assertArrayEquals(new double[] {1.5, -0.0}, (double[]) pickle.decode(pickle.encode(new double[] {1.5, -0.0})));
        assertArrayEquals(
                new long[] {Long.MIN_VALUE}, (long[]) pickle.decode(pickle.encode(new long[] {Long.MIN_VALUE})));
    }

    private void assertRefused(Object value, String expected) {
        IOException refused = assertThrows(IOException.class, () -> pickle.encode(value));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }
}
