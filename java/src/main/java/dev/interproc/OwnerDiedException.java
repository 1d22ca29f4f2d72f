package dev.interproc;

/**
 * Thrown by an acquisition of a {@link SharedMutex} that succeeded, but whose previous owner's process
 * died while holding it: <b>the thread that catches this holds the lock</b>, and the state the lock
 * guards may be half-updated. Repair it, then carry on or unlock:
 *
 * <pre>{@code
 * try {
 *     lock.lock();
 * } catch (OwnerDiedException e) {
 *     repairTheGuardedState();        // we hold the lock here
 * }
 * try {
 *     ...
 * } finally {
 *     lock.unlock();
 * }
 * }</pre>
 *
 * Only the one acquisition that takes the lock over from the dead process is told; later ones are not.
 * To run the repair without an exception, give the lock a handler:
 * {@link SharedMemory#sharedLock(String, OwnerDeathHandler)}.
 */
public final class OwnerDiedException extends InterprocException {

    private static final long serialVersionUID = 1L;

    private final transient SharedMutex lock;
    /** The fencing token of the acquisition that took the lock over, serialized with the exception. */
    private final long fencingToken;

    OwnerDiedException(SharedMutex lock, long fencingToken) {
        super(
                "the previous owner of shared lock '" + lock.name() + "' died holding it; this thread now holds it "
                        + "(fencing token " + fencingToken
                        + "): repair the state it guards, then keep using or unlock it",
                0);
        this.lock = lock;
        this.fencingToken = fencingToken;
    }

    /**
     * The lock, now held by the thread that caught this.
     *
     * @return the lock that was taken over
     */
    public SharedMutex lock() {
        return lock;
    }

    /**
     * The fencing token of the acquisition that took the lock over.
     *
     * @return the token, which every later acquisition exceeds
     */
    public long fencingToken() {
        return fencingToken;
    }
}
