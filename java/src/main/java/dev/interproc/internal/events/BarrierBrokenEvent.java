package dev.interproc.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A shared barrier broken by this process: an instant event, committed by {@link Events}. */
@Name(BarrierBrokenEvent.NAME)
@Label("Shared Barrier Broken")
@Category({"interproc"})
@Description("A barrier shared between processes broke: a party timed out, was interrupted or died, or reset()")
@StackTrace(true)
final class BarrierBrokenEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    static final String NAME = "dev.interproc.BarrierBroken";

    @Label("Region")
    String region;

    @Label("Barrier")
    String barrier;

    @Label("Cause")
    @Description("What broke it, in words, e.g. 'a party timed out' or 'party process 4242 died'")
    String cause;

    @Label("Dead Party PID")
    @Description("The party whose death broke it; 0 if none died, or if its pid could no longer be read")
    long deadPid;
}
