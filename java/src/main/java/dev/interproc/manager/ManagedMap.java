package dev.interproc.manager;

import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A proxy of a shared {@code dict}. Each call is one round trip and is atomic on the server, except
 * {@link #put}, which reads the previous value and then sets the new one (Python's dict has no atomic swap):
 * update shared entries from several processes under a {@link ManagedLock}, or, on a Java server, count with
 * {@link #addAndGet}. Views ({@link #entrySet()},
 * {@link #keySet()}, {@link #values()}) are snapshots taken with one call.
 *
 * @param <K> the key type; keys travel as pickled values, so use strings, numbers or other values Python hashes
 * @param <V> the value type
 */
public final class ManagedMap<K, V> extends AbstractMap<K, V> implements AutoCloseable {

    private final ProxyHandle handle;

    ManagedMap(ManagerClient client, String ident) {
        this.handle = new ProxyHandle(client, ident, this);
    }

    @Override
    public int size() {
        return ((Number) handle.call("__len__")).intValue();
    }

    @Override
    public boolean containsKey(Object key) {
        return (Boolean) handle.call("__contains__", key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        return (V) handle.call("get", key);
    }

    /** Sets the value; returns the value read just before, which another process may have changed since. */
    @Override
    public V put(K key, V value) {
        V previous = get(key);
        handle.call("__setitem__", key, value);
        return previous;
    }

    /** Removes the entry atomically ({@code dict.pop(key, None)}). */
    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        return (V) handle.call("pop", key, null);
    }

    /**
     * Adds {@code delta} to the int at {@code key} (absent counts as 0) in one atomic call on the server, and
     * returns the sum: a shared counter without a lock. An extension of the Java server ({@link ManagerServer});
     * Python's dict has no such method.
     *
     * @param key the counter's key
     * @param delta what to add
     * @return the new value
     * @throws ManagerException if the value is not an int ({@code builtins.TypeError}), or the server is
     *     Python's ({@code RemoteError}: not exposed)
     * @throws ArithmeticException if the sum does not fit a {@code long}
     */
    public long addAndGet(K key, long delta) {
        Object sum = handle.call("add_and_get", key, delta);
        return sum instanceof BigInteger big ? big.longValueExact() : ((Number) sum).longValue();
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        handle.call("update", new LinkedHashMap<>(entries));
    }

    @Override
    public void clear() {
        handle.call("clear");
    }

    /** {@return a snapshot of the entries, in the dict's order} */
    @Override
    @SuppressWarnings("unchecked")
    public Set<Entry<K, V>> entrySet() {
        Map<K, V> copy = new LinkedHashMap<>();
        for (Object item : (List<?>) handle.call("items")) {
            Object[] pair = (Object[]) item;
            copy.put((K) pair[0], (V) pair[1]);
        }
        return Collections.unmodifiableMap(copy).entrySet();
    }

    /** Drops this proxy's reference to the dict. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    /** {@return the ident of the object on the server, for {@link ManagerClient} to attach another proxy to it} */
    public String ident() {
        return handle.ident();
    }

    @Override
    public String toString() {
        return "ManagedMap[" + handle + "]";
    }
}
