package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.Thread.State;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Connections over the ends that call the C library ({@link AbstractSocketEnd}, {@link PipeEnd}), each with a peer
 * in this JVM, and a look at where a thread using one waits.
 */
final class NativeEndPairs {

    private NativeEndPairs() {}

    /** The far side of a connection under test. */
    interface Peer extends AutoCloseable {

        void send(byte[] message) throws IOException;

        byte[] receive() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** A connection under test and its peer; closing closes both. */
    record Pair(Connection end, Peer peer) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            end.close();
            peer.close();
        }
    }

    /** A connection on an abstract-namespace client socket of {@code listener}, which this thread accepts. */
    static Pair abstractSocket(Listener listener) throws IOException {
        Connection client = Client.connect(listener.address(), null);
        return new Pair(listener.accept(), connectionPeer(client));
    }

    /** A peer speaking through a connection of its own. */
    static Peer connectionPeer(Connection connection) {
        return new Peer() {
            @Override
            public void send(byte[] message) throws IOException {
                connection.sendBytes(message);
            }

            @Override
            public byte[] receive() throws IOException {
                return connection.recvBytes();
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /**
     * A connection on a {@link PipeEnd} made as {@link Pipe#startChild} makes one, with no child: the peer reads
     * and writes the two pipes' other ends, reopened in this process, framing messages itself.
     */
    static Pair pipe() throws IOException {
        try (PipeEnd.ChildStreams streams = PipeEnd.ChildStreams.open()) {
            DataOutputStream toEnd = new DataOutputStream(new FileOutputStream(streams.childOutput()));
            DataInputStream fromEnd = new DataInputStream(new FileInputStream(streams.childInput()));
            PipeEnd end = streams.parentEnd();
            return new Pair(new Connection(end, end), new Peer() {
                @Override
                public void send(byte[] message) throws IOException {
                    toEnd.writeInt(message.length);
                    toEnd.write(message);
                    toEnd.flush();
                }

                @Override
                public byte[] receive() throws IOException {
                    return fromEnd.readNBytes(fromEnd.readInt());
                }

                @Override
                public void close() throws IOException {
                    toEnd.close();
                    fromEnd.close();
                }
            });
        }
    }

    /**
     * Whether {@code thread} waits parked (not running, so not holding a carrier) inside a call of {@code end}'s
     * class, {@link AbstractSocketEnd} or {@link PipeEnd}, or of the {@link DescriptorEnd} code it inherits.
     */
    static boolean parkedIn(Thread thread, Class<?> end) {
        State state = thread.getState();
        return (state == State.WAITING || state == State.TIMED_WAITING) && isIn(thread, end);
    }

    /** Whether {@code thread}'s stack has a frame of {@code end}'s class or of a class it extends. */
    static boolean isIn(Thread thread, Class<?> end) {
        Set<String> classes = new HashSet<>();
        for (Class<?> type = end; type != Object.class; type = type.getSuperclass()) {
            classes.add(type.getName());
        }
        return Arrays.stream(thread.getStackTrace()).anyMatch(frame -> classes.contains(frame.getClassName()));
    }

    /** How long a thread under test may take to reach the place a test waits for. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /**
     * Waits, looking every 0.2 ms, until {@code condition} holds; fails, naming {@code what} and showing
     * {@code thread}, if the thread ends or {@link #PATIENCE} passes first.
     */
    static void await(Thread thread, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!thread.isAlive() || System.nanoTime() - deadline > 0) {
                fail("not " + what + ": " + describe(thread));
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** The state and stack of {@code thread}, for a failure message. */
    static String describe(Thread thread) {
        return thread.getName() + " " + thread.getState() + " at " + Arrays.toString(thread.getStackTrace());
    }
}
