package dev.interproc.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A shared lock taken over from a process that died holding it: an instant event, committed by {@link Events}. */
@Name(OwnerDeathTakeoverEvent.NAME)
@Label("Shared Lock Owner-Death Takeover")
@Category({"interproc"})
@Description("A lock shared between processes was taken over from a process that died holding it")
@StackTrace(true)
final class OwnerDeathTakeoverEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    static final String NAME = "dev.interproc.OwnerDeathTakeover";

    @Label("Region")
    String region;

    @Label("Lock")
    @Description("The lock as messages name it: lock 'jobs', or semaphore 'gpu' (its internal lock)")
    String lock;

    @Label("Dead Owner PID")
    @Description("The process that died holding the lock; 0 if its process-table entry was already reclaimed")
    long deadPid;

    @Label("New Holder PID")
    @Description("The process that took the lock over: the one that recorded this event")
    long holderPid;
}
