package dev.interproc.testing;

import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile connections to a {@link HostileListener}, for the test and the benchmark of a listener under attack:
 * random garbage, huge announced lengths, a trickle of bytes, silent peers, 100,000 nested tuples and frozensets in
 * raw pickle opcodes, and nested {@code HashSet} Java-serialization bombs of allow-listed classes only, in turn.
 * Each peer stays connected until {@link #close()}.
 */
public final class HostilePeers implements AutoCloseable {

    private static final int NESTING = 100_000;
    private static final int BOMB_DEPTH = 40;
    private static final Payloads PAYLOADS = new Payloads();

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

    private final List<AutoCloseable> peers = new ArrayList<>();

    private HostilePeers() {}

    /**
     * Opens {@code count} hostile peers, each kind in turn, as fast as the listener accepts them.
     *
     * @param socket the listener's socket file
     * @param key the listener's authentication key, or null; the peers that send framed messages authenticate with
     *     it, the raw ones do not
     * @param seed the seed of the garbage and the lengths
     * @return the open peers
     * @throws IOException if a peer cannot connect
     */
    public static HostilePeers open(int count, Path socket, byte[] key, long seed) throws IOException {
        HostilePeers opened = new HostilePeers();
        Address address = new Address.Unix(socket);
        try {
            for (int i = 0; i < count; i++) {
                Hostile kind = Hostile.values()[i % Hostile.values().length];
                opened.peers.add(open(kind, socket, address, key, new Random(seed + i)));
            }
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    /** Each trickling peer sends one more byte of the 1 MiB message it announced, {@code rounds} times. */
    public void trickle(int rounds) {
        for (int round = 0; round < rounds; round++) {
            for (AutoCloseable peer : peers) {
                if (peer instanceof Trickle trickle) {
                    trickle.sendOneByte();
                }
            }
        }
    }

    @Override
    public void close() {
        for (AutoCloseable peer : peers) {
            try {
                peer.close();
            } catch (Exception e) {
                // closed by the listener already
            }
        }
        peers.clear();
    }

    private static AutoCloseable open(Hostile kind, Path socket, Address address, byte[] key, Random random)
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
            case DEEP_TUPLES -> framed(address, key, PAYLOADS.deepTuples);
            case DEEP_FROZENSETS -> framed(address, key, PAYLOADS.deepFrozensets);
            case SERIALIZATION_BOMB -> framed(address, key, PAYLOADS.serializationBomb);
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
}
