package dev.interproc.internal.events;

import java.lang.System.Logger.Level;

/**
 * The rare events of shared state that an operator wants to see, each reported in one call: a record on the
 * {@link System.Logger} of its kind (no logging library: the JDK routes it to java.util.logging, or to whatever
 * {@link System.LoggerFinder} the application installs) and, where there is one, a Flight Recorder event. The
 * logger names, levels and messages are documented in docs/observability.md; tests and tools refer to the names
 * through the constants here.
 *
 * <p>Every method is called only when the event has happened (never to ask whether it might), and builds its
 * message only if its logger takes the level.
 */
public final class Events {

    /** Logger of native library extraction and loading. */
    public static final String NATIVE = "dev.interproc.native";

    /** Logger of lock takeovers from dead owners (locks, and the internal locks of semaphores and barriers). */
    public static final String LOCK = "dev.interproc.lock";

    /** Logger of the permits of dead processes given back to semaphores. */
    public static final String SEMAPHORE = "dev.interproc.semaphore";

    /** Logger of broken barriers. */
    public static final String BARRIER = "dev.interproc.barrier";

    /** Logger of regions refused at open, and of dead processes' entries reclaimed. */
    public static final String REGION = "dev.interproc.region";

    private Events() {}

    /**
     * The native library was loaded.
     *
     * @param description where it came from (the JAR resource extracted, or the path given by the user) and the
     *     stale copies of dead JVMs cleaned, in one line
     */
    public static void nativeLibraryLoaded(String description) {
        System.getLogger(NATIVE).log(Level.DEBUG, description);
    }

    /**
     * This process took {@code lock} over from a process that died holding it.
     *
     * @param region the region's name
     * @param lock the lock as messages name it ("lock 'jobs'", "semaphore 'gpu' (its internal lock)")
     * @param deadPid the dead owner's pid, 0 if its process-table entry was already reclaimed
     */
    public static void ownerDeathTakeover(String region, String lock, int deadPid) {
        long holderPid = ProcessHandle.current().pid();
        System.getLogger(LOCK)
                .log(
                        Level.WARNING,
                        () -> lock + " of region '" + region + "': its owner, " + pid(deadPid)
                                + ", died holding it; pid " + holderPid + " took it over");
        OwnerDeathTakeoverEvent event = new OwnerDeathTakeoverEvent();
        if (event.shouldCommit()) {
            event.region = region;
            event.lock = lock;
            event.deadPid = deadPid;
            event.holderPid = holderPid;
            event.commit();
        }
    }

    /**
     * A semaphore undid the holding of a dead process.
     *
     * @param region the region's name
     * @param semaphore the semaphore's slot name
     * @param permits the dead process's holding: acquired minus released (negative if it released more)
     * @param deadPid the dead process's pid, 0 if its process-table entry was already reclaimed
     */
    public static void permitsReturned(String region, String semaphore, int permits, int deadPid) {
        System.getLogger(SEMAPHORE).log(Level.INFO, () -> {
            String undone = permits > 0
                    ? "returned the " + permits(permits) + " it held"
                    : "took back the " + permits(-permits) + " it had released beyond its acquisitions";
            return "semaphore '" + semaphore + "' of region '" + region + "': " + pid(deadPid) + " died; " + undone;
        });
    }

    /**
     * This process broke a barrier.
     *
     * @param region the region's name
     * @param barrier the barrier's slot name
     * @param cause what broke it, in words ("a party timed out", "party process 4242 died")
     * @param deadPid the dead party's pid if a death broke it and its pid is known, else 0
     * @param byDeath whether a party's death broke it (logged as a warning; a timeout, interrupt or reset is not)
     */
    public static void barrierBroken(String region, String barrier, String cause, int deadPid, boolean byDeath) {
        System.getLogger(BARRIER)
                .log(
                        byDeath ? Level.WARNING : Level.INFO,
                        () -> "barrier '" + barrier + "' of region '" + region + "' broke: " + cause);
        BarrierBrokenEvent event = new BarrierBrokenEvent();
        if (event.shouldCommit()) {
            event.region = region;
            event.barrier = barrier;
            event.cause = cause;
            event.deadPid = deadPid;
            event.commit();
        }
    }

    /**
     * Opening a region was refused because it is not a compatible, sound region.
     *
     * @param message the message of the {@code IncompatibleRegionException} thrown, which names region and reason
     */
    public static void regionRefused(String message) {
        System.getLogger(REGION).log(Level.WARNING, message);
    }

    /**
     * Attaching to a region reclaimed the process-table entries of processes that had died attached.
     *
     * @param region the region's name
     * @param entries how many entries the attach reclaimed
     */
    public static void entriesReclaimed(String region, int entries) {
        System.getLogger(REGION)
                .log(
                        Level.INFO,
                        () -> "region '" + region + "': pid "
                                + ProcessHandle.current().pid() + " reclaimed the "
                                + "process-table "
                                + (entries == 1 ? "entry of 1 process" : "entries of " + entries + " processes")
                                + " that died attached");
    }

    private static String permits(int count) {
        return count + (count == 1 ? " permit" : " permits");
    }

    private static String pid(int pid) {
        return pid > 0 ? "pid " + pid : "a process whose pid is no longer known";
    }
}
