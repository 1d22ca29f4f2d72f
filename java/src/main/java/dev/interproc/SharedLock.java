package dev.interproc;

/**
 * A cross-process lock that is not reentrant, like Python's {@code multiprocessing.Lock}: a thread that
 * holds it and calls {@link #lock()} again gets {@link IllegalMonitorStateException} (instead of waiting
 * for itself forever), and {@link #tryLock()} returns false. Everything else is described by
 * {@link SharedMutex}. Obtain one with {@link SharedMemory#sharedLock(String)}.
 */
public final class SharedLock extends SharedMutex {

    /** The lock called {@code slot}; see {@link SharedMemory#sharedLock(String)}. */
    static SharedLock find(SlotDirectory slots, String slot) {
        return find(
                slots,
                slot,
                SlotType.LOCK,
                SharedLock.class,
                (name, word) -> new SharedLock(slots.region(), name, word));
    }

    SharedLock(Region region, String name, LockWord word) {
        super(region, name, word);
    }

    @Override
    boolean reentrant() {
        return false;
    }
}
