package dev.interproc.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.testing.HostilePayloads;
import java.io.IOException;
import java.io.InvalidClassException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Pickle (against bytes CPython wrote) and Java serialization behind its allow-list. */
class CodecTest {

    private static final HexFormat HEX = HexFormat.of();

    private final PickleCodec pickle = PickleCodec.INSTANCE;

    /** Spec 1.3's captured {@code send()} payloads, written by CPython 3.11 at protocol 4. */
    @Test
    void pickleWritesTheBytesCPythonWrites() throws IOException {
        assertEquals("80044e2e", HEX.formatHex(pickle.encode(null)));
        assertEquals(
                "8004950700000000000000430378797a942e",
                HEX.formatHex(pickle.encode("xyz".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("8004950b000000000000005d94284b018c016194652e", HEX.formatHex(pickle.encode(List.of(1, "a"))));
        assertEquals("8004950a000000000000007d948c0161944b01732e", HEX.formatHex(pickle.encode(Map.of("a", 1))));
        // pickle.dumps([(1,2,3,4), 'a', 'a', 300, 70000, -1, 2**31, -2**31-1, 2**63, 1e300, ()], protocol=4)
        List<Object> mixed = Arrays.asList(
                new Object[] {1, 2, 3, 4},
                "a",
                "a",
                300,
                70000,
                -1,
                1L << 31,
                -(1L << 31) - 1,
                BigInteger.ONE.shiftLeft(63),
                1e300,
                new Object[0]);
        assertEquals(
                "80049546000000000000005d9428284b014b024b034b0474948c01619468024d2c014a701101004affffffff8a0500000080"
                        + "008a05ffffff7fff8a09000000000000008000477e37e43c8800759c29652e",
                HEX.formatHex(pickle.encode(mixed)));
    }

    /** pickle.dumps('a\ud800b') and pickle.dumps('\U0001F600\udc80'): CPython's surrogatepass, both ways. */
    @Test
    void pickleWritesAndReadsLoneSurrogatesAsCPython() throws IOException {
        String cpython = "80049509000000000000008c0561eda08062942e";
        assertEquals(cpython, HEX.formatHex(pickle.encode("a\uD800b")));
        assertEquals("a\uD800b", pickle.decode(HEX.parseHex(cpython)));
        String pairThenLone = "8004950b000000000000008c07f09f9880edb280942e";
        assertEquals(pairThenLone, HEX.formatHex(pickle.encode("\uD83D\uDE00\uDC80")));
        assertEquals("\uD83D\uDE00\uDC80", pickle.decode(HEX.parseHex(pairThenLone)));
        IOException malformed = assertThrows(IOException.class, () -> pickle.decode(HEX.parseHex("80048c0261ff942e")));
        assertTrue(
                malformed
                        .getMessage()
                        .contains("'utf-8' codec can't decode byte 0xff in position 1: invalid start byte"),
                malformed.getMessage());
    }

    @Test
    void pickleReadsWhatCPythonWritesAtProtocols2To5() throws IOException {
        assertEquals(Map.of("a", 1), pickle.decode(HEX.parseHex("8004950a000000000000007d948c0161944b01732e")));
        Map<?, ?> sample = (Map<?, ?>)
                pickle.decode(
                        HEX.parseHex(
                                "8005958e000000000000007d94288c046e6f6e65944e8c017494888c016694898c0169944afdffffff8c03626967948a0d00000000"
                                        + "0000000000000000108c036e6567948a090000000000000000c08c02666c94473ff80000000000008c0173948c0668c3a96c6c6f"
                                        + "948c016294430200ff948c016c945d94284b014b02658c027475944b018c01619486948c027365948f94284b0790752e"));
        assertTrue(sample.containsKey("none") && sample.get("none") == null);
        assertEquals(true, sample.get("t"));
        assertEquals(false, sample.get("f"));
        assertEquals(-3, sample.get("i"));
        assertEquals(BigInteger.ONE.shiftLeft(100), sample.get("big"));
        assertEquals(BigInteger.ONE.shiftLeft(70).negate(), sample.get("neg"));
        assertEquals(1.5, sample.get("fl"));
        assertEquals("h\u00e9llo", sample.get("s"));
        assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) sample.get("b"));
        assertEquals(List.of(1, 2), sample.get("l"));
        assertArrayEquals(new Object[] {1, "a"}, (Object[]) sample.get("tu"));
        assertEquals(Set.of(7), sample.get("se"));
        // protocol 2: [1, 'a', (None,), b'xy', {3}]
        List<?> old = (List<?>)
                pickle.decode(HEX.parseHex("80025d7100284b0158010000006171014e857102635f636f646563730a656e636f64650a"
                        + "710358020000007879710458060000006c6174696e317105867106527107635f5f6275696c74696e5f5f0a7365740a71085d71094b0361"
                        + "85710a52710b652e"));
        assertEquals(1, old.get(0));
        assertEquals("a", old.get(1));
        assertArrayEquals(new Object[] {null}, (Object[]) old.get(2));
        assertArrayEquals("xy".getBytes(StandardCharsets.US_ASCII), (byte[]) old.get(3));
        assertEquals(Set.of(3), old.get(4));
    }

    @Test
    void pickleRoundTripsEverySupportedType() throws IOException {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("none", null);
        value.put("long", Long.MIN_VALUE);
        value.put("big", BigInteger.TEN.pow(40).negate());
        value.put("double", -0.25);
        value.put("set", Set.of("x", "y"));
        List<Object> nested = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            nested.add(i % 2 == 0 ? i : "s" + i);
        }
        value.put("list", nested);
        value.put("text", "\u20ac".repeat(300));
        Map<?, ?> back = (Map<?, ?>) pickle.decode(pickle.encode(value));
        assertEquals(new HashMap<>(value), new HashMap<>(back));
    }

    @Test
    void pickleRefusesOtherTypesWithAClearMessage() {
        IOException refused = assertThrows(IOException.class, () -> pickle.encode(new UUID(1, 2)));
        assertTrue(refused.getMessage().startsWith("cannot pickle java.util.UUID"), refused.getMessage());
        assertThrows(IOException.class, () -> pickle.decode(new byte[] {(byte) 0x80, 4, (byte) 0xff}));
        // BINBYTES announcing 2 GiB - 1 in a 12-byte pickle: refused before allocating.
        IOException bomb = assertThrows(IOException.class, () -> pickle.decode(HEX.parseHex("800442ffffff7f0102032e")));
        assertTrue(bomb.getMessage().contains("announces 2147483647 bytes but only 4 follow"), bomb.getMessage());
        assertThrows(IOException.class, () -> pickle.decode(HEX.parseHex("80048effffffffffffffff2e")));
    }

    @Test
    void javaSerializationRoundTripsAllowedValues() throws IOException {
        JavaSerializationCodec codec = JavaSerializationCodec.standard();
        Object value =
                new ArrayList<>(List.of(Map.of("when", LocalDate.of(2024, 2, 29)), new int[] {1, 2}, BigInteger.TWO));
        Object back = codec.decode(codec.encode(value));
        assertEquals(Map.of("when", LocalDate.of(2024, 2, 29)), ((List<?>) back).get(0));
        assertArrayEquals(new int[] {1, 2}, (int[]) ((List<?>) back).get(1));
    }

    /** The filter refuses the class from its descriptor: neither its readObject nor its superclass constructor runs. */
    @Test
    void javaSerializationRefusesClassesOutsideTheAllowListBeforeCreatingThem() throws IOException {
        JavaSerializationCodec codec = JavaSerializationCodec.standard();
        byte[] hostile = codec.encode(List.of(new SerializationProbe.Hostile()));
        SerializationProbe.reset();
        InvalidClassException refused = assertThrows(InvalidClassException.class, () -> codec.decode(hostile));
        assertTrue(
                refused.getMessage().startsWith("refused class " + SerializationProbe.Hostile.class.getName()),
                refused.getMessage());
        assertFalse(SerializationProbe.READ_OBJECT_RAN.get(), "readObject ran");
        assertFalse(SerializationProbe.CONSTRUCTOR_RAN.get(), "an instance was created");
        JavaSerializationCodec allowing = JavaSerializationCodec.builder()
                .allow(SerializationProbe.Hostile.class.getName())
                .build();
        assertInstanceOf(SerializationProbe.Hostile.class, ((List<?>) allowing.decode(hostile)).get(0));
        assertTrue(SerializationProbe.READ_OBJECT_RAN.get(), "the probe must detect deserialization when it happens");
    }

    @Test
    void javaSerializationAllowingEverythingDecodesAnyClassAndArray() throws IOException {
        JavaSerializationCodec everything =
                JavaSerializationCodec.builder().allow("*").build();
        // AtomicLong is outside the default allow-list (java.util.* is one package, not its subpackages).
        Object[] values = {
            new AtomicLong(7), new int[][] {{1, 2}, {3}}, new AtomicLong[] {new AtomicLong(8)}, List.of("a", 1)
        };
        Object[] decoded = (Object[]) everything.decode(everything.encode(values));
        assertEquals(7, ((AtomicLong) decoded[0]).get());
        assertArrayEquals(new int[] {1, 2}, ((int[][]) decoded[1])[0]);
        assertEquals(8, ((AtomicLong[]) decoded[2])[0].get());
        assertEquals(List.of("a", 1), decoded[3]);
        JavaSerializationCodec standard = JavaSerializationCodec.standard();
        assertThrows(InvalidClassException.class, () -> standard.decode(standard.encode(values)));
        // Its limits still hold.
        JavaSerializationCodec shallow =
                JavaSerializationCodec.builder().allow("*").maxDepth(2).build();
        assertThrows(InvalidClassException.class, () -> shallow.decode(shallow.encode(List.of(List.of(List.of(1))))));
    }

    @Test
    void javaSerializationLimitsDepth() throws IOException {
        JavaSerializationCodec shallow =
                JavaSerializationCodec.builder().maxDepth(5).build();
        List<Object> deep = new ArrayList<>();
        List<Object> current = deep;
        for (int i = 0; i < 10; i++) {
            List<Object> inner = new ArrayList<>();
            current.add(inner);
            current = inner;
        }
        assertThrows(InvalidClassException.class, () -> shallow.decode(shallow.encode(deep)));
    }

    /**
     * The nested-{@code HashSet} bomb: 40 levels of two sets that each hold both sets of the next level, a few
     * kilobytes of allow-listed classes whose rebuilding would take some 2<sup>40</sup> {@code hashCode} calls.
     * The default depth limit refuses it on the way down, before the first set is rebuilt.
     */
    @Test
    void javaSerializationRefusesTheNestedHashSetBombFast() throws IOException {
        Set<Object> root = HostilePayloads.nestedHashSetBomb(40);
        JavaSerializationCodec codec = JavaSerializationCodec.standard();
        byte[] bomb = codec.encode(root);
        long start = System.nanoTime();
        InvalidClassException refused = assertTimeoutPreemptively(
                Duration.ofSeconds(10), () -> assertThrows(InvalidClassException.class, () -> codec.decode(bomb)));
        System.out.printf(
                "nested HashSet bomb of %d bytes refused in %.1f ms%n", bomb.length, (System.nanoTime() - start) / 1e6);
        assertTrue(
                refused.getMessage()
                        .contains("depth 21 exceeds the maximum 20 (JavaSerializationCodec.builder()"
                                + ".maxDepth(...) sets it)"),
                refused.getMessage());
    }
}
