package dev.interproc.codec;

import java.io.IOException;

/**
 * The identity codec: {@code send} takes a {@code byte[]} and {@code recv} returns the payload as it came,
 * the same as a connection's {@code sendBytes(byte[])} and {@code recvBytes()}.
 */
public final class BytesCodec implements Codec {

    /** The shared instance. */
    public static final BytesCodec INSTANCE = new BytesCodec();

    private BytesCodec() {}

    /** @throws IOException if {@code value} is not a {@code byte[]} */
    @Override
    public byte[] encode(Object value) throws IOException {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        throw new IOException("BytesCodec sends byte[] only, not "
                + (value == null ? "null" : value.getClass().getName())
                + "; choose another codec with Connection.setCodec");
    }

    @Override
    public Object decode(byte[] payload) {
        return payload;
    }
}
