package dev.interproc;

/**
 * Base class of the unchecked exceptions interproc throws when shared memory or a native call
 * cannot do what was asked. Each subclass names the broken invariant; the message says what to do.
 */
public class InterprocException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The libinterproc error code, serialized with the exception. */
    private final int errorCode;

    /**
     * Creates an exception with the message and the native error code behind it.
     *
     * @param message what failed and what to do about it
     * @param errorCode the libinterproc error code (negative), or 0 when the failure was found in Java
     */
    public InterprocException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /**
     * The libinterproc error code behind this exception (negative errno or IP_E*), or 0 if none.
     *
     * @return the negative error code, or 0 when the failure was found in Java
     */
    public int errorCode() {
        return errorCode;
    }
}
