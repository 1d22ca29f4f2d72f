package dev.interproc;

/**
 * Thrown when a shared-memory object cannot be used as this library's region: it is not an
 * interproc region at all (a foreign object), it has another layout version, it never finished
 * initialising, or its header contradicts itself.
 */
public final class IncompatibleRegionException extends InterprocException {

    private static final long serialVersionUID = 1L;

    IncompatibleRegionException(String message, int errorCode) {
        super(message, errorCode);
    }
}
