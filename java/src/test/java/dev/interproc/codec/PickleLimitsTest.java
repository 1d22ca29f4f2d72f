package dev.interproc.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile pickles: each bounded by a limit that names itself, or decoded in time linear in its size. The
 * timings are printed, not asserted (the machine is shared); each case is about 1 MB.
 */
class PickleLimitsTest {

    private static final String DIGIT_LIMIT =
            "exceeds the limit of 4300 digits for text ints" + " (PickleCodec.builder().maxIntDigits(...) sets it";
    private static final String DEPTH_LIMIT =
            "exceeds the limit of 1000 levels (PickleCodec.builder().maxDepth(...) sets it)";
    private static final int DEEP = 100_000;

    private final PickleCodec pickle = PickleCodec.INSTANCE;

    @Test
    void textIntsOverTheDigitLimitAreRefusedAsCPythonRefusesThem() throws IOException {
        String limit = "1".repeat(4300);
        assertEquals(new BigInteger(limit), pickle.decode(pickle("L" + limit + "L\n.")));
        assertEquals(new BigInteger("-" + limit), pickle.decode(pickle("I-" + limit + "\n.")));
        assertRefused(DIGIT_LIMIT, "LONG of 4301 digits", pickle("L" + limit + "1L\n."));
        assertRefused(DIGIT_LIMIT, "INT of 4301 digits", pickle("I" + limit + "1\n."));
        PickleCodec generous = PickleCodec.builder().maxIntDigits(5000).build();
        assertEquals(new BigInteger(limit + "1"), generous.decode(pickle("L" + limit + "1L\n.")));
        assertEquals(true, pickle.decode(pickle("I01\n.")));
        assertEquals(-7, pickle.decode(pickle("I-7\n.")));
        assertEquals(1L << 40, pickle.decode(pickle("I" + (1L << 40) + "\n.")));
    }

    @Test
    void valuesNestedDeeperThanTheLimitAreRefusedNamingIt() throws IOException {
        // (((...))) as MARKs then FROZENSET / LIST / TUPLE opcodes, each closing the innermost.
        assertRefused(DEPTH_LIMIT, "frozensets " + DEEP + " deep", nested("(", "\u0091"));
        assertRefused(DEPTH_LIMIT, "lists " + DEEP + " deep", nested("(", "l"));
        assertRefused(DEPTH_LIMIT, "tuples " + DEEP + " deep", nested("(", "t"));
        assertRefused(DEPTH_LIMIT, "TUPLE1s " + DEEP + " deep", pickle("N" + "\u0085".repeat(DEEP) + "."));
        // {0: {0: ...}}: a MARK and a key per level, then the innermost {} and one DICT per level.
        assertRefused(
                DEPTH_LIMIT, "dicts " + DEEP + " deep", pickle("(K\0".repeat(DEEP) + "}" + "d".repeat(DEEP) + "."));
        assertRefused(DEPTH_LIMIT, "lists built top-down through the memo", topDownLists(DEEP));
        assertEquals(1000, depth(pickle.decode(nested(1000, "(", "l"))));
        assertRefused(DEPTH_LIMIT, "lists 1001 deep", nested(1001, "(", "l"));
        assertEquals(2000, depth(PickleCodec.builder().maxDepth(2000).build().decode(nested(2000, "(", "l"))));
    }

    /**
     * A too deep value is refused as it is built, once it passes the limit, not after the whole pickle was read:
     * the same nestings followed by bytes that are no pickle at all are refused for their depth, not for the
     * garbage.
     */
    @Test
    void aTooDeepValueIsRefusedBeforeTheRestOfThePickleIsRead() {
        String garbage = "\u00ff".repeat(16);
        assertRefused(DEPTH_LIMIT, "TUPLE1s, then garbage", pickle("N" + "\u0085".repeat(DEEP) + garbage));
        assertRefused(DEPTH_LIMIT, "lists, then garbage", pickle("(".repeat(DEEP) + "l".repeat(DEEP) + garbage));
        assertRefused(
                DEPTH_LIMIT, "frozensets, then garbage", pickle("(".repeat(DEEP) + "\u0091".repeat(DEEP) + garbage));
        assertRefused(
                DEPTH_LIMIT, "appended lists, then garbage", pickle("]".repeat(DEEP) + "a".repeat(DEEP - 1) + garbage));
        assertRefused(
                "MARKs open at once (a value takes at most two per level) exceeds the limit of 1000 levels",
                "MARKs alone, then garbage",
                pickle("(".repeat(DEEP) + garbage));
    }

    /**
     * MARKs that CPython writes for values within the depth limit are never refused for their number: protocol 0
     * closes a recursive tuple with POP POP (a POP of the MARK), and protocol 1 builds a frozenset as a class call
     * whose argument tuple holds a list, two MARKs per level (bytes from CPython 3.13).
     */
    @Test
    void marksThatCPythonWritesWithinTheDepthLimitDecode() throws IOException {
        StringBuilder recursiveTuples = new StringBuilder("(lp0\n"); // [t0, t1, ...], each t = ([t],)
        for (int i = 0; i < 1500; i++) {
            int list = 2 * i + 1;
            int tuple = 2 * i + 2;
            recursiveTuples.append("((lp" + list + "\n(g" + list + "\ntp" + tuple + "\na00g" + tuple + "\na");
        }
        recursiveTuples.append('.');
        List<?> tuples = (List<?>) pickle.decode(recursiveTuples.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(1500, tuples.size());
        byte[] frozensetsElevenDeep = HexFormat.of()
                .parseHex("635f5f6275696c74696e5f5f0a66726f7a656e7365740a7100285d71016800285d71026800285d71036800285d"
                        + "71046800285d71056800285d71066800285d71076800285d71086800285d71096800285d710a6800285d710b4b01"
                        + "6174710c52710d6174710e52710f61747110527111617471125271136174711452711561747116527117617471185"
                        + "271196174711a52711b6174711c52711d6174711e52711f617471205271212e");
        Object outer = PickleCodec.builder().maxDepth(12).build().decode(frozensetsElevenDeep);
        int levels = 0;
        for (Object inner = outer;
                inner instanceof Set<?> set;
                inner = set.iterator().next()) {
            levels++;
        }
        assertEquals(11, levels);
    }

    /** {'a': None} is pickled with SETITEM; a None value is a value like any other. */
    @Test
    void aDictItemWhoseValueIsNoneDecodes() throws IOException {
        Map<Object, Object> expected = new HashMap<>();
        expected.put("a", null);
        assertEquals(expected, pickle.decode(pickle("}\u008c\u0001aNs.")));
        assertEquals(List.of(Arrays.asList((Object) null)), pickle.decode(pickle("]]Na" + "a.")));
    }

    /** A list that holds itself, as Python allows: a cycle adds no depth and decodes. */
    @Test
    void aListHoldingItselfDecodes() throws IOException {
        List<?> self = (List<?>) pickle.decode(pickle("]\u0094h\0a."));
        assertTrue(self.get(0) == self);
    }

    /** As CPython: "unhashable type". Their Java hash would recurse through all they hold, and they can change. */
    @Test
    void listsDictsAndSetsAreRefusedAsKeysAndElements() {
        assertRefused(
                "unhashable type: 'list' as a set element or dict key", "a list in a frozenset", pickle("((l\u0091."));
        assertRefused("unhashable type: 'dict'", "a dict as a key", pickle("}}N\u0073."));
        assertRefused("unhashable type: 'set'", "a set in a set", pickle("\u008f(\u008f\u0090."));
        assertRefused("ADDITEMS on a frozenset", "adding to a frozenset", pickle("(\u0091(K\1\u0090."));
    }

    /** Different frozensets with one hash, which Java's hash tables compare pairwise: 20,000 took 90 s. */
    @Test
    void aFloodOfFrozensetsWithOneHashIsRefused() throws IOException {
        assertRefused("a hash-collision flood", "20,000 frozensets with one hash", collidingFrozensets(20_000));
        assertEquals(200, ((Set<?>) pickle.decode(collidingFrozensets(200))).size());
    }

    /**
     * complex(x, y) keys whose record hashes collide: ordered, so Java's hash tables stay logarithmic (25,000
     * took 8.4 s unordered, 80 ms ordered).
     */
    @Test
    void collidingComplexKeysDecodeInLinearTime() {
        Map<?, ?> dict = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> (Map<?, ?>) pickle.decode(collidingComplexKeys(25_000)));
        assertEquals(25_000, dict.size());
    }

    @Test
    void frozensetsNestInSetsAndCompareEqualToSets() throws IOException {
        Set<?> outer = (Set<?>) pickle.decode(pickle("\u008f((K\1\u0091\u0090."));
        assertEquals(Set.of(Set.of(1)), outer);
        Set<?> inner = (Set<?>) outer.iterator().next();
        assertEquals(Set.of(1).hashCode(), inner.hashCode());
        assertThrows(UnsupportedOperationException.class, () -> inner.remove(1));
    }

    /** Each hostile pickle of about 1 MB is decoded or refused; how long each took is printed. */
    @Test
    void hostileMegabytePicklesDecodeOrAreRefusedInLinearTime() throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("LONG of 1,000,000 digits", pickle("L" + "7".repeat(1_000_000) + "L\n."));
        cases.put("INT of 1,000,000 digits", pickle("I" + "7".repeat(1_000_000) + "\n."));
        cases.put("FLOAT of 1,000,000 digits", pickle("F0." + "7".repeat(1_000_000) + "\n."));
        cases.put("frozensets 500,000 deep", nested(500_000, "(", "\u0091"));
        cases.put("lists 500,000 deep", nested(500_000, "(", "l"));
        cases.put("TUPLE1s 1,000,000 deep", pickle("N" + "\u0085".repeat(1_000_000) + "."));
        cases.put("lists 110,000 deep, top-down through the memo", topDownLists(110_000));
        cases.put("frozenset DAG 400 levels (2^400 paths)", frozensetDag(400));
        cases.put("90,000 frozensets with one hash in a set", collidingFrozensets(90_000));
        cases.put("25,000 complex keys with one hash in a dict", collidingComplexKeys(25_000));
        cases.put("flat list of 200,000 ints", pickle("(" + "J\1\2\3\4".repeat(200_000) + "l."));
        cases.put("200,000 MARKs", pickle("(".repeat(200_000) + "N."));
        for (Map.Entry<String, byte[]> hostile : cases.entrySet()) {
            long start = System.nanoTime();
            String outcome;
            try {
                Object value = pickle.decode(hostile.getValue());
                outcome = "decoded to a "
                        + (value == null ? "None" : value.getClass().getSimpleName());
            } catch (IOException e) {
                outcome = "refused: " + e.getMessage();
            }
            System.out.printf(
                    "%-48s %8d bytes %8.1f ms  %s%n",
                    hostile.getKey(), hostile.getValue().length, (System.nanoTime() - start) / 1e6, outcome);
        }
    }

    /**
     * F(k+1) = frozenset({F(k), G(k)}) with G(k) = frozenset({F(k), 1}): both members hold F(k), so hashing
     * F(k) afresh at every use would cost 2^k; cached, each is hashed once.
     */
    @Test
    void aFrozensetDagDecodesAsFastAsItsSize() {
        Set<?> top = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> (Set<?>) pickle.decode(frozensetDag(400)));
        assertEquals(2, top.size());
    }

    private static byte[] frozensetDag(int levels) {
        // Memo 2k holds F(k), memo 2k+1 holds G(k); F(0) = frozenset({0}). POPs leave only F(k) on the stack.
        StringBuilder text = new StringBuilder("(K\0\u0091\u0094");
        for (int k = 0; k < levels - 1; k++) {
            text.append("0(").append(get(2 * k)).append("K\1\u0091\u0094");
            text.append("0(").append(get(2 * k)).append(get(2 * k + 1)).append("\u0091\u0094");
        }
        return pickle(text.append('.').toString());
    }

    /**
     * {complex(x, y): 0, ...} where the bits of x are i and those of y make 31 * hash(x) + hash(y) the same for
     * every i (a double whose high 32 bits are 0 hashes to its low 32).
     */
    private static byte[] collidingComplexKeys(int count) {
        StringBuilder text = new StringBuilder("}(");
        for (int i = 0; i < count; i++) {
            text.append("\u008c\u0008builtins\u008c\u0007complex\u0093");
            text.append(binFloat(i)).append(binFloat(-31 * i & 0xffffffffL)).append("\u0086RK\0");
        }
        return pickle(text.append("u.").toString());
    }

    /** BINFLOAT of the double with these bits, big-endian. */
    private static String binFloat(long bits) {
        StringBuilder text = new StringBuilder("G");
        for (int shift = 56; shift >= 0; shift -= 8) {
            text.append((char) (bits >>> shift & 0xff));
        }
        return text.toString();
    }

    /** frozenset({i, 1000000 - i}) for each i, in one set: their Java hashes, sums of the elements', collide. */
    private static byte[] collidingFrozensets(int count) {
        StringBuilder text = new StringBuilder("\u008f(");
        for (int i = 0; i < count; i++) {
            text.append("(").append(binInt(i)).append(binInt(1_000_000 - i)).append("\u0091");
        }
        return pickle(text.append("\u0090.").toString());
    }

    private static String binInt(int value) {
        return "J" + (char) (value & 0xff) + (char) (value >>> 8 & 0xff) + (char) (value >>> 16 & 0xff)
                + (char) (value >>> 24);
    }

    /** LONG_BINGET of a memo index, as latin-1 characters. */
    private static String get(int index) {
        return "j" + binInt(index).substring(1);
    }

    /** L(0) = [], then per level: L(k+1) = [] appended to L(k) after L(k) is already nested: depth unseen when built. */
    private static byte[] topDownLists(int levels) {
        StringBuilder text = new StringBuilder("]\u0094");
        for (int k = 0; k < levels; k++) {
            text.append(get(k)).append("]\u0094a0");
        }
        return pickle(text.append(get(0)).append('.').toString());
    }

    private static byte[] nested(String open, String close) {
        return nested(DEEP, open, close);
    }

    private static byte[] nested(int depth, String open, String close) {
        return pickle(open.repeat(depth) + close.repeat(depth) + ".");
    }

    /** A protocol 4 pickle of {@code body}, whose characters are bytes (latin-1). */
    private static byte[] pickle(String body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0x80);
        bytes.write(4);
        bytes.writeBytes(body.getBytes(StandardCharsets.ISO_8859_1));
        return bytes.toByteArray();
    }

    private void assertRefused(String expected, String what, byte[] hostile) {
        long start = System.nanoTime();
        IOException refused = assertThrows(IOException.class, () -> pickle.decode(hostile), what);
        System.out.printf(
                "%-48s %8d bytes refused in %7.1f ms%n", what, hostile.length, (System.nanoTime() - start) / 1e6);
        assertTrue(refused.getMessage().contains(expected), what + ": " + refused.getMessage());
    }

    /** How many lists nest in {@code value}, following first elements. */
    private static int depth(Object value) {
        int depth = 0;
        for (Object inner = value; inner instanceof List<?> list; inner = list.isEmpty() ? null : list.get(0)) {
            depth++;
        }
        return depth;
    }
}
