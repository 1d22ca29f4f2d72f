package dev.interproc.connection;

import java.io.IOException;

/**
 * Turns objects into message payloads and back for {@link Connection#send(Object)} and {@link Connection#recv()}.
 * Implementations: {@link PickleCodec} (Python's {@code send}/{@code recv}, the default), {@link BytesCodec} and
 * {@link JavaSerializationCodec}. Implementations must be safe for use by several threads.
 */
public interface Codec {

    /** Encodes {@code value} as one message payload. */
    byte[] encode(Object value) throws IOException;

    /**
     * Decodes one message payload.
     *
     * @throws IOException if the payload is malformed or carries something this codec refuses
     */
    Object decode(byte[] payload) throws IOException;

    /**
     * Whether decoding is only safe with a peer that proved it holds the authentication key. A connection
     * refuses such a codec unless it was authenticated (see {@link Connection#setCodec}).
     */
    default boolean requiresAuthenticatedPeer() {
        return false;
    }
}
