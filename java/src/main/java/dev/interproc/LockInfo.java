package dev.interproc;

/**
 * The state of a lock slot ({@link SharedLock} or {@link SharedRLock}) as seen by
 * {@link SharedMemory#inspect(String)}: a snapshot of its lock word and fencing token.
 *
 * @param state free, held by a live process, or held by a process that died
 * @param ownerPid the pid recorded for the holding process, or 0 when free (or when its entry was reused)
 * @param waiters whether the word's waiters bit is set: some thread may be sleeping on the lock
 * @param fencingToken the lock's fencing token (how many times it was acquired)
 */
public record LockInfo(State state, int ownerPid, boolean waiters, long fencingToken) {

    /** What the lock word says about its holder. */
    public enum State {
        /** Nobody holds the lock. */
        FREE,
        /** A live, attached process holds the lock. */
        HELD,
        /** The holder died (or detached) without releasing it; the next acquirer takes it over and is told. */
        OWNER_DEAD
    }

    /**
     * "free", "held by pid N" or "owner dead (pid N)", with ", waiters" when the waiters bit is set.
     *
     * @return the state in words, as {@code interproc inspect} prints it
     */
    public String describe() {
        String holder =
                switch (state) {
                    case FREE -> "free";
                    case HELD -> "held by pid " + ownerPid;
                    case OWNER_DEAD -> ownerPid == 0 ? "owner dead" : "owner dead (pid " + ownerPid + ")";
                };
        return waiters ? holder + ", waiters" : holder;
    }
}
