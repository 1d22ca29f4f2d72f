package dev.interproc.connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A listening socket whose {@link #accept()} returns authenticated {@link Connection}s: Python's
 * {@code multiprocessing.connection.Listener}, interoperable with Python's {@code Client} and this package's
 * {@link Client}.
 *
 * <p>With an authentication key, {@code accept()} runs the server side of the handshake (challenge the client,
 * then answer its challenge; see {@code docs/connection.md}) before returning; without one (null key), no
 * handshake happens. As in Python 3.13, an empty key still authenticates. The handshake has a timeout
 * ({@link Builder#handshakeTimeout}, default {@link #DEFAULT_HANDSHAKE_TIMEOUT}) so that a client that connects
 * and says nothing cannot hold {@code accept()} forever; a failed handshake closes that connection and throws,
 * and the listener keeps serving: call {@code accept()} again. Unlike Python, handshakes run concurrently: from the
 * first {@code accept()} on, a thread takes clients from the socket and runs each one's handshake on a virtual
 * thread, and {@code accept()} returns (or throws) the outcomes in the order they complete, so a slow or silent
 * client delays nobody else. At most {@link Builder#maxPendingHandshakes} clients are taken from the socket and not
 * yet returned; more wait in the backlog.
 *
 * <p>A listener on a socket file deletes the file when closed (not when the process is killed; binding then fails
 * with "address already in use" until the stale file is removed).
 *
 * <p>Thread-safety: one thread at a time may call {@code accept()}; {@link #close()} may be called from any thread
 * and makes a blocked {@code accept()} throw {@code IOException("listener is closed")}.
 */
public final class Listener implements AutoCloseable {

    /** The default limit on the whole authentication handshake of one accepted connection: 20 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    /**
     * The default limit on the memory a listener's connections hold together for messages still arriving: 1 GiB,
     * eight messages of the default maximum length at once.
     */
    public static final long DEFAULT_PARTIAL_MESSAGE_BUDGET = 1L << 30;

    /** The default bound on the clients taken from the socket and not yet returned by {@link #accept()}: 64. */
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 64;

    private final Sockets.Server server;
    private final Address address;
    private final ConnectionSetup setup;
    private final ReceiveBudget budget;
    private final Path socketFile;
    private final ConcurrentHandshakes handshakes;
    private volatile boolean closed;

    private Listener(Builder builder) throws IOException {
        this.server = Sockets.listen(builder.address, builder.backlog);
        this.address = server.address();
        this.socketFile = builder.address instanceof Address.Unix unix ? unix.path() : null;
        this.setup = builder.setup;
        this.budget = new ReceiveBudget(builder.partialMessageBudget);
        this.handshakes = new ConcurrentHandshakes(server, address, setup, budget, builder.maxPendingHandshakes);
    }

    /**
     * Binds and listens: Python's {@code Listener(address, backlog=backlog, authkey=authkey)}.
     *
     * @param authkey the authentication key, or null for no authentication
     * @param address where to listen; TCP port 0 picks a free port
     * @param backlog the listen backlog
     * @return the listening listener
     * @throws IOException if the address cannot be bound (for example it is in use)
     */
    public static Listener bind(Address address, int backlog, byte[] authkey) throws IOException {
        return builder(address).backlog(backlog).authkey(authkey).bind();
    }

    /**
     * Starts configuring a listener on {@code address} (TCP port 0 picks a free port).
     *
     * @param address where to listen
     * @return a new builder: backlog 1, no key, the default handshake timeout and message limit
     * @throws NullPointerException if {@code address} is null
     */
    public static Builder builder(Address address) {
        return new Builder(address);
    }

    /**
     * Waits for a client, authenticates it if this listener has a key, and returns the connection. Blocks with
     * no limit until a client connects; the handshake is limited by the handshake timeout.
     *
     * @return the accepted, and if this listener has a key authenticated, connection
     * @throws AuthenticationException if the client failed the handshake (its connection is closed)
     * @throws java.net.SocketTimeoutException if the client did not complete the handshake in time
     * @throws IOException "listener is closed", or another socket error
     */
    public Connection accept() throws IOException {
        if (closed) {
            throw new IOException("listener is closed");
        }
        return handshakes.next();
    }

    /**
     * The memory its connections hold now for messages still arriving, within the
     * {@linkplain Builder#partialMessageBudget partial-message budget}.
     *
     * @return the bytes reserved for incomplete messages
     */
    public long partialMessageBytes() {
        return budget.reserved();
    }

    /**
     * The address this listener is bound to, with the real port when port 0 was asked for.
     *
     * @return the bound address
     */
    public Address address() {
        return address;
    }

    /**
     * The peer address of the last accepted connection: a TCP address, or for a Unix-domain client its bound path,
     * empty for an unnamed client (Python's {@code ''}); null before the first connection.
     *
     * @return the last peer's address, or null
     */
    public Address lastAccepted() {
        return handshakes.lastPeer();
    }

    /**
     * Stops listening and deletes the socket file, if any. Idempotent; connections already returned by
     * {@link #accept()} stay open, while handshakes still running are ended and connections not yet returned are
     * closed.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        handshakes.close();
        try {
            server.close();
        } finally {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }

    @Override
    public String toString() {
        return "Listener[" + address + (closed ? ", closed]" : "]");
    }

    /** Configures a {@link Listener}. Not thread-safe. */
    public static final class Builder {

        private final Address address;
        private int backlog = 1;
        private ConnectionSetup setup = ConnectionSetup.DEFAULTS;
        private long partialMessageBudget = DEFAULT_PARTIAL_MESSAGE_BUDGET;
        private int maxPendingHandshakes = DEFAULT_MAX_PENDING_HANDSHAKES;

        private Builder(Address address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /**
         * The listen backlog; default 1, as in Python.
         *
         * @param backlog the most pending connections the operating system queues
         * @return this builder
         */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /**
         * The authentication key (copied), or null (the default) for none.
         *
         * @param authkey the key, or null
         * @return this builder
         */
        public Builder authkey(byte[] authkey) {
            this.setup = setup.withAuthkey(authkey);
            return this;
        }

        /**
         * The limit on one accepted connection's handshake; {@code null} for none (Python has none).
         *
         * @param timeout the longest one handshake may take, or null
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.setup = setup.withHandshakeTimeout(timeout);
            return this;
        }

        /**
         * The longest message accepted connections receive; see {@link Connection#setMaxMessageLength}.
         *
         * @param maxLength the limit in bytes, 0 to {@link Connection#MAX_ARRAY_LENGTH}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLength} is out of range
         */
        public Builder maxMessageLength(long maxLength) {
            this.setup = setup.withMaxMessageLength(maxLength);
            return this;
        }

        /**
         * The most memory the accepted connections may hold together for messages still arriving (default
         * {@link #DEFAULT_PARTIAL_MESSAGE_BUDGET}). A connection receives a message into an array that grows as the
         * bytes arrive (to twice what arrived), and that array counts here until the message is complete; a message
         * that would take the total over the budget fails its connection with "partial-message budget exceeded"
         * (as "bad message length": it becomes write-only), and the others go on. A budget below the maximum
         * message length also keeps a single message below it.
         *
         * @param bytes the budget in bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder partialMessageBudget(long bytes) {
            this.partialMessageBudget = ReceiveBudget.checkLimit(bytes);
            return this;
        }

        /**
         * The most clients taken from the socket and not yet returned by {@link #accept()}, whose handshakes run
         * at once (default {@link #DEFAULT_MAX_PENDING_HANDSHAKES}); more wait in the socket's backlog.
         *
         * @param count at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is below 1
         */
        public Builder maxPendingHandshakes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxPendingHandshakes " + count + " is below 1");
            }
            this.maxPendingHandshakes = count;
            return this;
        }

        /** Replaces the challenge's random source; only tests replaying captured transcripts need this. */
        Builder random(IntFunction<byte[]> source) {
            this.setup = setup.withRandom(source);
            return this;
        }

        /**
         * Binds and listens.
         *
         * @return the listening listener
         * @throws IOException if the address cannot be bound
         */
        public Listener bind() throws IOException {
            return new Listener(this);
        }
    }
}
