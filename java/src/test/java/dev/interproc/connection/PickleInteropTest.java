package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.PickleCodec;
import dev.interproc.codec.PythonClass;
import dev.interproc.codec.PythonComplex;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PickleCodec} against the real CPython 3.11, 3.12 and 3.13's {@code pickle}, value by value: what one
 * side pickles, the other loads to an equal value (strings and the mapped types of docs/connection.md), and
 * what CPython refuses to load, Java refuses too. (Here
 * rather than in the codec's package for {@link PythonPeer}, which finds and runs the interpreters.)
 */
class PickleInteropTest {

    private static final PickleCodec PICKLE = PickleCodec.INSTANCE;

    /** pickle_peer.py's "strings" suite, index for index. */
    private static final List<String> STRINGS = List.of(
            "",
            "ascii",
            "h\u00e9llo \u20ac \uD83D\uDE00",
            "a\uD800b",
            "\uDFFF",
            "x".repeat(300) + "\uDC80",
            "back\\slash\nnew line \\u0041 \\\\u0042");

    /** Lone surrogates included: CPython pickles them with surrogatepass, and so must Java, not as '?'. */
    @ParameterizedTest(name = "Python {0}")
    @ValueSource(strings = {"3.11", "3.12", "3.13"})
    void stringsTravelLosslesslyBothWays(String version) throws Exception {
        List<String> check = new ArrayList<>(List.of("check", "strings"));
        for (int i = 0; i < STRINGS.size(); i++) {
            check.add(i + ":" + Hex.text(PICKLE.encode(STRINGS.get(i))));
        }
        List<String> results = run(version, check);
        for (int i = 0; i < STRINGS.size(); i++) {
            assertEquals("EQUAL " + i, results.get(i), "Java's pickle of string " + i + " loaded in Python " + version);
        }
        for (String line : run(version, List.of("dump", "strings"))) {
            String[] fields = line.split(" ");
            assertEquals(
                    STRINGS.get(Integer.parseInt(fields[1])),
                    PICKLE.decode(Hex.bytes(fields[3])),
                    "Python " + version + "'s protocol " + fields[2] + " pickle of string " + fields[1]);
        }
    }

    /** A class of the user's: pickle_peer.py's Point, which pickles as {@code Point(x, y)}. */
    record Point(Object x, Object y) {}

    /** pickle_peer.py's "types" suite: the Java type each value decodes to, index for index. */
    private static final List<Class<?>> TYPES = List.of(
            LocalDateTime.class,
            OffsetDateTime.class,
            OffsetDateTime.class,
            LocalDate.class,
            LocalTime.class,
            OffsetTime.class,
            Duration.class,
            Duration.class,
            ZoneOffset.class,
            BigDecimal.class,
            BigDecimal.class,
            BigDecimal.class,
            PythonComplex.class,
            PythonComplex.class,
            LinkedHashMap.class,
            double[].class,
            float[].class,
            short[].class,
            short[].class,
            short[].class,
            int[].class,
            int[].class,
            long[].class,
            long[].class,
            long[].class,
            long[].class,
            long[].class,
            Point.class,
            ArrayList.class);

    /**
     * Python to Java to Python: every value of the "types" suite, pickled by CPython at protocols 0 to 5, decodes
     * to its mapped Java type, and Java's pickle of that loads in CPython as a value equal to the original, of
     * the same type.
     */
    @ParameterizedTest(name = "Python {0}")
    @ValueSource(strings = {"3.11", "3.12", "3.13"})
    void typesComeBackEqualFromARoundTripThroughJava(String version) throws Exception {
        PickleCodec codec = PickleCodec.builder()
                .register(new PythonClass<>(
                        "__main__", "Point", Point.class, arguments -> new Point(arguments[0], arguments[1]), point ->
                                new Object[] {point.x(), point.y()}))
                .build();
        List<String> check = new ArrayList<>(List.of("check", "types"));
        for (String line : run(version, List.of("dump", "types"))) {
            String[] fields = line.split(" ");
            int index = Integer.parseInt(fields[1]);
            Object value = codec.decode(Hex.bytes(fields[3]));
            assertEquals(TYPES.get(index), value.getClass(), "value " + index + " at protocol " + fields[2]);
            check.add(index + ":" + Hex.text(codec.encode(value)));
        }
        List<String> results = run(version, check);
        assertEquals(TYPES.size() * 6, results.size());
        for (String result : results) {
            assertTrue(result.startsWith("EQUAL "), result + " in Python " + version);
        }
    }

    /** Malformed text: CPython raises, and where Pyrolite put U+FFFD, Java now refuses too. */
    @ParameterizedTest(name = "Python {0}")
    @ValueSource(strings = {"3.11", "3.12", "3.13"})
    void malformedTextIsRefusedAsCPythonRefusesIt(String version) throws Exception {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("SHORT_BINUNICODE with 0xff", "80048c0261ff942e");
        hostile.put("SHORT_BINUNICODE cut short in a sequence", "80048c02e282942e");
        hostile.put("BINUNICODE with an overlong '/'", "80045802000000c0af942e");
        hostile.put("BINUNICODE above U+10FFFF", "80045804000000f4908080942e");
        hostile.put("BINUNICODE8 with a lone continuation byte", "80048d0100000000000000802e");
        hostile.put("UNICODE with a truncated \\u escape", "800056615c7531320a2e");
        hostile.put("UNICODE with \\U above U+10FFFF", "800056615c5530303131303030300a2e");
        List<String> load = new ArrayList<>(List.of("load"));
        load.addAll(hostile.values());
        List<String> results = run(version, load);
        int i = 0;
        for (Map.Entry<String, String> pickle : hostile.entrySet()) {
            assertEquals(
                    "RAISES " + i + " UnicodeDecodeError", results.get(i), pickle.getKey() + " in Python " + version);
            assertThrows(IOException.class, () -> PICKLE.decode(Hex.bytes(pickle.getValue())), pickle.getKey());
            i++;
        }
    }

    /** Runs pickle_peer.py; returns its lines before DONE, after checking that it ended well. */
    private static List<String> run(String version, List<String> arguments) throws InterruptedException {
        try (PythonPeer python = PythonPeer.start(version, "pickle_peer.py", arguments.toArray(String[]::new))) {
            assertEquals(0, python.waitFor(60), python.output());
            List<String> lines = Arrays.asList(python.output().split("\n"));
            assertEquals("DONE", lines.getLast(), python.output());
            return lines.subList(0, lines.size() - 1);
        }
    }
}
