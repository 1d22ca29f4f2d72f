package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.testing.HostilePayloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #11, must-show 3: 500 hostile connections against one listener, in a child JVM with a 256 MiB heap
 * ({@link HostileLoadChild}), with an authentication key and without: random garbage, huge announced lengths, a
 * trickle of bytes, silent peers, 100,000 nested tuples and frozensets in raw pickle opcodes, and nested
 * {@code HashSet} Java-serialization bombs of allow-listed classes only. A good client round-trips on its own thread
 * throughout and must always be served; the child must print no {@link OutOfMemoryError}, no
 * {@link StackOverflowError} and nothing uncaught, and still answer at the end. The good client's latencies and the
 * child's slowest decode are printed, not asserted: CI machines are loaded (bench/ has the timing figure).
 */
class HostileConnectionsTest {

    private static final int HOSTILE = 500;
    private static final int NESTING = 100_000;
    private static final int BOMB_DEPTH = 40;
    private static final int TRICKLE_ROUNDS = 10;
    /** Round trips the good client must make after the last hostile connection opened. */
    private static final int ROUND_TRIPS_AFTER = 20;

    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What one hostile peer does. */
    private enum Hostile {
        GARBAGE,
        HUGE_LENGTH,
        TRICKLE,
        SILENT,
        DEEP_TUPLES,
        DEEP_FROZENSETS,
        SERIALIZATION_BOMB
    }

    @TempDir
    Path directory;

    @ParameterizedTest(name = "key: {0}")
    @ValueSource(strings = {"the key", "-"})
    void aGoodClientIsServedThroughFiveHundredHostileConnections(String keyText) throws Exception {
        byte[] key = keyText.equals("-") ? null : keyText.getBytes(StandardCharsets.US_ASCII);
        Path socket = directory.resolve("s");
        Address address = new Address.Unix(socket);
        long start = System.nanoTime();
        try (JavaProcess child = JavaProcess.builder(HostileLoadChild.class)
                .jvmOptions("-Xmx256m")
                .args(socket.toString(), keyText)
                .start()) {
            child.awaitLine("READY"::equals, TIMEOUT);
            GoodClient good = new GoodClient(Client.connect(address, key));
            Thread goodThread = Thread.ofPlatform().name("good client").start(good);
            List<AutoCloseable> hostile = new ArrayList<>();
            try {
                Payloads payloads = new Payloads();
                for (int i = 0; i < HOSTILE; i++) {
                    Hostile kind = Hostile.values()[i % Hostile.values().length];
                    hostile.add(open(kind, socket, address, key, payloads, new Random(i)));
                }
                for (int round = 0; round < TRICKLE_ROUNDS; round++) {
                    for (AutoCloseable peer : hostile) {
                        if (peer instanceof Trickle trickle) {
                            trickle.sendOneByte();
                        }
                    }
                }
                good.awaitRoundTrips(ROUND_TRIPS_AFTER);
                child.sendLine("stats");
                String stats = child.awaitLine(line -> line.startsWith("STATS "), TIMEOUT);
                good.stop();
                assertTrue(goodThread.join(TIMEOUT), "the good client never stopped");
                assertNull(good.failure, () -> "the good client was not served: " + good.failure);
                System.out.printf(
                        "%d hostile connections (key %s) in %.1f s: good client %d round trips, median %.2f ms,"
                                + " max %.2f ms; child %s%n",
                        HOSTILE,
                        key == null ? "none" : "set",
                        (System.nanoTime() - start) / 1e9,
                        good.latencies.size(),
                        good.percentile(50) / 1e6,
                        good.percentile(100) / 1e6,
                        stats);
            } finally {
                good.stop();
                for (AutoCloseable peer : hostile) {
                    peer.close();
                }
            }
            String transcript = child.transcript();
            for (String forbidden : List.of("OutOfMemoryError", "StackOverflowError", "FATAL", "UNCAUGHT")) {
                assertFalse(transcript.contains(forbidden), () -> forbidden + " in the listener:\n" + transcript);
            }
            assertTrue(child.isAlive(), () -> "the listener died:\n" + transcript);
        }
    }

    /** Opens one hostile peer of {@code kind}, which stays connected until the test closes it. */
    private static AutoCloseable open(
            Hostile kind, Path socket, Address address, byte[] key, Payloads payloads, Random random)
            throws IOException {
        return switch (kind) {
            case GARBAGE -> {
                byte[] garbage = new byte[1 + random.nextInt(4096)];
                random.nextBytes(garbage);
                yield raw(socket, garbage);
            }
            case HUGE_LENGTH ->
                raw(
                        socket,
                        random.nextBoolean()
                                ? ByteBuffer.allocate(8)
                                        .putInt(Integer.MAX_VALUE)
                                        .array()
                                : ByteBuffer.allocate(12)
                                        .putInt(-1)
                                        .putLong(Long.MAX_VALUE / 2)
                                        .array());
            case TRICKLE ->
                new Trickle(raw(socket, ByteBuffer.allocate(4).putInt(1 << 20).array()));
            case SILENT -> raw(socket, new byte[0]);
            case DEEP_TUPLES -> framed(address, key, payloads.deepTuples);
            case DEEP_FROZENSETS -> framed(address, key, payloads.deepFrozensets);
            case SERIALIZATION_BOMB -> framed(address, key, payloads.serializationBomb);
        };
    }

    /** A raw socket that has written {@code bytes}; the listener may already have closed it, as it should. */
    private static SocketChannel raw(Path socket, byte[] bytes) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException refused) {
            // closed by the listener
        }
        return channel;
    }

    /**
     * A connection (authenticated when there is a key) that has sent {@code message}, unless the listener closed it
     * first, and does not read the answer.
     */
    private static Connection framed(Address address, byte[] key, byte[] message) throws IOException {
        Connection connection = Client.connect(address, key);
        try {
            connection.sendBytes(message);
        } catch (IOException refused) {
            // closed by the listener
        }
        return connection;
    }

    /** A peer that announced a 1 MiB message and sends it a byte at a time. */
    private record Trickle(SocketChannel channel) implements AutoCloseable {

        void sendOneByte() {
            try {
                channel.write(ByteBuffer.allocate(1));
            } catch (IOException refused) {
                // closed by the listener
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The hostile messages that reach a decoder, built once. */
    private static final class Payloads {

        /** PROTO 2, EMPTY_TUPLE, then TUPLE1 {@link #NESTING} times: each wraps the tuple so far. */
        final byte[] deepTuples = pickle(2, new byte[] {')'}, repeated((byte) 0x85, NESTING));

        /** PROTO 4, MARK {@link #NESTING} times, then FROZENSET as often: each closes a set around the last. */
        final byte[] deepFrozensets = pickle(4, repeated((byte) '(', NESTING), repeated((byte) 0x91, NESTING));

        /** Nested {@code HashSet}s whose hashing doubles with each level (only allow-listed classes). */
        final byte[] serializationBomb = serializationBomb();

        private static byte[] pickle(int protocol, byte[]... body) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(0x80);
            bytes.write(protocol);
            for (byte[] part : body) {
                bytes.writeBytes(part);
            }
            bytes.write('.');
            return bytes.toByteArray();
        }

        private static byte[] repeated(byte opcode, int times) {
            byte[] bytes = new byte[times];
            Arrays.fill(bytes, opcode);
            return bytes;
        }

        private static byte[] serializationBomb() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(HostilePayloads.nestedHashSetBomb(BOMB_DEPTH));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** Round-trips "ping N" until stopped, recording each latency, or the first failure and then stops. */
    private static final class GoodClient implements Runnable {

        private final Connection connection;
        private final List<Long> latencies = new ArrayList<>();
        private final Semaphore roundTrips = new Semaphore(0);
        private volatile boolean stopped;
        private volatile Throwable failure;

        GoodClient(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            try (connection) {
                for (int i = 0; !stopped; i++) {
                    byte[] ping = ("ping " + i).getBytes(StandardCharsets.US_ASCII);
                    long start = System.nanoTime();
                    connection.sendBytes(ping);
                    if (!connection.poll(SERVED_WITHIN)) {
                        throw new AssertionError("no answer to round trip " + i + " within " + SERVED_WITHIN);
                    }
                    assertArrayEquals(ping, connection.recvBytes());
                    long nanos = System.nanoTime() - start;
                    synchronized (latencies) {
                        latencies.add(nanos);
                    }
                    roundTrips.release();
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                failure = e;
                roundTrips.release(ROUND_TRIPS_AFTER); // so that the test stops waiting and reports it
            }
        }

        void awaitRoundTrips(int count) throws InterruptedException {
            roundTrips.drainPermits();
            assertTrue(
                    roundTrips.tryAcquire(count, SERVED_WITHIN.toSeconds() * count, TimeUnit.SECONDS),
                    "the good client made fewer than " + count + " round trips");
            assertNull(failure, () -> "the good client was not served: " + failure);
        }

        void stop() {
            stopped = true;
        }

        /** The latency at {@code percent} (50: the median, 100: the maximum), in nanoseconds. */
        long percentile(int percent) {
            synchronized (latencies) {
                long[] sorted =
                        latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                return sorted[Math.max(0, (int) Math.ceil(sorted.length * percent / 100.0) - 1)];
            }
        }
    }
}
