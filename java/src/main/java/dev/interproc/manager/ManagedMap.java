package dev.interproc.manager;

import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

/**
 * A proxy of a shared {@code dict}. Each call is one round trip and is atomic on the server.
 *
 * <p><b>Read-modify-write without a lock.</b> On a Java server ({@link ManagerServer}) this is a
 * {@link ConcurrentMap}: {@link #putIfAbsent}, {@link #replace(Object, Object, Object)},
 * {@link #remove(Object, Object)} and {@link #replace(Object, Object)} are one atomic call each, so
 * {@link #compute}, {@link #merge} and {@link #computeIfAbsent} (the JDK's default methods, retrying on a conflict)
 * update an entry exactly under contention from any number of processes, without a lock; {@link #put} is an atomic
 * swap; {@link #addAndGet} counts in one call. As in every {@code ConcurrentMap}, a {@code null} (Python's
 * {@code None}) value counts as absent for those methods. Python's dict has none of them: against a Python server
 * they throw {@link ManagerException} ({@code RemoteError}, not exposed), {@link #put} reads the previous value and
 * then sets the new one (not atomic), and shared entries are updated under a {@link ManagedLock}.
 *
 * <p>Views ({@link #entrySet()}, {@link #keySet()}, {@link #values()}) are snapshots taken with one call.
 *
 * @param <K> the key type; keys travel as pickled values, so use strings, numbers or other values Python hashes
 * @param <V> the value type
 */
public final class ManagedMap<K, V> extends AbstractMap<K, V> implements ConcurrentMap<K, V>, AutoCloseable {

    private final ProxyHandle handle;

    ManagedMap(ManagerClient client, String ident) {
        this.handle = new ProxyHandle(client, ident, this);
    }

    /** {@return the handle of this proxy's object} */
    ProxyHandle handle() {
        return handle;
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

    /**
     * Sets the value and returns the previous one: an atomic swap on a Java server; on a Python server the value
     * read just before, which another process may have changed since.
     */
    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        if (handle.onJavaServer()) {
            return (V) handle.call("swap", key, value);
        }
        V previous = get(key);
        handle.call("__setitem__", key, value);
        return previous;
    }

    /**
     * Sets the value unless the key has one, atomically (Java server only).
     *
     * @return the value held before, or null if there was none (and the value is now set)
     * @throws ManagerException if the server is Python's
     */
    @Override
    @SuppressWarnings("unchecked")
    public V putIfAbsent(K key, V value) {
        return (V) handle.call("put_if_absent", key, value);
    }

    /**
     * Removes the entry if it holds {@code value} (Python's {@code ==}), atomically (Java server only).
     *
     * @throws ManagerException if the server is Python's
     */
    @Override
    public boolean remove(Object key, Object value) {
        return (Boolean) handle.call("remove_if_equal", key, value);
    }

    /**
     * Replaces the value if it is {@code oldValue} (Python's {@code ==}), atomically (Java server only): the
     * compare-and-set every lock-free update of an entry is built on.
     *
     * @throws ManagerException if the server is Python's
     */
    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return (Boolean) handle.call("replace_if_equal", key, oldValue, newValue);
    }

    /**
     * Replaces the value if the key has one, atomically (Java server only).
     *
     * @return the value replaced, or null if there was none (and nothing was set)
     * @throws ManagerException if the server is Python's
     */
    @Override
    @SuppressWarnings("unchecked")
    public V replace(K key, V value) {
        return (V) handle.call("replace_if_present", key, value);
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
