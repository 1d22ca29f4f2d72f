package dev.interproc.manager;

/**
 * A proxy of a shared {@code Value} ({@code SyncManager.Value(typecode, value)}): one value that every holder of a
 * proxy reads and replaces. Each call is one round trip and atomic on the server; a read-modify-write needs a
 * {@link ManagedLock} around it, or on a Java server a dict's {@link ManagedMap#addAndGet}.
 *
 * @param <V> the type of the value
 */
public final class ManagedValue<V> extends ManagedObject {

    ManagedValue(ManagerClient client, String ident) {
        super(client, ident);
    }

    /**
     * Reads the value.
     *
     * @return the value now held
     * @throws ManagerDiedException if the server is gone
     */
    @SuppressWarnings("unchecked")
    public V get() {
        return (V) handle.call("get");
    }

    /**
     * Replaces the value.
     *
     * @param value the new value (encodable by the pickle codec)
     * @throws ManagerDiedException if the server is gone
     */
    public void set(V value) {
        handle.call("set", value);
    }
}
