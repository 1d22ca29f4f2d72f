package dev.interproc.manager;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Python's {@code dict} as a managed object: insertion-ordered, every call atomic. */
final class DictReferent implements Referent {

    /**
     * Python's dict methods, then this server's atomic operations for Java clients: {@code add_and_get} and the
     * compare-and-set family of {@link java.util.concurrent.ConcurrentMap} ({@code swap}, {@code put_if_absent},
     * {@code replace_if_present}, {@code replace_if_equal}, {@code remove_if_equal}).
     */
    static final List<String> EXPOSED = List.of(
            "__contains__",
            "__delitem__",
            "__getitem__",
            "__iter__",
            "__len__",
            "__setitem__",
            "clear",
            "copy",
            "get",
            "items",
            "keys",
            "pop",
            "popitem",
            "setdefault",
            "update",
            "values",
            "add_and_get",
            "swap",
            "put_if_absent",
            "replace_if_present",
            "replace_if_equal",
            "remove_if_equal");

    private static final Object ABSENT = new Object();

    private final Map<Object, Object> map = new LinkedHashMap<>();

    static DictReferent create(Arguments arguments) {
        DictReferent dict = new DictReferent();
        dict.update(arguments.get(0, "iterable", null), arguments.keywords());
        arguments.done();
        return dict;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        return switch (method) {
            case "__getitem__" -> {
                Object key = arguments.required(0, "key");
                Object value = map.getOrDefault(Arguments.key(key), ABSENT);
                if (value == ABSENT) {
                    throw PythonError.keyError(key);
                }
                yield value;
            }
            case "__setitem__" -> {
                map.put(Arguments.key(arguments.required(0, "key")), arguments.required(1, "value"));
                yield null;
            }
            case "__delitem__" -> {
                Object key = arguments.required(0, "key");
                if (!map.containsKey(Arguments.key(key))) {
                    throw PythonError.keyError(key);
                }
                map.remove(Arguments.key(key));
                yield null;
            }
            case "__contains__" -> map.containsKey(Arguments.key(arguments.required(0, "key")));
            case "__len__" -> map.size();
            case "__iter__" -> new IteratorReferent(new ArrayList<>(map.keySet()).iterator());
            case "get" ->
                map.getOrDefault(Arguments.key(arguments.required(0, "key")), arguments.get(1, "default", null));
            case "setdefault" ->
                map.computeIfAbsent(
                        Arguments.key(arguments.required(0, "key")), key -> arguments.get(1, "default", null));
            case "pop" -> pop(arguments);
            case "popitem" -> popItem();
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "items" -> items();
            case "copy" -> copy();
            case "clear" -> {
                map.clear();
                yield null;
            }
            case "add_and_get" -> addAndGet(arguments.required(0, "key"), arguments.required(1, "delta"));
            case "swap" -> map.put(Arguments.key(arguments.required(0, "key")), arguments.required(1, "value"));
            case "put_if_absent" ->
                map.putIfAbsent(Arguments.key(arguments.required(0, "key")), arguments.required(1, "value"));
            case "replace_if_present" ->
                map.replace(Arguments.key(arguments.required(0, "key")), arguments.required(1, "value"));
            case "replace_if_equal" ->
                replaceIfEqual(
                        Arguments.key(arguments.required(0, "key")),
                        arguments.required(1, "expected"),
                        arguments.required(2, "value"));
            case "remove_if_equal" -> {
                Object key = Arguments.key(arguments.required(0, "key"));
                boolean equal = map.containsKey(key) && sameValue(map.get(key), arguments.required(1, "expected"));
                if (equal) {
                    map.remove(key);
                }
                yield equal;
            }
            case "update" -> {
                update(arguments.get(0, "other", null), arguments.keywords());
                yield null;
            }
            default -> throw new IllegalArgumentException(method);
        };
    }

    private Object pop(Arguments arguments) {
        Object key = arguments.required(0, "key");
        if (map.containsKey(Arguments.key(key))) {
            return map.remove(Arguments.key(key));
        }
        if (!arguments.has(1, "default")) {
            throw PythonError.keyError(key);
        }
        return arguments.get(1, "default", null);
    }

    /** {@code d[key] = d.get(key, 0) + delta} in one call: a counter needs no lock and one round trip. */
    private Object addAndGet(Object key, Object delta) {
        Object sum =
                Arguments.key(integer(map.getOrDefault(Arguments.key(key), 0)).add(integer(delta)));
        map.put(Arguments.key(key), sum);
        return sum;
    }

    private boolean replaceIfEqual(Object key, Object expected, Object value) {
        if (!map.containsKey(key) || !sameValue(map.get(key), expected)) {
            return false;
        }
        map.put(key, value);
        return true;
    }

    /** Python's {@code ==} for the values a pickle carries ({@link PythonEquality}). */
    private static boolean sameValue(Object held, Object expected) {
        return PythonEquality.equal(held, expected);
    }

    private static BigInteger integer(Object value) {
        return switch (value) {
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            case BigInteger big -> big;
            default -> throw PythonError.typeError("add_and_get adds ints, not " + Arguments.typeName(value));
        };
    }

    private Object popItem() {
        if (map.isEmpty()) {
            throw PythonError.keyError("popitem(): dictionary is empty");
        }
        Object last = null;
        for (Iterator<Object> keys = map.keySet().iterator(); keys.hasNext(); ) {
            last = keys.next();
        }
        return new Object[] {last, map.remove(last)};
    }

    private List<Object[]> items() {
        List<Object[]> items = new ArrayList<>(map.size());
        map.forEach((key, value) -> items.add(new Object[] {key, value}));
        return items;
    }

    /** {@code dict.update(other, **keywords)}: other is a mapping or an iterable of pairs. */
    private void update(Object other, Map<String, Object> keywords) {
        switch (other) {
            case null -> {}
            case Map<?, ?> mapping -> mapping.forEach((key, value) -> map.put(Arguments.key(key), value));
            case Iterable<?> pairs -> pairs.forEach(this::putPair);
            case Object[] pairs -> List.of(pairs).forEach(this::putPair);
            default -> throw PythonError.typeError("'" + Arguments.typeName(other) + "' object is not iterable");
        }
        map.putAll(keywords);
    }

    private void putPair(Object pair) {
        List<?> items = pair instanceof Object[] tuple ? List.of(tuple) : pair instanceof List<?> list ? list : null;
        if (items == null || items.size() != 2) {
            throw PythonError.valueError("dictionary update sequence element has length other than 2");
        }
        map.put(Arguments.key(items.get(0)), items.get(1));
    }

    @Override
    public synchronized Object value() {
        return copy();
    }

    /**
     * A copy in insertion order, as a plain map: the codec writes a {@code LinkedHashMap} as an
     * {@code OrderedDict}, where Python's {@code dict.copy()} is a {@code dict}.
     */
    private Map<Object, Object> copy() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    @Override
    public synchronized String repr() {
        return PythonRepr.of(map);
    }
}
