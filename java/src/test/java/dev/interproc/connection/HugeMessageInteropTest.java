package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2.5 GiB message, past both the 4-byte length form and the largest Java array, from a {@link MemorySegment} to
 * CPython 3.13 and back into the same segment, byte-exact. Instead of a second 2.5 GiB buffer, both sides compute
 * the length and CRC-32 of what they hold, and Python answers the bytes at sampled positions, which this side
 * computes from the fill pattern; the segment is zeroed before the message comes back, so nothing stale can pass.
 */
class HugeMessageInteropTest {

    private static final long SIZE = 5L << 29;
    private static final byte[] KEY = "huge secret".getBytes(StandardCharsets.US_ASCII);
    private static final ValueLayout.OfLong LITTLE_ENDIAN_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The largest slice a ByteBuffer view can cover. */
    private static final long CHUNK = 1L << 30;

    @TempDir
    Path directory;

    @Test
    void twoAndAHalfGibibytesToPython313AndBack() throws Exception {
        Path socket = directory.resolve("s");
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined();
                Listener listener =
                        Listener.builder(new Address.Unix(socket)).authkey(KEY).bind();
                PythonPeer python = PythonPeer.start(
                        "3.13", "huge_message_peer.py", socket.toString(), new String(KEY, StandardCharsets.US_ASCII));
                Connection connection = listener.accept()) {
            MemorySegment message = arena.allocate(SIZE);
            for (long word = 0; word < SIZE / Long.BYTES; word++) {
                message.set(LITTLE_ENDIAN_LONG, word * Long.BYTES, pattern(word));
            }
            long checksum = crc32(message);
            List<Long> samples = samples();

            connection.sendBytes(message);
            assertEquals(
                    "RECEIVED " + SIZE + " " + checksum, python.awaitLine(line -> line.startsWith("RECEIVED "), 120));
            connection.send(samples);
            byte[] expected = new byte[samples.size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = expectedByte(samples.get(i));
            }
            assertArrayEquals(expected, connection.recvBytes(), "the bytes Python holds at " + samples);

            message.fill((byte) 0);
            assertEquals(SIZE, connection.recvBytesInto(message));
            assertEquals(checksum, crc32(message), "CRC-32 of the message back from Python");
            for (long position : samples) {
                assertEquals(expectedByte(position), message.get(ValueLayout.JAVA_BYTE, position), "byte " + position);
            }
            String done = python.awaitLine(line -> line.startsWith("DONE "), 60);
            assertEquals(0, python.waitFor(30), python.output());
            System.out.printf(
                    "2.5 GiB to Python 3.13 and back in %.1f s; Python's peak resident set %d MiB%n",
                    (System.nanoTime() - start) / 1e9, Long.parseLong(done.substring(5)) >> 10);
        }
    }

    /** The ends, the 2 GiB boundaries of the length forms and the array, and random positions. */
    private static List<Long> samples() {
        List<Long> positions = new ArrayList<>(List.of(0L, 1L, (1L << 31) - 9, (1L << 31) - 1, 1L << 31, SIZE - 1));
        new Random(25).longs(58, 0, SIZE).forEach(positions::add);
        return positions;
    }

    /** The byte the fill pattern puts at {@code position}. */
    private static byte expectedByte(long position) {
        return (byte) (pattern(position / Long.BYTES) >>> (Byte.SIZE * (position % Long.BYTES)));
    }

    /** SplitMix64's mixing of {@code index}: a pattern whose every word differs, cheap to recompute anywhere. */
    private static long pattern(long index) {
        long z = index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long crc32(MemorySegment segment) {
        CRC32 crc = new CRC32();
        for (long offset = 0; offset < segment.byteSize(); offset += CHUNK) {
            crc.update(segment.asSlice(offset, Math.min(CHUNK, segment.byteSize() - offset))
                    .asByteBuffer());
        }
        return crc.getValue();
    }
}
