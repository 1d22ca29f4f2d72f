package dev.interproc.connection;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Waiting on several connections at once: Python's {@code multiprocessing.connection.wait}. */
public final class Connections {

    private Connections() {}

    /**
     * Blocks until at least one of {@code connections} has something to read (a message, part of one, or end of
     * file) or the timeout passes, and returns the ready ones, in no particular order; an empty list on timeout.
     * A {@code null} timeout waits without limit; zero or negative checks once and returns. The calling thread
     * acts as the reader of every connection given for the duration of the call. A virtual thread waits without
     * pinning its carrier, for every kind of connection.
     *
     * @param connections the connections to watch, possibly none
     * @param timeout the longest time to wait, or null for no limit
     * @return a new list of the ready connections, empty if the timeout elapsed first
     * @throws IOException "handle is closed" or "connection is write-only" for a connection that cannot be read
     * @throws IllegalArgumentException if abstract-namespace connections, or connections over standard streams
     *         ({@link Pipe#startChild}, {@link Pipe#toParent}), are mixed with the JDK-channel kinds (Unix socket
     *         files, TCP, {@link Pipe#duplex}), which the JDK's selectors watch and they cannot; abstract-namespace
     *         and standard-stream connections may be mixed with each other
     */
    public static List<Connection> wait(Collection<Connection> connections, Duration timeout) throws IOException {
        List<Connection> ready = new ArrayList<>();
        List<Endpoint> ends = new ArrayList<>(connections.size());
        for (Connection connection : connections) {
            ends.add(connection.readEnd());
            if (connection.hasBufferedInput()) {
                ready.add(connection);
            }
        }
        if (!ready.isEmpty() || connections.isEmpty() && timeout == null) {
            return ready;
        }
        long deadline = Endpoint.deadlineAfter(timeout);
        long descriptorEnds =
                ends.stream().filter(DescriptorEnd.class::isInstance).count();
        if (descriptorEnds == 0) {
            return select(connections, ends, deadline);
        }
        if (descriptorEnds != ends.size()) {
            throw new IllegalArgumentException("cannot wait on abstract-namespace or standard-stream connections"
                    + " together with Unix-socket-file, TCP or Pipe.duplex connections (the JDK's selectors cannot"
                    + " watch the former): wait on each group in its own call, or use one kind of address");
        }
        List<Boolean> readable = DescriptorEnd.pollReadable(
                ends.stream().map(DescriptorEnd.class::cast).toList(), deadline);
        int index = 0;
        for (Connection connection : connections) {
            if (readable.get(index++)) {
                ready.add(connection);
            }
        }
        return ready;
    }

    private static List<Connection> select(Collection<Connection> connections, List<Endpoint> ends, long deadline)
            throws IOException {
        List<Connection> ready = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            List<ChannelEnd> registered = new ArrayList<>(ends.size());
            try {
                int index = 0;
                for (Connection connection : connections) {
                    ChannelEnd end = (ChannelEnd) ends.get(index++);
                    end.register(selector, connection);
                    registered.add(end);
                }
                while (ready.isEmpty()) {
                    if (ChannelEnd.select(selector, deadline) > 0) {
                        for (SelectionKey key : selector.selectedKeys()) {
                            ready.add((Connection) key.attachment());
                        }
                        selector.selectedKeys().clear();
                    }
                    if (deadline != Endpoint.NO_DEADLINE && deadline - System.nanoTime() <= 0) {
                        break;
                    }
                }
            } catch (ClosedSelectorException e) {
                throw new IOException("handle is closed", e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    key.cancel();
                }
                selector.selectNow(); // deregisters, so that the channels may return to blocking mode
                for (ChannelEnd end : registered) {
                    end.unregister();
                }
            }
        }
        return ready;
    }
}
