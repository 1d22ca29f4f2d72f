package dev.interproc;

/**
 * A reentrant cross-process lock, like Python's {@code multiprocessing.RLock}: the holding thread may
 * lock it again, and must unlock it as many times. Everything else is described by {@link SharedMutex}.
 * Obtain one with {@link SharedMemory#sharedRLock(String)}; it is the default lock of shared values.
 */
public final class SharedRLock extends SharedMutex {

    /** The lock called {@code slot}; see {@link SharedMemory#sharedRLock(String)}. */
    static SharedRLock find(SlotDirectory slots, String slot) {
        return find(
                slots,
                slot,
                SlotType.RLOCK,
                SharedRLock.class,
                (name, word) -> new SharedRLock(slots.region(), name, word));
    }

    SharedRLock(Region region, String name, LockWord word) {
        super(region, name, word);
    }

    @Override
    boolean reentrant() {
        return true;
    }
}
