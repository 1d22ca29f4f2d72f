package dev.interproc;

/**
 * Thrown when a named slot exists with another type, another size (array length) or other type
 * metadata (an enum with other constants or codes) than the accessor asks for.
 */
public final class IncompatibleSlotException extends InterprocException {

    private static final long serialVersionUID = 1L;

    IncompatibleSlotException(String message, int errorCode) {
        super(message, errorCode);
    }
}
