package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input before authentication, and from an authenticated peer: a huge announced length, a truncated message
 * and a payload that is not a pickle. The bad peer gets a clear answer or its connection closed; a good client meanwhile, and after, is
 * served.
 */
class ManagerBadInputTest {

    private static final byte[] KEY = "bad input".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    private ManagerServer server;
    private ManagerClient good;
    private ManagedQueue<String> queue;

    @BeforeEach
    void start() throws IOException {
        server = ManagerServer.start(new Address.Unix(directory.resolve("m.sock")), KEY);
        good = ManagerClient.connect(server.address(), KEY);
        queue = good.queue();
    }

    @AfterEach
    void stop() {
        good.close();
        server.close();
    }

    /** A header announcing 2 GiB is refused before anything is allocated: that connection is closed. */
    @Test
    void hugeLengthClosesOnlyThatConnection() throws IOException {
        try (SocketChannel bad = authenticated()) {
            write(bad, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertEquals(-1, bad.read(ByteBuffer.allocate(1)));
        }
        assertGoodClientServed();
    }

    /** A message cut short by the peer's going: the server drops the connection. */
    @Test
    void truncatedMessageEndsOnlyThatConnection() throws IOException {
        try (SocketChannel bad = authenticated()) {
            write(bad, ByteBuffer.allocate(14).putInt(100).put(new byte[10]).array());
            bad.shutdownOutput();
            assertEquals(-1, bad.read(ByteBuffer.allocate(1)));
        }
        assertGoodClientServed();
    }

    /** Bytes that are no pickle are answered with a traceback saying so, on the same connection. */
    @Test
    void garbageIsAnsweredWithATraceback() throws IOException {
        try (SocketChannel bad = authenticated()) {
            byte[] garbage = "this is not a pickle".getBytes(StandardCharsets.US_ASCII);
            write(
                    bad,
                    ByteBuffer.allocate(4 + garbage.length)
                            .putInt(garbage.length)
                            .put(garbage)
                            .array());
            Object[] reply = (Object[]) Protocol.CODEC.decode(readFrame(bad));
            assertEquals("#TRACEBACK", reply[0]);
            assertTrue(((String) reply[1]).contains("pickle"), (String) reply[1]);
        }
        assertGoodClientServed();
    }

    /**
     * Bad input before authentication, where the handshake's answer is due: a 2 GiB length, random garbage, a
     * code-running pickle and a truncated frame. The server decodes none of it, ends that connection (after
     * {@code #FAILURE#} where Python's would send it), and serves the good client throughout.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"huge length", "garbage", "code-running pickle", "truncated frame"})
    void badInputBeforeAuthenticationEndsOnlyThatConnection(String kind) throws Exception {
        try (SocketChannel bad =
                SocketChannel.open(UnixDomainSocketAddress.of(((Address.Unix) server.address()).path()))) {
            byte[] challenge = readFrame(bad);
            assertTrue(new String(challenge, StandardCharsets.US_ASCII).startsWith("#CHALLENGE#"));
            switch (kind) {
                case "huge length" ->
                    write(bad, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
                case "garbage" -> {
                    byte[] garbage = new byte[4096];
                    new Random(7).nextBytes(garbage);
                    garbage[0] = 0; // a length the listener reads as small enough to wait for
                    write(bad, garbage);
                }
                case "code-running pickle" ->
                    frame(bad, "cos\nsystem\n(S'touch /tmp/interproc-pwned'\ntR.".getBytes(StandardCharsets.US_ASCII));
                default -> {
                    write(
                            bad,
                            ByteBuffer.allocate(14)
                                    .putInt(100)
                                    .put(new byte[10])
                                    .array());
                    bad.shutdownOutput();
                }
            }
            assertGoodClientServed();
            CompletableFuture<Long> rest = CompletableFuture.supplyAsync(() -> drain(bad));
            long bytesAfter = rest.get(60, TimeUnit.SECONDS); // ends: the server closes that connection
            assertTrue(bytesAfter < 64, () -> kind + ": the server answered " + bytesAfter + " bytes");
        }
        assertGoodClientServed();
        assertFalse(Files.exists(Path.of("/tmp/interproc-pwned")), "a pickle ran code");
    }

    /** Reads until the end of the stream; returns how many bytes came. */
    private static long drain(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        long total = 0;
        try {
            for (int n; (n = channel.read(buffer.clear())) >= 0; ) {
                total += n;
            }
        } catch (IOException reset) {
            // a reset is an end too
        }
        return total;
    }

    private void assertGoodClientServed() {
        assertTrue(queue.offer("still served"));
        assertEquals("still served", queue.poll());
    }

    /** A raw socket that has passed both rounds of the handshake, as Python's client does them (sha256). */
    private SocketChannel authenticated() throws IOException {
        SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(((Address.Unix) server.address()).path()));
        byte[] challenge = readFrame(raw);
        byte[] prefix = "#CHALLENGE#".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(prefix, Arrays.copyOf(challenge, prefix.length));
        frame(raw, response(Arrays.copyOfRange(challenge, prefix.length, challenge.length)));
        assertEquals("#WELCOME#", new String(readFrame(raw), StandardCharsets.US_ASCII));
        byte[] ours = "{sha256}0123456789012345678901234567890123456789".getBytes(StandardCharsets.US_ASCII);
        frame(raw, concat(prefix, ours));
        assertArrayEquals(response(ours), readFrame(raw));
        frame(raw, "#WELCOME#".getBytes(StandardCharsets.US_ASCII));
        return raw;
    }

    private static byte[] response(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return concat("{sha256}".getBytes(StandardCharsets.US_ASCII), mac.doFinal(message));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static void frame(SocketChannel raw, byte[] payload) throws IOException {
        write(
                raw,
                ByteBuffer.allocate(4 + payload.length)
                        .putInt(payload.length)
                        .put(payload)
                        .array());
    }

    private static void write(SocketChannel raw, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            raw.write(buffer);
        }
    }

    static byte[] readFrame(SocketChannel raw) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        readFully(raw, header);
        ByteBuffer payload = ByteBuffer.allocate(header.flip().getInt());
        readFully(raw, payload);
        return payload.array();
    }

    private static void readFully(SocketChannel raw, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (raw.read(buffer) < 0) {
                throw new IOException("end of file after " + buffer.position() + " bytes");
            }
        }
    }
}
