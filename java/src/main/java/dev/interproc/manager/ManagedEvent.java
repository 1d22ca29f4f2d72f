package dev.interproc.manager;

import java.util.concurrent.TimeUnit;

/**
 * A proxy of a shared {@code Event} ({@code threading.Event} on the server): a flag that threads of every process
 * wait for. {@link #await} blocks on the server, holding this thread's channel; an interrupt ends the wait with
 * {@link InterruptedException} and closes that channel.
 */
public final class ManagedEvent extends ManagedObject {

    ManagedEvent(ManagerClient client, String ident) {
        super(client, ident);
    }

    /** {@return whether the flag is set} */
    public boolean isSet() {
        return (Boolean) handle.call("is_set");
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        handle.call("set");
    }

    /** Clears the flag. */
    public void clear() {
        handle.call("clear");
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        handle.callInterruptibly("wait");
    }

    /**
     * Waits until the flag is set, at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @param unit its unit
     * @return whether the flag is set
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return (Boolean) handle.callInterruptibly("wait", ProxyHandle.seconds(timeout, unit));
    }
}
