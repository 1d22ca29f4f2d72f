package dev.interproc.connection;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A raw socket with no framing library, connected to a {@link Connection} or usable as a scripted peer: the
 * test writes exact bytes and reads exact bytes, as the captured transcripts list them.
 */
final class RawPeer implements AutoCloseable {

    final SocketChannel channel;

    RawPeer(SocketChannel channel) {
        this.channel = channel;
    }

    /** A connection (from a Listener without key) and a raw socket connected to it. */
    static Pair pair() throws IOException {
        Path directory = Files.createTempDirectory("interproc-test");
        Path socket = directory.resolve("s");
        try (Listener listener = Listener.bind(new Address.Unix(socket), 1, null)) {
            SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            return new Pair(listener.accept(), new RawPeer(raw));
        } finally {
            Files.deleteIfExists(directory);
        }
    }

    /** A listening raw server socket on a fresh socket file, for a Client to connect to. */
    static ServerSocketChannel rawServer(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    void write(String hex) throws IOException {
        write(Hex.bytes(hex));
    }

    /** Reads exactly {@code count} bytes (fails on end of file). */
    byte[] read(int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("end of file after " + buffer.position() + " of " + count + " bytes");
            }
        }
        return buffer.array();
    }

    /** Reads everything until the peer closes. */
    byte[] readToEnd() throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer) >= 0) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toByteArray();
    }

    /** Half-closes the output, so that the connection sees end of file after what was written. */
    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    record Pair(Connection connection, RawPeer raw) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            connection.close();
            raw.close();
        }
    }
}
