package dev.interproc.manager;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects a server holds, by ident, with their reference counts (spec 2.3): {@code create} stores an object
 * with one reference, {@code incref}/{@code decref} count the clients' proxies, and the object goes at zero.
 *
 * <p>An object may also be stored inside another one, as a proxy ({@link StoredProxy}), which holds it strongly but
 * does not count, as in Python. Python keeps every object ever stored so forever in {@code id_to_local_proxy_obj} (a
 * leak); here such an object is also in a weakly held table, from which {@code incref} revives it once its count
 * went to zero while something still stores it (as Python's {@code incref} does from {@code id_to_local_proxy_obj}),
 * and from which the garbage collector removes it once nothing stores it any more.
 */
final class ObjectTable {

    /** A held object: its typeid's registration and the object. */
    record Entry(String typeid, Registry.Type type, Referent referent) {}

    /** The objects clients reference (a reference count above zero). */
    private final Map<String, Entry> objects = new ConcurrentHashMap<>();

    private final Map<String, Integer> references = new HashMap<>();
    /** The objects ever stored inside others, weakly: Python's {@code id_to_local_proxy_obj}, without its leak. */
    private final Map<String, Weak> stored = new ConcurrentHashMap<>();

    private final ReferenceQueue<Entry> collected = new ReferenceQueue<>();
    private final AtomicLong nextIdent = new AtomicLong(0x7f0000001000L);

    /** A weak reference to an entry that knows its ident, to be removed from {@link #stored} once collected. */
    private static final class Weak extends WeakReference<Entry> {
        final String ident;

        Weak(String ident, Entry entry, ReferenceQueue<Entry> queue) {
            super(entry, queue);
            this.ident = ident;
        }
    }

    /** Stores a new object with one reference and returns its ident. */
    synchronized String add(String typeid, Registry.Type type, Referent referent) {
        expungeCollected();
        String ident = Long.toHexString(nextIdent.getAndAdd(0x10));
        Entry entry = new Entry(typeid, type, referent);
        objects.put(ident, entry);
        references.put(ident, 1);
        return ident;
    }

    /** {@return the object of {@code ident}, which a client references; KeyError if there is none} */
    Entry get(Object ident) {
        Entry entry = ident instanceof String key ? objects.get(key) : null;
        if (entry == null) {
            throw PythonError.keyError(ident);
        }
        return entry;
    }

    /**
     * {@return the object of {@code ident}, about to be stored inside another (a {@link StoredProxy}), whether a
     * client references it or it is stored elsewhere already; KeyError if it is gone}
     */
    synchronized Entry toStore(String ident) {
        expungeCollected();
        Entry entry = objects.get(ident);
        if (entry != null) {
            stored.computeIfAbsent(ident, key -> new Weak(key, entry, collected));
            return entry;
        }
        return storedOnly(ident);
    }

    /** {@return the object of {@code ident} that only stored proxies hold; KeyError if there is none} */
    private Entry storedOnly(String ident) {
        Weak weak = stored.get(ident);
        Entry entry = weak == null ? null : weak.get();
        if (entry == null) {
            throw PythonError.keyError(ident);
        }
        return entry;
    }

    /** Adds a reference; an object only stored inside others is referenced again (Python's incref does so too). */
    synchronized void incref(Object ident) {
        if (ident instanceof String key && !references.containsKey(key)) {
            objects.put(key, storedOnly(key));
            references.put(key, 1);
            return;
        }
        get(ident);
        references.merge((String) ident, 1, Integer::sum);
    }

    /**
     * Drops one reference; at zero, the object is no longer referenced by clients, and lives on only while stored
     * inside another. A decref of an object only stored is ignored, as Python's server does.
     */
    synchronized void decref(Object ident) {
        if (ident instanceof String key && !references.containsKey(key) && isStored(key)) {
            return;
        }
        Entry entry = get(ident);
        int count = references.get(ident);
        if (count < 1) {
            throw new PythonError(
                    "builtins",
                    "AssertionError",
                    "Id " + ident + " (" + entry.referent().repr() + ") has refcount 0, not 1+");
        }
        if (count == 1) {
            references.remove(ident);
            objects.remove(ident);
        } else {
            references.put((String) ident, count - 1);
        }
        expungeCollected();
    }

    private boolean isStored(String ident) {
        Weak weak = stored.get(ident);
        return weak != null && weak.get() != null;
    }

    /** {@return the number of objects clients reference, Python's {@code number_of_objects}} */
    synchronized int size() {
        return references.size();
    }

    /** {@return the number of objects only stored inside others, not referenced by clients, not yet collected} */
    synchronized int storedOnlyCount() {
        expungeCollected();
        return (int) stored.entrySet().stream()
                .filter(entry ->
                        !objects.containsKey(entry.getKey()) && entry.getValue().get() != null)
                .count();
    }

    private void expungeCollected() {
        for (Object gone; (gone = collected.poll()) != null; ) {
            stored.remove(((Weak) gone).ident, gone);
        }
    }

    /** Python's {@code debug_info}: each object's ident, reference count and (shortened) repr, by ident. */
    synchronized String debugInfo() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(references).forEach((ident, count) -> {
            String repr = objects.get(ident).referent().repr();
            text.append("  ")
                    .append(ident)
                    .append(":       refcount=")
                    .append(count)
                    .append("\n    ")
                    .append(repr, 0, Math.min(75, repr.length()))
                    .append('\n');
        });
        return text.toString();
    }
}
