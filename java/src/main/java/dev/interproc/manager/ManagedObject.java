package dev.interproc.manager;

/**
 * What the proxies that implement no JDK collection share: the handle of their object, the reference they hold,
 * and their ident. ({@link ManagedMap}, {@link ManagedList} and {@link ManagedQueue} extend the JDK's abstract
 * collections instead and hold a {@link ProxyHandle} of their own.)
 */
public abstract sealed class ManagedObject implements AutoCloseable
        permits ManagedLock,
                ManagedValue,
                ManagedEvent,
                ManagedSemaphore,
                ManagedBarrier,
                ManagedNamespace,
                ManagedArray {

    /** The object's handle; calls go through it. */
    final ProxyHandle handle;

    ManagedObject(ManagerClient client, String ident) {
        this.handle = new ProxyHandle(client, ident, this);
    }

    /** Drops this proxy's reference; the object goes when no proxy references it. Idempotent. */
    @Override
    public final void close() {
        handle.close();
    }

    /** {@return the ident of the object on the server, for {@link ManagerClient#attach} in another process} */
    public final String ident() {
        return handle.ident();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + handle + "]";
    }
}
