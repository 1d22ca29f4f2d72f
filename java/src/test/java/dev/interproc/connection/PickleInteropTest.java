package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.interproc.codec.PickleCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PickleCodec} against the real CPython 3.11, 3.12 and 3.13's {@code pickle}, value by value: what one
 * side pickles, the other loads to an equal value, and what CPython refuses to load, Java refuses too. (Here
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
        for (String text : STRINGS) {
            check.add(Hex.text(PICKLE.encode(text)));
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
