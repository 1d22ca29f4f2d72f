package dev.interproc.codec;

import java.io.IOException;

/**
 * Turns objects into message payloads and back, for whatever carries the payloads: a connection's
 * {@code send}/{@code recv} today. Implementations: {@link PickleCodec} (Python's {@code send}/{@code recv}),
 * {@link BytesCodec} and {@link JavaSerializationCodec}. Implementations must be safe for use by several threads.
 */
public interface Codec {

    /** The longest payload a codec can produce or a carrier can deliver: the largest length a Java array can have. */
    long MAX_PAYLOAD_LENGTH = Integer.MAX_VALUE - 8;

    /**
     * Encodes {@code value} as one message payload.
     *
     * @param value the object to encode; which types a codec takes is its own (see each implementation)
     * @return the payload, at most {@link #MAX_PAYLOAD_LENGTH} bytes
     * @throws IOException if the value cannot be encoded by this codec (a type it does not know, a payload too
     *     long)
     */
    byte[] encode(Object value) throws IOException;

    /**
     * Decodes one message payload.
     *
     * @param payload the bytes of one message, as {@link #encode} made them (possibly in another process or
     *     language)
     * @return the decoded object
     * @throws IOException if the payload is malformed or carries something this codec refuses
     */
    Object decode(byte[] payload) throws IOException;

    /**
     * Whether decoding is only safe with a peer that proved it holds the authentication key. A carrier refuses
     * such a codec unless its peer was authenticated (as a connection's {@code setCodec} does).
     *
     * @return true if a payload from an unauthenticated peer must never reach {@link #decode}
     */
    default boolean requiresAuthenticatedPeer() {
        return false;
    }
}
