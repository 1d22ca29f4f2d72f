package dev.interproc;

/**
 * Thrown by a {@link TypedQueue} when a message taken from its queue cannot be decoded into an element: the codec
 * failed, or it decoded to {@code null} or to an object of another type. The message names the queue, the codec and
 * why; the cause, when there is one, is the codec's exception. The message was consumed (except by {@code peek}),
 * so the next take gets the next one.
 */
public final class UndecodableMessageException extends InterprocException {

    private static final long serialVersionUID = 1L;

    UndecodableMessageException(String message, Throwable cause) {
        super(message, 0);
        if (cause != null) {
            initCause(cause);
        }
    }
}
