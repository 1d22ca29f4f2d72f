package dev.interproc.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A wait for a shared lock that another process or thread held, recorded when it lasted at least the event's
 * threshold (20 ms unless a recording sets another). Begun only after the uncontended compare-and-set missed, so
 * an uncontended acquisition never creates one; with Flight Recorder off, {@code begin}, {@code end} and
 * {@code shouldCommit} do nothing.
 */
@Name(LockContentionEvent.NAME)
@Label("Shared Lock Contention")
@Category({"interproc"})
@Description("A wait for a lock shared between processes that lasted at least the threshold")
@Threshold("20 ms")
@StackTrace(true)
public final class LockContentionEvent extends jdk.jfr.Event {

    /** The event's name in recordings: {@code jfr print --events dev.interproc.LockContention}. */
    public static final String NAME = "dev.interproc.LockContention";

    @Label("Region")
    private String region;

    @Label("Lock")
    @Description("The lock as messages name it: lock 'jobs', or semaphore 'gpu' (its internal lock)")
    private String lock;

    @Label("Holder PID")
    @Description("The process that held the lock when the wait began; 0 if its pid could not be read")
    private long holderPid;

    @Label("Outcome")
    @Description(
            "ACQUIRED, OWNER_DIED (taken over from a dead holder), TIMED_OUT, INTERRUPTED or FAILED (an exception)")
    private String outcome;

    /**
     * Ends the wait and commits the event if it lasted the threshold and a recording wants it.
     *
     * @param region the region's name
     * @param lock the lock as messages name it
     * @param holderPid the holder's pid when the wait began, 0 if unknown
     * @param outcome how the wait ended
     */
    public void record(String region, String lock, long holderPid, String outcome) {
        end();
        if (shouldCommit()) {
            this.region = region;
            this.lock = lock;
            this.holderPid = holderPid;
            this.outcome = outcome;
            commit();
        }
    }
}
