package dev.interproc;

/** Thrown by {@link SharedMemory#create} when a shared-memory object of that name already exists. */
public final class RegionExistsException extends InterprocException {

    private static final long serialVersionUID = 1L;

    RegionExistsException(String message, int errorCode) {
        super(message, errorCode);
    }
}
