package dev.interproc.connection;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pair of connected {@link Connection}s, Python's {@code multiprocessing.Pipe(duplex)}: duplex, both ends read
 * and write over a connected pair of Unix-domain stream sockets; one-way, {@link #first()} is the reader and
 * {@link #second()} the writer of an OS pipe. No authentication is performed, as in Python.
 *
 * <p>Both ends live in this JVM: the JDK cannot hand a file descriptor to another process (Python relies on
 * {@code fork}). Between two JVMs use a {@link Listener} and a {@link Client} on a Unix-domain socket file,
 * which is the same kind of socket as a duplex pipe.
 *
 * <p>Closing the pipe closes both ends.
 *
 * @param first the first end (the reader of a one-way pipe)
 * @param second the second end (the writer of a one-way pipe)
 */
public record Pipe(Connection first, Connection second) implements AutoCloseable {

    /** Python's {@code Pipe(duplex)}. */
    public static Pipe open(boolean duplex) throws IOException {
        return duplex ? duplex() : oneWay();
    }

    /**
     * Two connected read-write ends. The JDK has no {@code socketpair}, so the pair is made by connecting to a
     * listening socket in a fresh private temporary directory, which is removed before this returns.
     */
    public static Pipe duplex() throws IOException {
        Path directory = Files.createTempDirectory("interproc-pipe");
        Path socketFile = directory.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketFile), 1);
            SocketChannel one = SocketChannel.open(UnixDomainSocketAddress.of(socketFile));
            SocketChannel two;
            try {
                two = server.accept();
            } catch (IOException e) {
                one.close();
                throw e;
            }
            ChannelEnd first = new ChannelEnd(one);
            ChannelEnd second = new ChannelEnd(two);
            return new Pipe(new Connection(first, first), new Connection(second, second));
        } finally {
            Files.deleteIfExists(socketFile);
            Files.deleteIfExists(directory);
        }
    }

    /** An OS pipe: {@link #first()} only reads, {@link #second()} only writes. */
    public static Pipe oneWay() throws IOException {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        return new Pipe(new Connection(new ChannelEnd(pipe.source()), null), new Connection(null, new ChannelEnd(pipe.sink())));
    }

    /** Closes both ends. */
    @Override
    public void close() {
        first.close();
        second.close();
    }
}
