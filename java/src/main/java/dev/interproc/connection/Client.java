package dev.interproc.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Connects to a {@link Listener}, this package's or Python's {@code multiprocessing.connection.Listener}:
 * Python's {@code Client(address, authkey=authkey)}.
 *
 * <p>With an authentication key the client side of the handshake runs before the connection is returned (answer
 * the listener's challenge, then challenge it), limited by {@link Builder#handshakeTimeout} (default
 * {@link Listener#DEFAULT_HANDSHAKE_TIMEOUT}). Connecting itself is not retried: a refused connection or a
 * missing socket file fails at once, as in Python.
 */
public final class Client {

    private Client() {}

    /**
     * Connects and, when {@code authkey} is not null, authenticates.
     *
     * @param address where the listener is
     * @param authkey the authentication key, or null to connect without a handshake (then the listener must have none)
     * @return the connected, and if a key was given authenticated, connection
     * @throws AuthenticationException if the handshake failed (the connection is closed)
     * @throws java.net.SocketTimeoutException if the listener did not complete the handshake in time
     * @throws java.net.ConnectException if nobody listens at a TCP address
     * @throws IOException on other socket errors
     */
    public static Connection connect(Address address, byte[] authkey) throws IOException {
        return builder(address).authkey(authkey).connect();
    }

    /**
     * Starts configuring a client of {@code address}.
     *
     * @param address where the listener is
     * @return a new builder with no key, the default handshake timeout and the default message limit
     * @throws NullPointerException if {@code address} is null
     */
    public static Builder builder(Address address) {
        return new Builder(address);
    }

    /** Configures a connection to a listener. Not thread-safe. */
    public static final class Builder {

        private final Address address;
        private ConnectionSetup setup = ConnectionSetup.DEFAULTS;

        private Builder(Address address) {
            this.address = Objects.requireNonNull(address, "address");
        }

        /**
         * The authentication key (copied), or null (the default) for no handshake.
         *
         * @param authkey the key, or null
         * @return this builder
         */
        public Builder authkey(byte[] authkey) {
            setup = setup.withAuthkey(authkey);
            return this;
        }

        /**
         * The limit on the handshake; {@code null} for none (Python has none).
         *
         * @param timeout the longest the whole handshake may take, or null
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            setup = setup.withHandshakeTimeout(timeout);
            return this;
        }

        /**
         * The longest message the connection receives; see {@link Connection#setMaxMessageLength}.
         *
         * @param maxLength the limit in bytes, 0 to {@link Connection#MAX_ARRAY_LENGTH}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxLength} is out of range
         */
        public Builder maxMessageLength(long maxLength) {
            setup = setup.withMaxMessageLength(maxLength);
            return this;
        }

        /** Replaces the challenge's random source; only tests replaying captured transcripts need this. */
        Builder random(IntFunction<byte[]> source) {
            setup = setup.withRandom(source);
            return this;
        }

        /**
         * Connects; see {@link Client#connect(Address, byte[])}.
         *
         * @return the connected, and if a key was set authenticated, connection
         * @throws AuthenticationException if the handshake failed (the connection is closed)
         * @throws java.net.SocketTimeoutException if the listener did not complete the handshake within the handshake
         *     timeout
         * @throws java.net.ConnectException if nobody listens at a TCP address
         * @throws IOException on other socket errors
         */
        public Connection connect() throws IOException {
            return setup.open(Sockets.connect(address), Handshake.Side.CLIENT, ReceiveBudget.UNLIMITED);
        }
    }
}
