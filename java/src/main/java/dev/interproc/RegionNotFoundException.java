package dev.interproc;

/** Thrown when opening a region whose name does not exist (never created, or unlinked). */
public final class RegionNotFoundException extends InterprocException {

    private static final long serialVersionUID = 1L;

    RegionNotFoundException(String message, int errorCode) {
        super(message, errorCode);
    }
}
