package dev.interproc.connection;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A pair of connected {@link Connection}s, Python's {@code multiprocessing.Pipe(duplex)}: duplex, both ends read
 * and write over a connected pair of Unix-domain stream sockets; one-way, {@link #first()} is the reader and
 * {@link #second()} the writer of an OS pipe. No authentication is performed, as in Python.
 *
 * <p>Both ends of such a pair live in this JVM: the JDK cannot hand a file descriptor to another process (Python
 * relies on {@code fork}). Between a parent JVM and a child JVM it starts, {@link #startChild} and
 * {@link #toParent()} make a duplex connection of the child's standard input and output, which are OS pipes (what
 * Python does with {@code subprocess.PIPE} and {@code Connection(fd)}). Between unrelated processes use a
 * {@link Listener} and a {@link Client} on a Unix-domain socket file, the same kind of socket as a duplex pipe.
 *
 * <p>Closing the pipe closes both ends.
 *
 * @param first the first end (the reader of a one-way pipe)
 * @param second the second end (the writer of a one-way pipe)
 */
public record Pipe(Connection first, Connection second) implements AutoCloseable {

    /** The shell of {@link #startChildBlocking}'s launcher. */
    private static final Path SHELL = Path.of("/bin/sh");

    /**
     * The launcher's script: the pipes of standard input and output become descriptors 3 and 4, standard input
     * {@code /dev/null}, standard output a copy of standard error; then the JVM (its arguments) runs in its place.
     */
    private static final String MOVE_PIPES = "exec 3<&0 4>&1 0</dev/null 1>&2 \"$@\"";

    /**
     * Python's {@code Pipe(duplex)}.
     *
     * @param duplex {@code true} for {@link #duplex()}, {@code false} for {@link #oneWay()}
     * @return the two connected ends
     * @throws IOException if the operating system cannot make the pipe
     */
    public static Pipe open(boolean duplex) throws IOException {
        return duplex ? duplex() : oneWay();
    }

    /**
     * Two connected read-write ends. The JDK has no {@code socketpair}, so the pair is made by connecting to a
     * listening socket in a fresh private temporary directory, which is removed before this returns.
     *
     * @return the two connected ends
     * @throws IOException if the socket pair cannot be made
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

    /**
     * An OS pipe: {@link #first()} only reads, {@link #second()} only writes.
     *
     * @return the reading end first, the writing end second
     * @throws IOException if the pipe cannot be made
     */
    public static Pipe oneWay() throws IOException {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        return new Pipe(
                new Connection(new ChannelEnd(pipe.source()), null), new Connection(null, new ChannelEnd(pipe.sink())));
    }

    /**
     * Starts a child JVM whose standard input and output carry a duplex connection with this JVM; the child makes
     * its end with {@link #toParent()}. Standard error stays a line-read transcript ({@link JavaProcess#awaitErrorLine},
     * {@link JavaProcess#errorOutput()}); standard input and output are {@linkplain
     * JavaProcess.Builder#redirectInput redirected}, so the process's {@code sendLine} and {@code awaitLine} throw.
     * The builder's standard input and output are pipes again on return, so it can be reused; like any builder it
     * must not be used by another thread meanwhile (different builders may start children concurrently). No
     * authentication is performed, as for {@code Pipe()}: the pipes are private to the two processes.
     *
     * <p>The connection's calls block as on any connection; {@link Connection#poll(Duration)} and
     * {@link Connections#wait} work with timeouts (through {@code poll(2)}; {@code wait} cannot mix these
     * connections with other kinds). When the child exits or is killed, receiving gives {@link java.io.EOFException}
     * (or "got end of file during message" inside a message) and sending fails with "Broken pipe". The connection
     * and process are safe for use as documented by {@link Connection} and {@link JavaProcess}.
     *
     * @param builder the child to start; its standard input and output are redirected to the pipes
     * @return the running child and the connection to it
     * @throws IOException if the pipes cannot be made
     * @throws java.io.UncheckedIOException if the child cannot be started
     */
    public static Child startChild(JavaProcess.Builder builder) throws IOException {
        Objects.requireNonNull(builder, "builder");
        try (PipeEnd.ChildStreams streams = PipeEnd.ChildStreams.open()) {
            JavaProcess process;
            try {
                process = builder.redirectInput(ProcessBuilder.Redirect.from(streams.childInput()))
                        .redirectOutput(ProcessBuilder.Redirect.to(streams.childOutput()))
                        .start();
            } finally {
                // The redirects name descriptor numbers that are closed below and may be reused.
                builder.redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE);
            }
            PipeEnd end;
            try {
                end = streams.parentEnd();
            } catch (IOException | RuntimeException e) {
                process.close();
                throw e;
            }
            return new Child(process, new Connection(end, end));
        }
    }

    /**
     * As {@link #startChild}, for a parent that must start children fast and only makes blocking calls on the
     * connection (a pool's worker slot): the connection runs over the JDK's own pipes to the child ({@link
     * Process#getInputStream()} and {@link Process#getOutputStream()}), linking no C function, where
     * {@link #startChild} links a dozen the first time, which costs a JVM tens to hundreds of milliseconds. The child
     * may make its end with {@link #toParent()} or {@link #toParentBlocking()}. Differences from
     * {@link #startChild}: receiving cannot wait with a timeout ({@link Connection#poll(Duration)} with a positive
     * timeout throws {@link UnsupportedOperationException}; a zero timeout answers whether bytes are ready), and
     * closing the connection does not wake a receive blocked in another thread: the child's end of file or death
     * does (closing makes a child that reads exit, and {@link Child#close()} kills it).
     *
     * <p>Where {@code /bin/sh} exists, the child starts through it, {@linkplain JavaProcess.Builder#launcherFirst
     * before} the builder's own launcher if any: it moves the pipes to descriptors 3 and 4 and makes descriptor 0
     * {@code /dev/null} and 1 a copy of standard error, then executes the rest in its place; a system property tells
     * the child, whose {@link #toParentBlocking()} or {@link #toParent()} then has nothing to redirect, so that no C
     * function is linked on its start either. Without {@code /bin/sh} the child redirects them itself. The child is
     * started from a {@linkplain JavaProcess.Builder#copy copy} of the builder, which this does not change.
     *
     * @param builder the child to start
     * @return the running child and the connection to it
     * @throws java.io.UncheckedIOException if the child cannot be started; where {@code /bin/sh} starts it, a
     *     {@code java} binary that cannot be executed shows instead as the child's exit (code 127) with the shell's
     *     message on its standard error, so the connection's first receive gets end of file
     */
    public static Child startChildBlocking(JavaProcess.Builder builder) {
        return startChildBlocking(builder, Files.isExecutable(SHELL));
    }

    /**
     * {@link #startChildBlocking(JavaProcess.Builder)}, moving the pipes through {@code /bin/sh} or not.
     *
     * @param movePipes whether the launcher moves the pipes; if not, the child redirects its standard streams
     */
    static Child startChildBlocking(JavaProcess.Builder builder, boolean movePipes) {
        JavaProcess.Builder child =
                Objects.requireNonNull(builder, "builder").copy().rawStandardStreams();
        if (movePipes) {
            child.launcherFirst(SHELL.toString(), "-c", MOVE_PIPES, "sh")
                    .systemProperty(StandardStreams.MOVED_PROPERTY, StandardStreams.MOVED_VALUE);
        }
        JavaProcess process = child.start();
        StreamEnd end = StreamEnd.ofChild(
                process.process().getInputStream(), process.process().getOutputStream());
        return new Child(process, new Connection(end, end));
    }

    /**
     * In a child started by {@link #startChild} (or any process whose standard input and output are pipes, such
     * as a Python {@code subprocess.Popen(..., stdin=PIPE, stdout=PIPE)} child), the duplex connection to the
     * parent over standard input and output. Call it first thing in {@code main}: it takes both streams over, so
     * that nothing else can corrupt the framing. From then on {@code System.in} (descriptor 0) reads
     * {@code /dev/null}, and {@code System.out} (descriptor 1, also for native code) writes to standard error,
     * where the parent's transcript shows it; output written to standard output before the call reaches the
     * parent ahead of the first message and corrupts the stream. In a child started by {@link #startChildBlocking}
     * whose launcher moved the pipes to descriptors 3 and 4, those are taken instead (and closed once reopened),
     * and descriptors 0 and 1 were {@code /dev/null} and standard error from the start. No authentication, as
     * for {@code Pipe()}.
     *
     * <p>Blocking, timeouts and end of file as for the parent's end (see {@link #startChild}).
     *
     * @return the duplex connection to the parent
     * @throws IOException if standard input or output is not a pipe, or cannot be reopened
     * @throws IllegalStateException if this process's standard streams already carry a connection
     */
    public static Connection toParent() throws IOException {
        PipeEnd end = PipeEnd.ofStandardStreams();
        return new Connection(end, end);
    }

    /**
     * As {@link #toParent()}, for a child JVM that must start fast and only makes blocking calls on the connection,
     * from one receiving and one sending thread at a time (a worker's main loop): the connection is made through
     * the JDK's own file streams, linking one C function ({@code dup2}) instead of the dozen a full end needs, which
     * costs a starting JVM tens to hundreds of milliseconds, and none in a child started by
     * {@link #startChildBlocking} whose launcher moved the pipes (then descriptors 3 and 4 carry the connection,
     * and 0 and 1 were {@code /dev/null} and standard error from the start). Differences from {@link #toParent()}:
     * receiving cannot wait with a timeout ({@link Connection#poll(Duration)} with a positive timeout throws
     * {@link UnsupportedOperationException}; a zero timeout answers whether bytes are ready), closing does not
     * wake a blocked receive, and where this process redirects its standard streams itself, descriptor 0 becomes a
     * copy of standard error instead of {@code /dev/null} ({@code System.in} reads nothing; a native read of
     * descriptor 0 fails). Standard output goes to standard error, as for {@link #toParent()}: {@code System.out}
     * at once, descriptor 1 (native code, child processes) from the first receive on (the {@code dup2} runs in the
     * background meanwhile), or from the start when the launcher moved the pipes.
     *
     * @return the duplex connection to the parent
     * @throws IOException if standard input or output is not a pipe, or cannot be reopened
     * @throws IllegalStateException if this process's standard streams already carry a connection, or this JVM
     *     denies native access
     */
    public static Connection toParentBlocking() throws IOException {
        StreamEnd end = StreamEnd.ofStandardStreams();
        return new Connection(end, end);
    }

    /**
     * A child JVM started by {@link #startChild} and this JVM's connection to it. Closing closes the connection,
     * then kills the child if it is still running (SIGKILL) and waits for it: to let it finish, close the
     * connection or tell it to stop, then {@link JavaProcess#waitFor} it first.
     *
     * @param process the child JVM; its standard error is read as lines
     * @param connection the duplex connection over the child's standard input and output
     */
    public record Child(JavaProcess process, Connection connection) implements AutoCloseable {

        /** Closes the connection, then kills the child if it is still running and reaps it. */
        @Override
        public void close() {
            connection.close();
            process.close();
        }
    }

    /** Closes both ends. */
    @Override
    public void close() {
        first.close();
        second.close();
    }
}
