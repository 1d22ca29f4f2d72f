package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the captured transcripts of spec 1.7.4 byte for byte: the Java end, with its random source replaced as
 * in the captures (server R = 00.., client R = 80..), talks to a scripted peer that writes the captured bytes of
 * the Python end and checks every byte the Java end writes.
 */
class TranscriptTest {

    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG = "wrong".getBytes(StandardCharsets.US_ASCII);
    private static final IntFunction<byte[]> SERVER_RANDOM = count -> Hex.range(0x00, count);
    private static final IntFunction<byte[]> CLIENT_RANDOM = count -> Hex.range(0x80, count);

    private static final String CHALLENGE_SHA256_SERVER =
            "0000003b234348414c4c454e4745237b7368613235367d" + Hex.text(Hex.range(0x00, 40));
    private static final String CHALLENGE_SHA256_CLIENT =
            "0000003b234348414c4c454e4745237b7368613235367d" + Hex.text(Hex.range(0x80, 40));
    private static final String CHALLENGE_LEGACY_SERVER =
            "0000001f234348414c4c454e474523" + Hex.text(Hex.range(0x00, 20));
    private static final String CHALLENGE_LEGACY_CLIENT =
            "0000001f234348414c4c454e474523" + Hex.text(Hex.range(0x80, 20));
    private static final String WELCOME = "000000092357454c434f4d4523";
    private static final String FAILURE = "00000009234641494c55524523";
    private static final String APP_CLIENT_TO_SERVER = "0000000b68656c6c6f20776f726c64";
    private static final String APP_SERVER_TO_CLIENT =
            "00000000" + "000000158004950a000000000000007d948c0161944b01732e";

    @TempDir
    Path directory;

    /** Runs a Java listener (deterministic random) and hands the test the raw client socket. */
    private interface ClientScript {
        void run(RawPeer client) throws Exception;
    }

    /** Runs a Java server against the scripted client; returns what accept() and the app exchange produced. */
    private CompletableFuture<Connection> javaServer(byte[] key, ClientScript script) throws Exception {
        Path socket = directory.resolve("server.sock");
        try (Listener listener = Listener.builder(new Address.Unix(socket))
                .authkey(key)
                .random(SERVER_RANDOM)
                .bind()) {
            CompletableFuture<Connection> accepted = InBackground.supply(() -> {
                Connection connection = listener.accept();
                assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), connection.recvBytes());
                connection.sendBytes(new byte[0]);
                connection.send(Map.of("a", 1));
                return connection;
            });
            try (RawPeer client = new RawPeer(SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket)))) {
                script.run(client);
            }
            return outcome(accepted);
        }
    }

    /**
     * What the Java side's future came to once the script has run: closed and returned when it succeeded, else a
     * future failed with the innermost cause, so that tests see the handshake's own exception.
     */
    private static CompletableFuture<Connection> outcome(CompletableFuture<Connection> javaSide) throws Exception {
        try {
            javaSide.get(30, TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            return CompletableFuture.failedFuture(
                    e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause());
        }
        return javaSide;
    }

    private static void expect(RawPeer peer, String hex) throws IOException {
        byte[] expected = Hex.bytes(hex);
        assertEquals(hex, Hex.text(peer.read(expected.length)));
    }

    /** V4, Java as the 3.12 server: the whole server-to-client stream equals the capture. */
    @Test
    void v4JavaServerWithPython312Client() throws Exception {
        javaServer(SECRET, client -> {
                    expect(client, CHALLENGE_SHA256_SERVER);
                    client.write(
                            "000000287b7368613235367dfc57fbe650d6124b98215e7b5d197d5807ad69982d275a9735ea2d56f1fa6989");
                    expect(client, WELCOME);
                    client.write(CHALLENGE_SHA256_CLIENT);
                    expect(
                            client,
                            "000000287b7368613235367dc7558206f53527f232e4c2d810fa62449467e325a24ba2ff74b94ebfd271e583");
                    client.write(WELCOME);
                    client.write(APP_CLIENT_TO_SERVER);
                    expect(client, APP_SERVER_TO_CLIENT);
                })
                .get();
    }

    /** V6, Java as the new server, a 3.11 client answering with raw MD5 and sending a legacy challenge. */
    @Test
    void v6JavaServerWithPython311Client() throws Exception {
        javaServer(SECRET, client -> {
                    expect(client, CHALLENGE_SHA256_SERVER);
                    client.write("00000010" + "8e48d2bb349b4b72b9382999ed5b62eb");
                    expect(client, WELCOME);
                    client.write(CHALLENGE_LEGACY_CLIENT);
                    expect(client, "00000010" + "853ac2883af57cefa5d6df14aa501ca0");
                    client.write(WELCOME);
                    client.write(APP_CLIENT_TO_SERVER);
                    expect(client, APP_SERVER_TO_CLIENT);
                })
                .get();
    }

    /** V5 and V6's wrong-key variant: the Java server answers FAILURE and accept() fails. */
    @Test
    void wrongClientKeyIsRefusedByTheJavaServer() throws Exception {
        for (String response : new String[] {
            "000000287b7368613235367dc26d7460dd15c6dd4aa92917821afa7f1a9e7c80ee0553b0318ccc37a2fb373a",
            "00000010" + "5e742029b3e2b6a12c67db78cd1f4f74"
        }) {
            CompletableFuture<Connection> server = javaServer(SECRET, client -> {
                expect(client, CHALLENGE_SHA256_SERVER);
                client.write(response);
                expect(client, FAILURE);
            });
            ExecutionException failed = assertThrows(ExecutionException.class, server::get);
            assertEquals(AuthenticationException.class, failed.getCause().getClass());
            assertEquals("digest received was wrong", failed.getCause().getMessage());
        }
    }

    /** Runs a Java client (deterministic random) against a scripted server; returns the client's outcome. */
    private CompletableFuture<Connection> javaClient(byte[] key, ClientScript serverScript) throws Exception {
        Path socket = directory.resolve("client.sock");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = RawPeer.rawServer(socket)) {
            CompletableFuture<Connection> connected = InBackground.supply(() -> {
                Connection connection = Client.builder(new Address.Unix(socket))
                        .authkey(key)
                        .random(CLIENT_RANDOM)
                        .connect();
                connection.sendBytes("hello world".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals(new byte[0], connection.recvBytes());
                assertEquals(Map.of("a", 1), connection.recv());
                return connection;
            });
            try (RawPeer peer = new RawPeer(server.accept())) {
                serverScript.run(peer);
                return outcome(connected);
            }
        }
    }

    /** V4, Java as the 3.12 client: the whole client-to-server stream equals the capture. */
    @Test
    void v4JavaClientWithPython312Server() throws Exception {
        javaClient(SECRET, server -> {
                    server.write(CHALLENGE_SHA256_SERVER);
                    expect(
                            server,
                            "000000287b7368613235367dfc57fbe650d6124b98215e7b5d197d5807ad69982d275a9735ea2d56f1fa6989");
                    server.write(WELCOME);
                    expect(server, CHALLENGE_SHA256_CLIENT);
                    server.write(
                            "000000287b7368613235367dc7558206f53527f232e4c2d810fa62449467e325a24ba2ff74b94ebfd271e583");
                    expect(server, WELCOME);
                    expect(server, APP_CLIENT_TO_SERVER);
                    server.write(APP_SERVER_TO_CLIENT);
                })
                .get();
    }

    /** V7 (and V1's first round), Java as the new client of a 3.11 server. */
    @Test
    void v7JavaClientWithPython311Server() throws Exception {
        javaClient(SECRET, server -> {
                    server.write(CHALLENGE_LEGACY_SERVER);
                    expect(server, "00000010" + "7defa9cc46abc3583325d17ccda75190");
                    server.write(WELCOME);
                    expect(server, CHALLENGE_SHA256_CLIENT);
                    server.write("00000010" + "dcd0926815af6e2a3d8a103486872f8b");
                    expect(server, WELCOME);
                    expect(server, APP_CLIENT_TO_SERVER);
                    server.write(APP_SERVER_TO_CLIENT);
                })
                .get();
    }

    /** V2 and V5 from the client's side: a Java client with the wrong key is rejected. */
    @Test
    void wrongKeyJavaClientIsRejected() throws Exception {
        Map<String, String[]> cases = Map.of(
                "V2 (3.11 server)",
                        new String[] {CHALLENGE_LEGACY_SERVER, "00000010" + "29608dbbd32a95a144b820e0cd3d790a"},
                "V5 (3.12 server)",
                        new String[] {
                            CHALLENGE_SHA256_SERVER,
                            "000000287b7368613235367dc26d7460dd15c6dd4aa92917821afa7f1a9e7c80ee0553b0318ccc37a2fb373a"
                        });
        for (Map.Entry<String, String[]> entry : cases.entrySet()) {
            CompletableFuture<Connection> client = javaClient(WRONG, server -> {
                server.write(entry.getValue()[0]);
                expect(server, entry.getValue()[1]);
                server.write(FAILURE);
            });
            ExecutionException failed = assertThrows(ExecutionException.class, client::get, entry.getKey());
            assertEquals("digest sent was rejected", failed.getCause().getMessage(), entry.getKey());
        }
    }

    /** A Java server that rejects our challenge answer; then a 3.11-style server that sends no challenge at all. */
    @Test
    void javaClientReportsAProtocolErrorForANonChallenge() throws Exception {
        CompletableFuture<Connection> client = javaClient(SECRET, server -> server.write("00000005" + "68656c6c6f"));
        ExecutionException failed = assertThrows(ExecutionException.class, client::get);
        assertEquals(
                "Protocol error, expected challenge: message=b'hello'",
                failed.getCause().getMessage());
    }

    /** V1 and V3: HMAC-MD5 answers to legacy challenges, including a genuinely random capture. */
    @Test
    void v1AndV3LegacyResponses() throws AuthenticationException {
        assertEquals("7defa9cc46abc3583325d17ccda75190", Hex.text(Handshake.createResponse(SECRET, Hex.range(0, 20))));
        assertEquals(
                "853ac2883af57cefa5d6df14aa501ca0", Hex.text(Handshake.createResponse(SECRET, Hex.range(0x80, 20))));
        assertEquals(
                "e13bf6eab00f76a89173674cda55c602",
                Hex.text(Handshake.createResponse(SECRET, Hex.bytes("2e4b0013ff074a199910d3a7dabdcd2007d27a2e"))));
        assertEquals(
                "770ceaca5e784cf91a8c6acbf81323fc",
                Hex.text(Handshake.createResponse(SECRET, Hex.bytes("d172e95afb1dba9cb14a67b4b2f01e5227a6f278"))));
        Handshake.verifyChallenge(
                SECRET,
                Hex.bytes("2e4b0013ff074a199910d3a7dabdcd2007d27a2e"),
                Hex.bytes("e13bf6eab00f76a89173674cda55c602"));
    }

    /** V8: CPython 3.12's ChallengeResponseTest vectors. */
    @Test
    void v8UnitVectors() throws AuthenticationException {
        byte[] key = "supadupasecretkey".getBytes(StandardCharsets.US_ASCII);
        assertEquals(
                "f08c5aa7ef61fc426b5b135fd8a223ae",
                Hex.text(Handshake.createResponse(key, ascii("is-twenty-bytes-long"))));
        assertEquals(
                "7b6d64357d" + "2b30be753d06dcff0a1db3c97c96e7eb",
                Hex.text(Handshake.createResponse(key, ascii("{md5}is-twenty-bytes-long"))));
        assertEquals(
                "7b7368613235367d" + "0ed2bf5258efb96604b831848a9212d31f7468b3fc6fc61af1ebe84f08349e47",
                Hex.text(Handshake.createResponse(key, ascii("{sha256}is-twenty-bytes-long"))));
    }

    /** An empty key is a valid HMAC key (Python 3.13 authenticates with it); values from CPython's hmac module. */
    @Test
    void emptyKeyMacsEqualPythons() {
        assertEquals(
                "eee7e8c8fa6d98a59d76c44ce7018548", Hex.text(Handshake.hmac("md5", new byte[0], Hex.range(0, 20))));
        assertEquals(
                "d18b190a737f779d3125c4a2dfddcebf933e2f2713bc92fbe386ca25df9fd7af",
                Hex.text(Handshake.hmac("sha256", new byte[0], concat(ascii("{sha256}"), Hex.range(0, 40)))));
    }

    /** The responses a 3.12 server accepts and refuses (spec 1.7.2), with Python's messages. */
    @Test
    void verificationAcceptsEveryAllowedDigestAndRefusesTheRest() throws AuthenticationException {
        byte[] message = concat(ascii("{sha256}"), Hex.range(0, 40));
        for (String digest : new String[] {"md5", "sha256", "sha384", "sha3_256", "sha3_384"}) {
            Handshake.verifyChallenge(
                    SECRET, message, concat(ascii("{" + digest + "}"), Handshake.hmac(digest, SECRET, message)));
        }
        Handshake.verifyChallenge(SECRET, message, Handshake.hmac("md5", SECRET, message));
        assertRefused("expected 'md5' of length 16 got 20", message, Hex.range(0x40, 20));
        assertRefused("expected 'sha256' of length 32 got 20", message, concat(ascii("{sha256}"), Hex.range(0, 20)));
        assertRefused(
                "unsupported message length, missing digest prefix, or unsupported digest: message=b'{sha1}"
                        + "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13'",
                message,
                concat(ascii("{sha1}"), Hex.range(0, 20)));
        assertRefused(
                "digest received was wrong",
                message,
                concat(ascii("{sha256}"), Handshake.hmac("sha256", WRONG, message)));
        assertTrue(assertThrows(
                        AuthenticationException.class,
                        () -> Handshake.verifyChallenge(SECRET, message, Handshake.hmac("sha256", SECRET, message)))
                .getMessage()
                .startsWith("unsupported message length"));
    }

    private static void assertRefused(String expectedMessage, byte[] message, byte[] response) {
        assertEquals(
                expectedMessage,
                assertThrows(AuthenticationException.class, () -> Handshake.verifyChallenge(SECRET, message, response))
                        .getMessage());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
