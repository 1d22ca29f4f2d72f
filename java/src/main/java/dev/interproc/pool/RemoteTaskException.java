package dev.interproc.pool;

/**
 * The stack trace of a task's failure in a worker JVM, Python's {@code RemoteTraceback}: the cause of the exception
 * a task threw when it reaches this JVM, or, when that exception itself could not be sent (it, or something it
 * holds, is not serializable), the exception the caller gets in its place, naming its class and message.
 */
public final class RemoteTaskException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception with the stack trace of {@code failure}.
     *
     * @param message what failed and where
     * @param stackTrace the worker's stack trace of the failure
     */
    RemoteTaskException(String message, StackTraceElement[] stackTrace) {
        super(message, null, false, true);
        setStackTrace(stackTrace);
    }

    /**
     * Gives a failure received from a worker the worker's stack trace as its cause, as Python chains a
     * {@code RemoteTraceback}; when the failure has a cause already, the trace is added as suppressed instead.
     *
     * @param failure what the task threw, as received
     * @param where the worker, for the message
     * @return {@code failure}
     */
    static Throwable chainedTo(Throwable failure, String where) {
        if (failure instanceof RemoteTaskException) {
            return failure;
        }
        RemoteTaskException trace = new RemoteTaskException("in " + where + ": " + failure, failure.getStackTrace());
        try {
            failure.initCause(trace);
        } catch (IllegalStateException hasACause) {
            failure.addSuppressed(trace);
        }
        return failure;
    }
}
