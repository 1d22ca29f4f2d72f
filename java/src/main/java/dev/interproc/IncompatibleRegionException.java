package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;

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

    /**
     * Whether the object is not an interproc region at all: another program made it, or it was overwritten, so
     * its header does not start with interproc's magic. Tools use it to leave such objects alone; every other
     * cause (another layout version, an unfinished or damaged region) concerns a region of this library.
     *
     * @return true when the shared-memory object is not an interproc region
     */
    public boolean isForeign() {
        return errorCode() == RegionLayout.E_MAGIC;
    }
}
