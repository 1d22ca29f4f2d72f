package dev.interproc;

/**
 * Thrown when there is no room: the shared-memory file system cannot hold a new region, a region's
 * data area cannot hold a new slot, or its slot directory or process table is full.
 */
public final class InsufficientSpaceException extends InterprocException {

    private static final long serialVersionUID = 1L;

    InsufficientSpaceException(String message, int errorCode) {
        super(message, errorCode);
    }
}
