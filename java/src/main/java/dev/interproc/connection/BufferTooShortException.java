package dev.interproc.connection;

import java.io.IOException;

/**
 * A received message did not fit the buffer given to {@code Connection.recvBytesInto}: Python's
 * {@code multiprocessing.BufferTooShort}. The message has been consumed from the connection and is carried
 * whole by {@link #message()}, so nothing is lost; pass a larger buffer next time.
 */
public class BufferTooShortException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The complete message, serialized with the exception. */
    private final byte[] message;

    /**
     * Creates the exception carrying the complete message that did not fit.
     *
     * @param message the whole message, kept without copying
     * @param room the bytes the buffer had after the offset
     */
    public BufferTooShortException(byte[] message, int room) {
        super("the message of " + message.length + " bytes does not fit in the " + room
                + " bytes of the buffer after the offset; the message is available from message()");
        this.message = message;
    }

    /**
     * The complete message that did not fit (not copied).
     *
     * @return the message; the array the exception holds
     */
    public byte[] message() {
        return message;
    }
}
