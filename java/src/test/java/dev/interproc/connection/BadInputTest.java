package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Misbehaving clients of an authenticating TCP listener: each makes {@code accept()} (or the first receive) fail
 * with a clear exception. The listener keeps the default handshake timeout and serves a well-behaved client right
 * after; a client that stalls gets a listener of its own with a short timeout.
 */
class BadInputTest {

    private static final byte[] KEY = "the key".getBytes(StandardCharsets.US_ASCII);
    /** Only for stalled clients: a well-behaved client's first handshake in a cold, loaded JVM can take 0.3 s. */
    private static final Duration SHORT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private Listener listener;

    @BeforeEach
    void listen() throws IOException {
        listener = Listener.builder(Address.Tcp.loopback(0))
                .backlog(8)
                .authkey(KEY)
                .maxMessageLength(1 << 20)
                .bind();
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    /**
     * Connects a raw client to {@code server} that writes {@code hex} in place of its challenge answer and, if
     * {@code endOutput}, half-closes.
     */
    private static RawPeer rawClient(Listener server, String hex, boolean endOutput) throws IOException {
        Address.Tcp tcp = (Address.Tcp) server.address();
        RawPeer raw = new RawPeer(SocketChannel.open(new InetSocketAddress(tcp.host(), tcp.port())));
        raw.write(hex);
        if (endOutput) {
            raw.shutdownOutput();
        }
        return raw;
    }

    private IOException acceptFails(String hex, boolean endOutput) throws Exception {
        RawPeer raw = rawClient(listener, hex, endOutput);
        try {
            IOException failure = assertThrows(IOException.class, listener::accept);
            assertClosedByTheListener(raw);
            assertListenerStillServes();
            return failure;
        } finally {
            raw.close();
        }
    }

    /** The listener closed {@code raw}'s connection: after what it wrote (the challenge), end of file. */
    private static void assertClosedByTheListener(RawPeer raw) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), raw::readToEnd);
    }

    /** A good client connects, authenticates and exchanges a message with the next accepted connection. */
    private void assertListenerStillServes() throws Exception {
        FutureTask<Connection> client = new FutureTask<>(() -> Client.connect(listener.address(), KEY));
        Thread.ofPlatform().daemon().start(client);
        try (Connection server = listener.accept();
                Connection connection = client.get(30, TimeUnit.SECONDS)) {
            connection.sendBytes(new byte[] {42});
            assertArrayEquals(new byte[] {42}, server.recvBytes());
        }
    }

    @Test
    void truncatedHeader() throws Exception {
        assertEquals("got end of file during message", acceptFails("0000", true).getMessage());
    }

    @Test
    void truncatedPayload() throws Exception {
        assertEquals(
                "got end of file during message",
                acceptFails("00000010" + "0102030405", true).getMessage());
    }

    @Test
    void endOfFileInsteadOfAnAnswer() throws Exception {
        assertInstanceOf(EOFException.class, acceptFails("", true));
    }

    @Test
    void negativeLength() throws Exception {
        assertTrue(acceptFails("fffffffb", false)
                .getMessage()
                .startsWith("bad message length: negative length header -5"));
    }

    @Test
    void answerLongerThanTheHandshakeLimit() throws Exception {
        assertEquals("bad message length", acceptFails("00000101", false).getMessage());
    }

    @Test
    void garbageInsteadOfTheChallengeAnswer() throws Exception {
        assertEquals(
                "digest received was wrong",
                acceptFails("00000010" + "00112233445566778899aabbccddeeff", false)
                        .getMessage());
        assertEquals(
                "expected 'md5' of length 16 got 20",
                acceptFails("00000014" + "00112233445566778899aabbccddeeff00112233", false)
                        .getMessage());
        IOException unsupported = acceptFails("00000005" + "48454c4c4f", false);
        assertInstanceOf(AuthenticationException.class, unsupported);
        assertEquals(
                "unsupported message length, missing digest prefix, or unsupported digest: message=b'HELLO'",
                unsupported.getMessage());
    }

    /** A raw client that writes {@code hex}, then stalls, makes a listener with a short handshake timeout time out. */
    private static SocketTimeoutException stalledClientTimesOut(String hex) throws IOException {
        try (Listener impatient = Listener.builder(Address.Tcp.loopback(0))
                        .authkey(KEY)
                        .handshakeTimeout(SHORT_HANDSHAKE_TIMEOUT)
                        .bind();
                RawPeer _ = rawClient(impatient, hex, false)) {
            // Bounded here, so that a listener that ignores its timeout fails this test instead of hanging it.
            return assertTimeoutPreemptively(
                    Duration.ofSeconds(30), () -> assertThrows(SocketTimeoutException.class, impatient::accept));
        }
    }

    @Test
    void goodClientIsServedWhileASilentOneHandshakes() throws Exception {
        try (RawPeer _ = rawClient(listener, "", false)) {
            // The default handshake timeout is 20 s: before handshakes ran concurrently, accept() waited that long.
            assertTimeoutPreemptively(Duration.ofSeconds(10), this::assertListenerStillServes);
        }
    }

    @Test
    void pendingHandshakesAreBounded() throws Exception {
        try (Listener oneAtATime = Listener.builder(Address.Tcp.loopback(0))
                        .backlog(8)
                        .authkey(KEY)
                        .handshakeTimeout(SHORT_HANDSHAKE_TIMEOUT)
                        .maxPendingHandshakes(1)
                        .bind();
                RawPeer _ = rawClient(oneAtATime, "", false)) {
            FutureTask<Connection> client = new FutureTask<>(() -> Client.connect(oneAtATime.address(), KEY));
            Thread.ofPlatform().daemon().start(client);
            // The silent client holds the only slot, so the good one waits in the backlog until it times out.
            assertThrows(SocketTimeoutException.class, oneAtATime::accept);
            try (Connection server = oneAtATime.accept();
                    Connection connection = client.get(30, TimeUnit.SECONDS)) {
                connection.sendBytes(new byte[] {42});
                assertArrayEquals(new byte[] {42}, server.recvBytes());
            }
        }
    }

    @Test
    void closingTheListenerEndsTheHandshakesInProgress() throws Exception {
        Listener patient = Listener.builder(Address.Tcp.loopback(0))
                .authkey(KEY)
                .handshakeTimeout(null)
                .bind();
        try (RawPeer silent = rawClient(patient, "", false)) {
            FutureTask<Connection> accepting = new FutureTask<>(patient::accept);
            Thread.ofPlatform().daemon().start(accepting);
            int challengeLength = ByteBuffer.wrap(silent.read(Integer.BYTES)).getInt();
            silent.read(challengeLength); // the handshake runs, and without a timeout would wait for ever
            patient.close();
            java.util.concurrent.ExecutionException closed = assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> accepting.get(30, TimeUnit.SECONDS));
            assertEquals("listener is closed", closed.getCause().getMessage());
            assertClosedByTheListener(silent);
        } finally {
            patient.close();
        }
    }

    @Test
    void silentClientTimesOut() throws Exception {
        SocketTimeoutException timedOut = stalledClientTimesOut("");
        assertTrue(
                timedOut.getMessage().startsWith("authentication handshake timed out after PT2S"),
                timedOut.getMessage());
    }

    @Test
    void clientThatStopsInsideAMessageTimesOut() throws Exception {
        stalledClientTimesOut("000000100102");
    }

    @Test
    void wrongKey() throws Exception {
        FutureTask<Connection> client = new FutureTask<>(
                () -> Client.connect(listener.address(), "other key".getBytes(StandardCharsets.US_ASCII)));
        Thread.ofPlatform().daemon().start(client);
        assertEquals(
                "digest received was wrong",
                assertThrows(AuthenticationException.class, listener::accept).getMessage());
        java.util.concurrent.ExecutionException rejected =
                assertThrows(java.util.concurrent.ExecutionException.class, () -> client.get(30, TimeUnit.SECONDS));
        assertEquals("digest sent was rejected", rejected.getCause().getMessage());
        assertListenerStillServes();
    }

    @Test
    void messageAboveTheListenersLimitAfterAuthentication() throws Exception {
        FutureTask<Connection> client = new FutureTask<>(() -> Client.connect(listener.address(), KEY));
        Thread.ofPlatform().daemon().start(client);
        Connection server = listener.accept();
        try (Connection connection = client.get(30, TimeUnit.SECONDS)) {
            FutureTask<Void> oversized = new FutureTask<>(() -> {
                connection.sendBytes(new byte[(1 << 20) + 1]);
                return null;
            });
            Thread.ofPlatform().daemon().start(oversized);
            try {
                IOException refused = assertThrows(IOException.class, server::recvBytes);
                assertTrue(
                        refused.getMessage().startsWith("bad message length: the peer announced 1048577 bytes"),
                        refused.getMessage());
                assertFalse(server.isReadable());
            } finally {
                server.close(); // unblocks the sender, which may or may not have handed everything to the OS
            }
            try {
                oversized.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                assertInstanceOf(IOException.class, expected.getCause());
            }
        }
        assertListenerStillServes();
    }
}
