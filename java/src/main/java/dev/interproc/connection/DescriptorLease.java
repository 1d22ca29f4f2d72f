package dev.interproc.connection;

import java.io.IOException;

/**
 * The lifetime of native descriptors used by concurrent calls: a call {@link #begin()}s and {@link #end()}s, and
 * the descriptors are released only once the end is closed and no call uses them any more, so a late call never
 * touches a descriptor number the kernel has handed out again. Safe for use by any number of threads.
 */
final class DescriptorLease {

    private final Object lock = new Object();
    private final Runnable release;
    private int callsInProgress;
    private boolean closed;
    private boolean released;

    /** @param release closes the descriptors; runs once, under this lease's lock */
    DescriptorLease(Runnable release) {
        this.release = release;
    }

    /**
     * Starts a call.
     *
     * @throws IOException "handle is closed" (Python's message) once the end is closed
     */
    void begin() throws IOException {
        synchronized (lock) {
            checkOpen();
            callsInProgress++;
        }
    }

    /** Ends a call started by {@link #begin()}. */
    void end() {
        synchronized (lock) {
            callsInProgress--;
            releaseIfUnused();
        }
    }

    /** Throws "handle is closed" if the end is closed: a failed call checks this before reporting its own error. */
    void checkOpen() throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IOException("handle is closed");
            }
        }
    }

    /**
     * Closes the end: runs {@code wake} (which ends calls blocked in the kernel), then releases the descriptors if
     * no call uses them. Idempotent: only the first call does anything.
     */
    void close(Runnable wake) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            wake.run();
            releaseIfUnused();
        }
    }

    private void releaseIfUnused() {
        if (closed && callsInProgress == 0 && !released) {
            released = true;
            release.run();
        }
    }
}
