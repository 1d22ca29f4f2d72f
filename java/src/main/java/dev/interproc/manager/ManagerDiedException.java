package dev.interproc.manager;

/**
 * The manager server cannot be reached any more: it died, was shut down, or the connection to it broke. A call
 * blocked on the server when that happens, and every later call, fails with this exception instead of hanging.
 */
public final class ManagerDiedException extends ManagerException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what was being done, and where
     * @param cause the I/O failure that showed it
     */
    public ManagerDiedException(String message, Throwable cause) {
        super("ManagerDied", message, cause);
    }
}
