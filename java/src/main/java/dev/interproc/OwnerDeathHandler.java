package dev.interproc;

/**
 * Repairs the state a {@link SharedMutex} guards after its previous owner died holding it. Runs in the
 * acquiring thread, while it holds the lock, before the acquisition returns normally. If it throws,
 * the exception propagates from the acquisition and the thread still holds the lock.
 */
@FunctionalInterface
public interface OwnerDeathHandler {

    /**
     * Repairs what the dead owner left half-done. Called once per take-over, in this process only.
     *
     * @param lock the lock, held by the calling thread
     * @param fencingToken the fencing token of this acquisition
     */
    void ownerDied(SharedMutex lock, long fencingToken);
}
