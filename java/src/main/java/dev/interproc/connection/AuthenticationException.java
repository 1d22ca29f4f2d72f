package dev.interproc.connection;

import java.io.IOException;

/**
 * The authentication handshake failed: Python's {@code multiprocessing.AuthenticationError}. The message is
 * Python's own (for example {@code "digest received was wrong"} on the side that checked a wrong key and
 * {@code "digest sent was rejected"} on the side whose key was wrong), so logs read the same on both sides.
 * The connection it happened on has been closed. Check that both ends use the same authentication key.
 */
public class AuthenticationException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with Python's message.
     *
     * @param message the message, as Python words it
     */
    public AuthenticationException(String message) {
        super(message);
    }
}
