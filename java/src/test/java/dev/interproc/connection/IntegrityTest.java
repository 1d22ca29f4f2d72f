package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames are never torn: a send checks everything before its first byte, a send that fails midway closes the
 * connection, and messages of 2 GiB and more travel in Python's 8-byte length form. The peer is a raw socket that
 * reads and writes the exact bytes.
 */
class IntegrityTest {

    /** Just over what the 4-byte length form can announce. */
    private static final long OVER_TWO_GIB = (1L << 31) + 5;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void sendNearTheEndOfAHugeArrayWritesTheWholeFrame() throws Exception {
        Path socket = directory.resolve("s");
        try (var server = RawPeer.rawServer(socket);
                JavaProcess child = JavaProcess.builder(HugeArraySender.class)
                        .jvmOptions("-Xmx2560m")
                        .args(socket.toString())
                        .start();
                RawPeer raw = new RawPeer(server.accept())) {
            assertEquals(HugeArraySender.TAIL, ByteBuffer.wrap(raw.read(4)).getInt(), child.transcript());
            byte[] payload = raw.read(HugeArraySender.TAIL);
            for (int i = 0; i < payload.length; i++) {
                assertEquals((byte) i, payload[i], "byte " + i);
            }
            assertEquals("000000046e657874", Hex.text(raw.read(8)));
            assertEquals(0, child.waitFor(TIMEOUT), child.transcript());
        }
    }

    @Test
    void sendThatFailsMidwayClosesTheConnection() throws Exception {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            CompletableFuture<byte[]> peer = InBackground.supply(() -> {
                byte[] start = pair.raw().read(4 + 10);
                pair.raw().close();
                return start;
            });
            assertThrows(IOException.class, () -> pair.connection().sendBytes(new byte[64 << 20]));
            assertEquals("04000000", Hex.text(java.util.Arrays.copyOf(peer.get(), 4)));
            assertTrue(pair.connection().isClosed(), "a torn frame must not be followed by another message");
        }
    }

    @Test
    void invalidArgumentsWriteNothing() throws Exception {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            byte[] message = new byte[100];
            assertThrows(IllegalArgumentException.class, () -> pair.connection().sendBytes(message, 90, 20));
            assertThrows(IllegalArgumentException.class, () -> pair.connection()
                    .sendBytes(ByteBuffer.allocateDirect(1 << 20), 1 << 19, 1 << 20));
            MemorySegment closed;
            try (Arena arena = Arena.ofConfined()) {
                closed = arena.allocate(1 << 20);
            }
            assertThrows(IllegalStateException.class, () -> pair.connection().sendBytes(closed));
            pair.connection().sendBytes(new byte[] {7});
            assertEquals("0000000107", Hex.text(pair.raw().read(5)));
        }
    }

    @Test
    void messageOverTwoGibTravelsInTheLongFormBothWays() throws Exception {
        try (Arena arena = Arena.ofShared();
                RawPeer.Pair pair = RawPeer.pair()) {
            MemorySegment sent = numbered(arena.allocate(OVER_TWO_GIB));
            CompletableFuture<Void> sending = InBackground.supply(() -> {
                pair.connection().sendBytes(sent);
                return null;
            });
            assertEquals("ffffffff" + "0000000080000005", Hex.text(pair.raw().read(12)));
            MemorySegment received = arena.allocate(OVER_TWO_GIB);
            readFully(pair.raw().channel, received);
            sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(-1, sent.mismatch(received));

            sent.fill((byte) 0);
            CompletableFuture<Void> echo = InBackground.supply(() -> {
                pair.raw().write("ffffffff" + "0000000080000005");
                writeFully(pair.raw().channel, received);
                return null;
            });
            assertEquals(OVER_TWO_GIB, pair.connection().recvBytesInto(sent));
            echo.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(-1, sent.mismatch(received));
        }
    }

    @Test
    void messageLongerThanTheTargetSegmentIsRefusedUnread() throws Exception {
        try (Arena arena = Arena.ofConfined();
                RawPeer.Pair pair = RawPeer.pair()) {
            pair.raw().write("ffffffff" + "0000000080000005");
            IOException refused =
                    assertThrows(IOException.class, () -> pair.connection().recvBytesInto(arena.allocate(16)));
            assertTrue(refused.getMessage().startsWith("bad message length"), refused.getMessage());
            assertTrue(!pair.connection().isReadable() && pair.connection().isWritable());
        }
    }

    /** Fills {@code segment} with the index of each 8-byte word, so that a moved or lost word shows. */
    static MemorySegment numbered(MemorySegment segment) {
        long words = segment.byteSize() / Long.BYTES;
        for (long i = 0; i < words; i++) {
            segment.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
        for (long i = words * Long.BYTES; i < segment.byteSize(); i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        return segment;
    }

    private static void readFully(SocketChannel channel, MemorySegment target) throws IOException {
        for (long offset = 0; offset < target.byteSize(); offset += 1 << 30) {
            ByteBuffer slice = target.asSlice(offset, Math.min(1 << 30, target.byteSize() - offset))
                    .asByteBuffer();
            while (slice.hasRemaining()) {
                if (channel.read(slice) < 0) {
                    throw new IOException("end of file at " + (offset + slice.position()));
                }
            }
        }
    }

    private static void writeFully(SocketChannel channel, MemorySegment source) throws IOException {
        for (long offset = 0; offset < source.byteSize(); offset += 1 << 30) {
            ByteBuffer slice = source.asSlice(offset, Math.min(1 << 30, source.byteSize() - offset))
                    .asByteBuffer();
            while (slice.hasRemaining()) {
                channel.write(slice);
            }
        }
    }
}
