package dev.interproc.connection;

import java.io.IOException;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * How a {@link Listener} and a {@link Client} turn a freshly connected end into a {@link Connection}: the message
 * limit, and, when there is an authentication key, their side of the handshake within the handshake timeout. Both
 * builders keep one of these; it is immutable, each setting makes a new one.
 */
final class ConnectionSetup {

    /** No key, {@link Listener#DEFAULT_HANDSHAKE_TIMEOUT}, {@link Connection#DEFAULT_MAX_MESSAGE_LENGTH}. */
    static final ConnectionSetup DEFAULTS = new ConnectionSetup(
            null, Listener.DEFAULT_HANDSHAKE_TIMEOUT, Connection.DEFAULT_MAX_MESSAGE_LENGTH, Handshake.SECURE_BYTES);

    private final byte[] authkey;
    private final Duration handshakeTimeout;
    private final long maxMessageLength;
    private final IntFunction<byte[]> random;

    private ConnectionSetup(
            byte[] authkey, Duration handshakeTimeout, long maxMessageLength, IntFunction<byte[]> random) {
        this.authkey = authkey;
        this.handshakeTimeout = handshakeTimeout;
        this.maxMessageLength = maxMessageLength;
        this.random = random;
    }

    /** With this authentication key (copied), or none when null. */
    ConnectionSetup withAuthkey(byte[] key) {
        return new ConnectionSetup(key == null ? null : key.clone(), handshakeTimeout, maxMessageLength, random);
    }

    /** With this limit on the whole handshake; null for none. */
    ConnectionSetup withHandshakeTimeout(Duration timeout) {
        return new ConnectionSetup(authkey, timeout, maxMessageLength, random);
    }

    /** @throws IllegalArgumentException as {@link Connection#setMaxMessageLength} */
    ConnectionSetup withMaxMessageLength(long maxLength) {
        return new ConnectionSetup(
                authkey, handshakeTimeout, ConnectionArguments.checkMaxMessageLength(maxLength), random);
    }

    /** With another random source for the challenges (tests replaying captured transcripts). */
    ConnectionSetup withRandom(IntFunction<byte[]> source) {
        return new ConnectionSetup(authkey, handshakeTimeout, maxMessageLength, source);
    }

    /**
     * A connection over {@code end}, authenticated by {@code side}'s part of the handshake when there is a key.
     * A failure closes the connection (and so {@code end}) and throws. Its incomplete messages are held within
     * {@code budget}.
     */
    Connection open(Endpoint end, Handshake.Side side, ReceiveBudget budget) throws IOException {
        Connection connection = new Connection(end, end, budget);
        try {
            connection.setMaxMessageLength(maxMessageLength);
            if (authkey != null) {
                Handshake.authenticate(connection, side, authkey, random, handshakeTimeout);
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }
}
