package dev.interproc.manager;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The objects a server holds, by ident, with their reference counts (spec 2.3): {@code create} stores an object
 * with one reference, {@code incref}/{@code decref} count the clients' proxies, and the object goes at zero.
 */
final class ObjectTable {

    /** A held object: its typeid's registration and the object. */
    record Entry(String typeid, Registry.Type type, Referent referent) {}

    private final Map<String, Entry> objects = new ConcurrentHashMap<>();
    private final Map<String, Integer> references = new HashMap<>();
    private final AtomicLong nextIdent = new AtomicLong(0x7f0000001000L);

    /** Stores a new object with one reference and returns its ident. */
    synchronized String add(String typeid, Registry.Type type, Referent referent) {
        String ident = Long.toHexString(nextIdent.getAndAdd(0x10));
        objects.put(ident, new Entry(typeid, type, referent));
        references.put(ident, 1);
        return ident;
    }

    /** {@return the object of {@code ident}; KeyError if there is none} */
    Entry get(Object ident) {
        Entry entry = ident instanceof String key ? objects.get(key) : null;
        if (entry == null) {
            throw PythonError.keyError(ident);
        }
        return entry;
    }

    synchronized void incref(Object ident) {
        get(ident);
        references.merge((String) ident, 1, Integer::sum);
    }

    /** Drops one reference; the object goes with the last one. */
    synchronized void decref(Object ident) {
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
    }

    synchronized int size() {
        return references.size();
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
