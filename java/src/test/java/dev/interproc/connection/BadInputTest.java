package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
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
 * with a clear exception, and a well-behaved client is served right after.
 */
class BadInputTest {

    private static final byte[] KEY = "the key".getBytes(StandardCharsets.US_ASCII);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(300);

    private Listener listener;

    @BeforeEach
    void listen() throws IOException {
        listener = Listener.builder(Address.Tcp.loopback(0)).backlog(8).authkey(KEY)
                .handshakeTimeout(HANDSHAKE_TIMEOUT).maxMessageLength(1 << 20).bind();
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    /** Connects a raw client that writes {@code hex} in place of its challenge answer, then half-closes. */
    private RawPeer rawClient(String hex, boolean endOutput) throws IOException {
        Address.Tcp tcp = (Address.Tcp) listener.address();
        RawPeer raw = new RawPeer(SocketChannel.open(new InetSocketAddress(tcp.host(), tcp.port())));
        raw.write(hex);
        if (endOutput) {
            raw.shutdownOutput();
        }
        return raw;
    }

    private IOException acceptFails(String hex, boolean endOutput) throws Exception {
        RawPeer raw = rawClient(hex, endOutput);
        try {
            IOException failure = assertThrows(IOException.class, listener::accept);
            assertListenerStillServes();
            return failure;
        } finally {
            raw.close();
        }
    }

    /** A good client connects, authenticates and exchanges a message with the next accepted connection. */
    private void assertListenerStillServes() throws Exception {
        FutureTask<Connection> client = new FutureTask<>(() -> Client.connect(listener.address(), KEY));
        Thread.ofPlatform().daemon().start(client);
        try (Connection server = listener.accept(); Connection connection = client.get(30, TimeUnit.SECONDS)) {
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
        assertEquals("got end of file during message", acceptFails("00000010" + "0102030405", true).getMessage());
    }

    @Test
    void endOfFileInsteadOfAnAnswer() throws Exception {
        assertInstanceOf(EOFException.class, acceptFails("", true));
    }

    @Test
    void negativeLength() throws Exception {
        assertTrue(acceptFails("fffffffb", false).getMessage().startsWith("bad message length: negative length header -5"));
    }

    @Test
    void answerLongerThanTheHandshakeLimit() throws Exception {
        assertEquals("bad message length", acceptFails("00000101", false).getMessage());
    }

    @Test
    void garbageInsteadOfTheChallengeAnswer() throws Exception {
        assertEquals("digest received was wrong",
                acceptFails("00000010" + "00112233445566778899aabbccddeeff", false).getMessage());
        assertEquals("expected 'md5' of length 16 got 20",
                acceptFails("00000014" + "00112233445566778899aabbccddeeff00112233", false).getMessage());
        IOException unsupported = acceptFails("00000005" + "48454c4c4f", false);
        assertInstanceOf(AuthenticationException.class, unsupported);
        assertEquals("unsupported message length, missing digest prefix, or unsupported digest: message=b'HELLO'",
                unsupported.getMessage());
    }

    @Test
    void silentClientTimesOut() throws Exception {
        IOException timedOut = acceptFails("", false);
        assertInstanceOf(SocketTimeoutException.class, timedOut);
        assertTrue(timedOut.getMessage().startsWith("authentication handshake timed out after PT0.3S"), timedOut.getMessage());
    }

    @Test
    void clientThatStopsInsideAMessageTimesOut() throws Exception {
        assertInstanceOf(SocketTimeoutException.class, acceptFails("000000100102", false));
    }

    @Test
    void wrongKey() throws Exception {
        FutureTask<Connection> client = new FutureTask<>(() -> Client.connect(listener.address(), "other key".getBytes(StandardCharsets.US_ASCII)));
        Thread.ofPlatform().daemon().start(client);
        assertEquals("digest received was wrong", assertThrows(AuthenticationException.class, listener::accept).getMessage());
        java.util.concurrent.ExecutionException rejected = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> client.get(30, TimeUnit.SECONDS));
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
                assertTrue(refused.getMessage().startsWith("bad message length: the peer announced 1048577 bytes"), refused.getMessage());
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
