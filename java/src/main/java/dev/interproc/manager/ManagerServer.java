package dev.interproc.manager;

import dev.interproc.codec.PickleCodec;
import dev.interproc.connection.Address;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A manager server that speaks Python's {@code multiprocessing.managers} protocol: Python's stock
 * {@code SyncManager(address, authkey).connect()} create shared objects
 * on it ({@code dict}, {@code list}, {@code Queue}, {@code Value}, {@code Lock}, {@code Event},
 * {@code Namespace}...; see {@code docs/manager.md}) and call them through proxies.
 *
 * <p>The server listens on a Unix socket file (by default in a fresh private directory) or a TCP address, and
 * always authenticates: every connection completes the handshake with the key before anything it sends is
 * decoded. Each connection is served on a platform thread of its own (pooled): a one-request connection
 * ({@code create}, {@code incref}, {@code decref}...) for its request, a method-call channel for as long as its
 * client thread keeps it, as Python serves each on an OS thread. Objects live while proxies reference them (Python's reference
 * counts: {@code create}, {@code incref}, {@code decref}).
 *
 * <p>The server runs from {@link #start} until {@link #close()} or a client's {@code shutdown} request;
 * {@link #awaitShutdown} waits for that.
 */
public final class ManagerServer implements AutoCloseable {

    private final Listener listener;
    private final Path privateDirectory;
    private final ManagerTypes types;
    private final ObjectTable table = new ObjectTable();
    private final RequestHandler handler = new RequestHandler(this, table);
    /** The protocol's codec, with a proxy of this server stored inside an object decoded as a {@link StoredProxy}. */
    private final PickleCodec codec = Protocol.codec(this::rebuild);

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> servingThreads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The threads serving connections: one per connection, as Python's, reused once a connection ends. */
    private final ExecutorService workers = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("interproc-manager-request-", 0).factory());

    private volatile boolean closed;

    private ManagerServer(Listener listener, Path privateDirectory, ManagerTypes types) {
        this.listener = listener;
        this.privateDirectory = privateDirectory;
        this.types = types;
        Thread.ofPlatform()
                .daemon()
                .name("interproc-manager-accept " + listener.address())
                .start(this::acceptClients);
    }

    /**
     * Starts a server on a socket file in a fresh private temporary directory, as Python's {@code Manager()}.
     *
     * @param authkey the key every client must prove it holds
     * @return the running server
     * @throws IOException if the socket cannot be made
     */
    public static ManagerServer start(byte[] authkey) throws IOException {
        Path directory = Files.createTempDirectory("interproc-manager-");
        try {
            return start(
                    new Address.Unix(directory.resolve("listener.sock")), authkey, directory, ManagerTypes.standard());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(directory);
            throw e;
        }
    }

    /**
     * Starts a server on {@code address}: a socket file, or TCP (port 0 picks a free port) for remote clients. A
     * socket file left by a server that died (nothing accepts on it) is replaced, so that a restarted server
     * serves at the address its clients know and they can reconnect; a file of a live server is left alone.
     *
     * @param address where to listen
     * @param authkey the key every client must prove it holds
     * @return the running server
     * @throws IOException if the address cannot be bound, for example because a live server holds it
     */
    public static ManagerServer start(Address address, byte[] authkey) throws IOException {
        return start(address, authkey, ManagerTypes.standard());
    }

    /**
     * Starts a server on {@code address} that also creates the types a user registered (Python's
     * {@code BaseManager.register}), as {@link #start(Address, byte[])} does otherwise.
     *
     * @param address where to listen
     * @param authkey the key every client must prove it holds
     * @param types the types clients may create; the server keeps a copy
     * @return the running server
     * @throws IOException if the address cannot be bound
     */
    public static ManagerServer start(Address address, byte[] authkey, ManagerTypes types) throws IOException {
        if (address instanceof Address.Unix unix) {
            removeIfAbandoned(unix.path());
        }
        return start(address, authkey, null, types.copy());
    }

    /** Deletes the socket file at {@code path} if nothing accepts connections on it any more. */
    private static void removeIfAbandoned(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            // A live server accepts: its file stays, and binding reports the address in use.
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
        } catch (ConnectException abandoned) {
            Files.deleteIfExists(path);
        }
    }

    private static ManagerServer start(Address address, byte[] authkey, Path privateDirectory, ManagerTypes types)
            throws IOException {
        Objects.requireNonNull(authkey, "a manager always authenticates: authkey");
        return new ManagerServer(
                Listener.builder(address).backlog(128).authkey(authkey).bind(), privateDirectory, types);
    }

    /** {@return the codec of this server's requests and replies} */
    PickleCodec codec() {
        return codec;
    }

    /**
     * What a pickled proxy sent to this server becomes: one of this server's objects, a {@link StoredProxy} holding
     * it (a KeyError if it is gone); one of another manager's, itself, to be written back unchanged.
     */
    private Object rebuild(PickledProxy pickled) {
        if (!pickled.token().isAt(pythonAddress())) {
            return pickled;
        }
        return new StoredProxy(pickled, table.toStore(pickled.token().id()));
    }

    /** {@return the number of objects only stored inside others (no client references them), not yet collected} */
    int storedOnlyObjects() {
        return table.storedOnlyCount();
    }

    /** {@return the types this server creates} */
    ManagerTypes types() {
        return types;
    }

    /** {@return the address clients connect to, with the real port when port 0 was asked for} */
    public Address address() {
        return listener.address();
    }

    /** {@return the number of objects held, Python's {@code number_of_objects()}} */
    public int numberOfObjects() {
        return table.size();
    }

    /**
     * Waits until the server stops, by {@link #close()} or a client's {@code shutdown} request.
     *
     * @param timeout the longest wait
     * @return {@code true} if the server stopped, {@code false} if the time ran out
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitShutdown(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the server: no more clients, every connection closed (a client blocked in a call sees the connection
     * end), calls in progress interrupted, objects dropped, and the socket file (and the private directory) removed.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            listener.close();
            if (privateDirectory != null) {
                Files.deleteIfExists(privateDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            connections.forEach(Connection::close);
            servingThreads.forEach(Thread::interrupt);
            workers.shutdown();
            stopped.countDown();
        }
    }

    /** The address as Python writes it in a {@code Token}: a path string, a (host, port) tuple, or bytes. */
    Object pythonAddress() {
        return Protocol.pythonAddress(listener.address());
    }

    /** Hands each authenticated client to a serving thread; failed handshakes are the failing client's business. */
    private void acceptClients() {
        while (!closed) {
            Connection connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                continue; // a client failed the handshake or gave up; after close() the loop ends
            }
            connections.add(connection);
            try {
                workers.execute(() -> serveRequest(connection));
            } catch (RejectedExecutionException closing) {
                connections.remove(connection);
                connection.close();
            }
        }
    }

    /**
     * Answers a connection's one request, and serves it on as a method-call channel if it asked to be one, on a
     * pooled platform thread. A virtual thread paid two more thread wake-ups for each read (the poller's, then a
     * carrier's): a method-call round trip took 20 against 8 µs here, and creating a proxy from Python, four
     * connections, took longer than against Python's own server.
     */
    private void serveRequest(Connection connection) {
        Thread.interrupted(); // a pooled thread: an interrupt left by the connection it served before is not ours
        String channel = serving(connection, () -> handler.serve(connection));
        if (channel != null) {
            Thread thread = Thread.currentThread();
            String name = thread.getName();
            thread.setName(channel);
            try {
                serving(connection, () -> {
                    handler.serveCalls(connection);
                    return null;
                });
            } finally {
                thread.setName(name);
            }
        }
    }

    /** Runs {@code work} on {@code connection}, which it closes unless the work hands it on (non-null result). */
    private String serving(Connection connection, Work work) {
        servingThreads.add(Thread.currentThread());
        String handedOn = null;
        try {
            if (!closed) {
                handedOn = work.run();
            }
        } catch (IOException | InterruptedException e) {
            // The client went, or the server is closing: this connection is over either way.
        } finally {
            servingThreads.remove(Thread.currentThread());
            if (handedOn == null) {
                connections.remove(connection);
                connection.close();
            }
        }
        return handedOn;
    }

    /** Serving work on one connection. */
    @FunctionalInterface
    private interface Work {
        String run() throws IOException, InterruptedException;
    }
}
