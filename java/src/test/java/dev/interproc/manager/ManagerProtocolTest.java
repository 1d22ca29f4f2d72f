package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.connection.AuthenticationException;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against raw protocol messages, without Python: the captured requests of spec 2.7 get the captured
 * replies, the reference counts walk as in Python, unknown names and ids give Python's tracebacks, and nothing
 * is decoded before a connection has authenticated.
 */
class ManagerProtocolTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = "protocol key".getBytes(StandardCharsets.US_ASCII);

    /** (None, 'dummy', (), {}) and ('#RETURN', None), as captured from CPython 3.11 (spec 2.7). */
    private static final String DUMMY = "8004951000000000000000284e8c0564756d6d7994297d9474942e";

    private static final String RETURN_NONE = "8004950e000000000000008c072352455455524e944e86942e";

    /** (None, 'create', ('dict',), {'a': 1}), as captured. */
    private static final String CREATE_DICT =
            "8004952000000000000000284e8c06637265617465948c04646963749485947d948c0161944b017374942e";

    @TempDir
    Path directory;

    private ManagerServer server;

    @BeforeEach
    void start() throws IOException {
        server = ManagerServer.start(new Address.Unix(directory.resolve("manager.sock")), KEY);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void capturedDummyRequestGetsTheCapturedReply() throws IOException {
        try (Connection connection = Client.connect(server.address(), KEY)) {
            connection.sendBytes(HEX.parseHex(DUMMY));
            assertEquals(RETURN_NONE, HEX.formatHex(connection.recvBytes()));
        }
    }

    /** Spec 2.3's raw walk: create, incref, decref, decref (gone), and a further decref is a KeyError. */
    @Test
    void referenceCountsWalkAsInPython() throws IOException {
        Object[] created = (Object[]) reply(HEX.parseHex(CREATE_DICT), "#RETURN");
        String ident = (String) created[0];
        assertEquals(DictReferent.EXPOSED, List.of((Object[]) created[1]));
        assertEquals(1, server.numberOfObjects());
        assertEquals(1, serverCall("number_of_objects"));
        assertTrue(((String) serverCall("debug_info")).contains(ident + ":       refcount=1\n    {'a': 1}"));

        serverCall("incref", ident);
        assertTrue(((String) serverCall("debug_info")).contains("refcount=2"));
        serverCall("decref", ident);
        serverCall("decref", ident);
        assertEquals(0, server.numberOfObjects());
        String traceback = (String) reply(request(null, "decref", ident), "#TRACEBACK");
        assertTrue(traceback.startsWith("Traceback (most recent call last):\n"), traceback);
        assertTrue(traceback.endsWith("\nKeyError: '" + ident + "'\n"), traceback);
    }

    @Test
    void unknownFunctionsTypesAndIdentsAreTracebacks() throws IOException {
        assertTrue(((String) reply(request(null, "bogus"), "#TRACEBACK"))
                .endsWith("AssertionError: 'bogus' unrecognized\n"));
        assertTrue(((String) reply(request(null, "create", "no such type"), "#TRACEBACK"))
                .endsWith("KeyError: 'no such type'\n"));
        try (Connection channel = channel()) {
            assertTrue(((String) call(channel, request("nonexistent-id", "get"), "#TRACEBACK"))
                    .endsWith("KeyError: 'nonexistent-id'\n"));
        }
    }

    /** A method-call channel: calls, Python's error kinds, the fallbacks, and a decoding failure it survives. */
    @Test
    void methodCallChannelAnswersEveryRequest() throws IOException {
        String ident = (String) ((Object[]) reply(request(null, "create", "dict"), "#RETURN"))[0];
        try (Connection channel = channel()) {
            assertEquals(null, call(channel, request(ident, "__setitem__", "b", 2), "#RETURN"));
            assertEquals(2, call(channel, request(ident, "__getitem__", "b"), "#RETURN"));
            assertInstanceOf(Exception.class, call(channel, request(ident, "__getitem__", "zzz"), "#ERROR"));
            assertTrue(((String) call(channel, request(ident, "not_exposed"), "#TRACEBACK"))
                    .contains("AttributeError: method 'not_exposed' of <class 'dict'> object is not in exposed="));
            assertEquals(Map.of("b", 2), call(channel, request(ident, "#GETVALUE"), "#RETURN"));
            assertEquals("{'b': 2}", call(channel, request(ident, "__repr__"), "#RETURN"));

            // os.system('true') (posix.system): a pickle that would run code is refused, and the channel keeps serving.
            channel.sendBytes(HEX.parseHex(
                    "8004951f000000000000008c05706f736978948c0673797374656d9493948c0474727565948594" + "52942e"));
            Object[] refused = (Object[]) Protocol.CODEC.decode(channel.recvBytes());
            assertEquals("#TRACEBACK", refused[0]);
            assertTrue(((String) refused[1]).contains("posix.system"), (String) refused[1]);
            assertEquals(1, call(channel, request(ident, "__len__"), "#RETURN"));
        }
    }

    /**
     * The Java server's extension: server functions with ident None on a method-call channel, which the Java
     * client uses for create/incref/decref (Python's server answers them with a KeyError traceback).
     */
    @Test
    void serverFunctionsAnswerOnAChannelToo() throws IOException {
        try (Connection channel = channel()) {
            assertEquals(null, call(channel, request(null, "dummy"), "#RETURN"));
            String ident = (String) ((Object[]) call(channel, request(null, "create", "dict"), "#RETURN"))[0];
            assertEquals(null, call(channel, request(null, "incref", ident), "#RETURN"));
            assertEquals(1, call(channel, request(null, "number_of_objects"), "#RETURN"));
            assertEquals(null, call(channel, request(null, "decref", ident), "#RETURN"));
            assertEquals(null, call(channel, request(null, "decref", ident), "#RETURN"));
            assertEquals(0, server.numberOfObjects());
            assertTrue(((String) call(channel, request(null, "shutdown"), "#TRACEBACK"))
                    .endsWith("ValueError: shutdown is not served on a method-call channel\n"));
            assertTrue(((String) call(channel, request(null, "bogus"), "#TRACEBACK"))
                    .endsWith("AssertionError: 'bogus' unrecognized\n"));
            assertEquals(null, call(channel, request(null, "dummy"), "#RETURN"));
        }
        assertEquals(0, serverCall("number_of_objects"));
    }

    /** A shutdown request is answered, then the server stops and removes its socket. */
    @Test
    void shutdownRequestStopsTheServer() throws Exception {
        assertEquals(null, serverCall("shutdown"));
        assertTrue(server.awaitShutdown(Duration.ofSeconds(10)));
        assertThrows(IOException.class, () -> Client.connect(server.address(), KEY));
    }

    /**
     * A client that skips the handshake and sends a request first: the server takes it as the answer to its
     * challenge, refuses it, and never decodes it (no object is created); the server goes on serving.
     */
    @Test
    void nothingIsDecodedBeforeTheHandshake() throws IOException {
        try (SocketChannel raw =
                SocketChannel.open(UnixDomainSocketAddress.of(((Address.Unix) server.address()).path()))) {
            ManagerBadInputTest.readFrame(raw); // the server's challenge
            byte[] create = HEX.parseHex(CREATE_DICT);
            raw.write(ByteBuffer.allocate(4 + create.length)
                    .putInt(create.length)
                    .put(create)
                    .flip());
            assertEquals("#FAILURE#", new String(ManagerBadInputTest.readFrame(raw), StandardCharsets.US_ASCII));
        }
        assertEquals(0, server.numberOfObjects());
        AuthenticationException wrongKey =
                assertThrows(AuthenticationException.class, () -> Client.connect(server.address(), "other".getBytes()));
        assertEquals("digest sent was rejected", wrongKey.getMessage());
        assertEquals(0, serverCall("number_of_objects"));
    }

    private Connection channel() throws IOException {
        Connection channel = Client.connect(server.address(), KEY);
        assertEquals(null, call(channel, request(null, "accept_connection", "test channel"), "#RETURN"));
        return channel;
    }

    private Object serverCall(String function, Object... args) throws IOException {
        return reply(request(null, function, args), "#RETURN");
    }

    /** One server-level request on a fresh connection, as Python's client makes it. */
    private Object reply(byte[] request, String kind) throws IOException {
        try (Connection connection = Client.connect(server.address(), KEY)) {
            return call(connection, request, kind);
        }
    }

    private static Object call(Connection connection, byte[] request, String kind) throws IOException {
        connection.sendBytes(request);
        Object[] reply = (Object[]) Protocol.CODEC.decode(connection.recvBytes());
        assertEquals(kind, reply[0], () -> String.valueOf(reply[1]));
        return reply[1];
    }

    private static byte[] request(String ident, String method, Object... args) throws IOException {
        return Protocol.CODEC.encode(new Object[] {ident, method, args, Map.of()});
    }
}
