package dev.interproc.manager;

/**
 * A manager call failed on the server: the managed object raised a Python exception that has no Java meaning
 * in the proxy's interface, or the server could not carry out the request. {@link #pythonType()} names the
 * Python exception ({@code builtins.KeyError}); for a server-side failure reported as a traceback it is
 * {@code RemoteError} and the message is the traceback.
 */
public class ManagerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The qualified Python type of the remote exception, serialized with it. */
    private final String pythonType;

    /**
     * Creates an exception.
     *
     * @param pythonType the qualified Python type of the remote exception, or {@code RemoteError}
     * @param message the remote message or traceback
     * @param cause the local cause, or null
     */
    public ManagerException(String pythonType, String message, Throwable cause) {
        super(message, cause);
        this.pythonType = pythonType;
    }

    /** {@return the qualified Python type of the remote exception, such as {@code builtins.KeyError}} */
    public String pythonType() {
        return pythonType;
    }
}
