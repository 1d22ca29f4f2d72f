package dev.interproc.manager;

import java.util.concurrent.TimeUnit;

/**
 * A proxy of a shared {@code Semaphore} or {@code BoundedSemaphore} ({@code threading}'s on the server): permits
 * that any holder of a proxy acquires and releases, one at a time, as Python's. A bounded one refuses a release
 * beyond its initial permits. Waits block on the server, holding this thread's channel; an interrupt ends the wait
 * with {@link InterruptedException} and closes that channel (the server may still grant the permit it was
 * waiting for, which is then lost).
 */
public final class ManagedSemaphore extends ManagedObject {

    ManagedSemaphore(ManagerClient client, String ident) {
        super(client, ident);
    }

    /**
     * Waits for a permit and takes it.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        handle.callInterruptibly("acquire");
    }

    /** {@return whether a permit was free, and then takes it; never waits} */
    public boolean tryAcquire() {
        return (Boolean) handle.call("acquire", false);
    }

    /**
     * Waits at most {@code timeout} for a permit.
     *
     * @param timeout the longest wait
     * @param unit its unit
     * @return whether a permit was taken
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return (Boolean) handle.callInterruptibly("acquire", true, ProxyHandle.seconds(timeout, unit));
    }

    /**
     * Returns a permit.
     *
     * @throws IllegalStateException if the semaphore is bounded and all its permits are free already
     */
    public void release() {
        try {
            handle.call("release");
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "ValueError", IllegalStateException::new);
        }
    }
}
