package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java end against the real CPython 3.11, 3.12 and 3.13, in both roles, over TCP, Unix socket files and
 * Linux abstract-namespace sockets: raw
 * messages of many sizes (up to 64 MiB once per version and role) and pickled objects, echoed by Python, then a
 * sample object each way; and a wrong key on either side. A missing interpreter fails the test.
 */
class PythonInteropTest {

    private static final String SCRIPT = "interop_peer.py";
    private static final byte[] KEY = "interop secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG_KEY = "not the secret".getBytes(StandardCharsets.US_ASCII);
    private static final int BIG_MESSAGE = 64 << 20;

    @TempDir
    Path directory;

    static Stream<Arguments> versionsAndFamilies() {
        return Stream.of("3.11", "3.12", "3.13")
                .flatMap(version -> Stream.of(
                        Arguments.of(version, "tcp"),
                        Arguments.of(version, "unix"),
                        Arguments.of(version, "abstract")));
    }

    private Address javaAddress(String family) {
        return switch (family) {
            case "tcp" -> Address.Tcp.loopback(0);
            case "unix" -> new Address.Unix(directory.resolve("java.sock"));
            default -> FramingTest.abstractAddress();
        };
    }

    /** Where interop_peer.py listens: a free TCP port, a socket file, or a fresh abstract name. */
    private String pythonListenAddress(String family) {
        return switch (family) {
            case "tcp" -> "127.0.0.1:0";
            case "unix" -> directory.resolve("python.sock").toString();
            default -> new String(FramingTest.abstractAddress().name(), StandardCharsets.US_ASCII);
        };
    }

    private static String pythonAddress(Address address) {
        return switch (address) {
            case Address.Tcp tcp -> tcp.host() + ":" + tcp.port();
            case Address.Unix unix -> unix.toString();
            case Address.Abstract abs -> new String(abs.name(), StandardCharsets.US_ASCII);
        };
    }

    /** Java listens, Python connects; the 64 MiB message travels on TCP. */
    @ParameterizedTest(name = "Python {0} client, {1}")
    @MethodSource("versionsAndFamilies")
    void javaListenerWithPythonClient(String version, String family) throws Exception {
        try (Listener listener = Listener.bind(javaAddress(family), 1, KEY);
                PythonPeer python = pythonClient(version, family, listener, KEY)) {
            exchangeThenExpectDone(python, listener.accept(), family.equals("tcp"));
        }
    }

    /** Python listens, Java connects; the 64 MiB message travels on the Unix socket. */
    @ParameterizedTest(name = "Python {0} listener, {1}")
    @MethodSource("versionsAndFamilies")
    void pythonListenerWithJavaClient(String version, String family) throws Exception {
        try (PythonPeer python = pythonListener(version, family)) {
            exchangeThenExpectDone(python, Client.connect(listeningAddress(python), KEY), family.equals("unix"));
        }
    }

    @ParameterizedTest(name = "Python {0} client with a wrong key, {1}")
    @MethodSource("versionsAndFamilies")
    void javaListenerRefusesAPythonClientWithAWrongKey(String version, String family) throws Exception {
        try (Listener listener = Listener.bind(javaAddress(family), 1, KEY);
                PythonPeer python = pythonClient(version, family, listener, WRONG_KEY)) {
            AuthenticationException refused = assertThrows(AuthenticationException.class, listener::accept);
            assertEquals("digest received was wrong", refused.getMessage());
            python.awaitLine("ERROR AuthenticationError: digest sent was rejected"::equals, 30);
            assertEquals(1, python.waitFor(30));
        }
    }

    @ParameterizedTest(name = "Python {0} listener, Java client with a wrong key, {1}")
    @MethodSource("versionsAndFamilies")
    void pythonListenerRefusesAJavaClientWithAWrongKey(String version, String family) throws Exception {
        try (PythonPeer python = pythonListener(version, family)) {
            Address address = listeningAddress(python);
            AuthenticationException refused =
                    assertThrows(AuthenticationException.class, () -> Client.connect(address, WRONG_KEY));
            assertEquals("digest sent was rejected", refused.getMessage());
            python.awaitLine("ERROR AuthenticationError: digest received was wrong"::equals, 30);
            assertEquals(1, python.waitFor(30));
        }
    }

    /** interop_peer.py connecting to {@code listener} with {@code key}. */
    private static PythonPeer pythonClient(String version, String family, Listener listener, byte[] key) {
        return PythonPeer.start(
                version,
                SCRIPT,
                "connect",
                family,
                pythonAddress(listener.address()),
                new String(key, StandardCharsets.US_ASCII));
    }

    /** interop_peer.py listening with {@link #KEY}; {@link #listeningAddress} says where. */
    private PythonPeer pythonListener(String version, String family) {
        return PythonPeer.start(
                version,
                SCRIPT,
                "listen",
                family,
                pythonListenAddress(family),
                new String(KEY, StandardCharsets.US_ASCII));
    }

    /** Waits for the address a {@link #pythonListener} listens on. */
    private static Address listeningAddress(PythonPeer python) throws InterruptedException {
        return parsePythonAddress(python.awaitLine(line -> line.startsWith("ADDRESS "), 30));
    }

    private static Address parsePythonAddress(String line) {
        String[] parts = line.split(" ", 3);
        return switch (parts[1]) {
            case "tcp" -> {
                int colon = parts[2].lastIndexOf(':');
                yield new Address.Tcp(parts[2].substring(0, colon), Integer.parseInt(parts[2].substring(colon + 1)));
            }
            case "abstract" -> new Address.Abstract(parts[2].getBytes(StandardCharsets.US_ASCII));
            default -> Address.parse(parts[2]);
        };
    }

    /** Runs the {@link #exchange} on {@code connection}, closes it, and checks that Python finished cleanly. */
    private static void exchangeThenExpectDone(PythonPeer python, Connection connection, boolean withBigMessage)
            throws IOException, InterruptedException {
        try (connection) {
            exchange(connection, withBigMessage);
        }
        python.awaitLine("DONE"::equals, 60);
        assertEquals(0, python.waitFor(30), python.output());
    }

    /** Drives interop_peer.py's exchange: echoes of bytes and objects, then the sample each way. */
    private static void exchange(Connection connection, boolean withBigMessage) throws IOException {
        Random random = new Random(11);
        List<Integer> sizes = new ArrayList<>(
                List.of(0, 1, 100, FrameWriter.SMALL_MESSAGE, FrameWriter.SMALL_MESSAGE + 1, (1 << 20) + 3));
        if (withBigMessage) {
            sizes.add(BIG_MESSAGE);
        }
        for (int size : sizes) {
            byte[] message = new byte[size];
            random.nextBytes(message);
            connection.sendBytes(message);
            assertArrayEquals(message, connection.recvBytes(), "echo of " + size + " bytes");
        }
        connection.sendBytes("END-BYTES".getBytes(StandardCharsets.US_ASCII));
        for (Object value : List.of(
                List.of(1, "a"),
                Map.of("k", List.of(2.5, true)),
                new Object[] {1, "x", new byte[] {9}},
                Set.of(-1, 2),
                BigInteger.TWO.pow(80).negate(),
                "\u20ac".repeat(20_000),
                Long.MIN_VALUE)) {
            connection.send(value);
            assertEquals(normalize(value), normalize(connection.recv()), "echo of " + normalize(value));
        }
        connection.send("END-OBJECTS");
        assertEquals(normalize(javaSample()), normalize(connection.recv()), "Python's sample");
        connection.send(javaSample());
        assertEquals(
                "OK", new String(connection.recvBytes(), StandardCharsets.UTF_8), "Python's verdict on Java's sample");
    }

    /** The Java form of interop_peer.py's SAMPLE. */
    private static Map<String, Object> javaSample() {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("none", null);
        sample.put("bool", true);
        sample.put("int", -3);
        sample.put("big", BigInteger.TWO.pow(100));
        sample.put("float", 1.5);
        sample.put("str", "h\u00e9llo");
        sample.put("bytes", new byte[] {0, (byte) 0xff});
        sample.put("list", List.of(1, "a"));
        sample.put("tuple", new Object[] {1, "a"});
        sample.put("set", new LinkedHashSet<>(List.of(7, 8)));
        sample.put("nested", Map.of("k", List.of(new byte[0], new Object[0])));
        return sample;
    }

    /** A comparable form: arrays become tagged lists, collections plain lists/sets/maps, numbers canonical. */
    private static Object normalize(Object value) {
        return switch (value) {
            case null -> "None";
            case byte[] bytes -> "bytes:" + HexFormat.of().formatHex(bytes);
            case Object[] tuple ->
                List.of(
                        "tuple",
                        Arrays.stream(tuple).map(PythonInteropTest::normalize).toList());
            case List<?> list -> list.stream().map(PythonInteropTest::normalize).toList();
            case Set<?> set ->
                Set.copyOf(set.stream().map(PythonInteropTest::normalize).toList());
            case Map<?, ?> map -> {
                Map<Object, Object> normalized = new java.util.HashMap<>();
                map.forEach((k, v) -> normalized.put(normalize(k), normalize(v)));
                yield normalized;
            }
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            default -> value;
        };
    }
}
