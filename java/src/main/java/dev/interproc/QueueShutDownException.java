package dev.interproc;

/**
 * Thrown by a {@link SharedQueue} that was {@linkplain SharedQueue#shutdown() shut down}: to a producer at once, to
 * a consumer once the messages left in the queue are taken (Python 3.13's {@code queue.ShutDown}). The end of the
 * queue, not a failure: no message was written or taken by the call that throws it.
 */
public final class QueueShutDownException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    QueueShutDownException(String message) {
        super(message);
    }
}
