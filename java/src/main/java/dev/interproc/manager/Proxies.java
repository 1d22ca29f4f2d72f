package dev.interproc.manager;

import dev.interproc.codec.PythonGlobal;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Which proxy stands for which typeid, on both sides: the Python proxy class {@code SyncManager} registers for each
 * typeid (what a pickled proxy names), and the Java proxy class the client makes of a received one.
 */
final class Proxies {

    /** Python's {@code AutoProxy}: the proxy of a typeid registered without a proxy class (a queue, a user type). */
    static final PythonGlobal AUTO_PROXY = new PythonGlobal(Protocol.MANAGERS, "AutoProxy");

    /** {@code SyncManager}'s proxy class of each typeid that has one; the others get {@link #AUTO_PROXY}. */
    private static final Map<String, PythonGlobal> PYTHON_PROXY_CLASSES = Map.ofEntries(
            python("dict", "DictProxy"),
            python("list", "ListProxy"),
            python("Value", "ValueProxy"),
            python("Array", "ArrayProxy"),
            python("Namespace", "NamespaceProxy"),
            python("Lock", "AcquirerProxy"),
            python("RLock", "AcquirerProxy"),
            python("Semaphore", "AcquirerProxy"),
            python("BoundedSemaphore", "AcquirerProxy"),
            python("Condition", "ConditionProxy"),
            python("Event", "EventProxy"),
            python("Barrier", "BarrierProxy"),
            python("Iterator", "IteratorProxy"));

    /** The globals a pickled proxy may name as its class. */
    static final Set<PythonGlobal> PYTHON_GLOBALS;

    /** The Java proxy class of each typeid (the first of each class is its default typeid), and its constructor. */
    private static final Map<String, Class<?>> JAVA_PROXY_CLASSES = new LinkedHashMap<>();

    private static final Map<Class<?>, BiFunction<ManagerClient, String, ?>> CONSTRUCTORS = Map.of(
            ManagedMap.class, ManagedMap::new,
            ManagedList.class, ManagedList::new,
            ManagedQueue.class, ManagedQueue::new,
            ManagedLock.class, ManagedLock::new,
            ManagedValue.class, ManagedValue::new,
            ManagedEvent.class, ManagedEvent::new,
            ManagedSemaphore.class, ManagedSemaphore::new,
            ManagedBarrier.class, ManagedBarrier::new,
            ManagedNamespace.class, ManagedNamespace::new,
            ManagedArray.class, ManagedArray::new);

    static {
        Set<PythonGlobal> globals = new HashSet<>(PYTHON_PROXY_CLASSES.values());
        globals.add(AUTO_PROXY);
        PYTHON_GLOBALS = Set.copyOf(globals);
        JAVA_PROXY_CLASSES.put("dict", ManagedMap.class);
        JAVA_PROXY_CLASSES.put("list", ManagedList.class);
        JAVA_PROXY_CLASSES.put("Queue", ManagedQueue.class);
        JAVA_PROXY_CLASSES.put("JoinableQueue", ManagedQueue.class);
        JAVA_PROXY_CLASSES.put("Lock", ManagedLock.class);
        JAVA_PROXY_CLASSES.put("Value", ManagedValue.class);
        JAVA_PROXY_CLASSES.put("Event", ManagedEvent.class);
        JAVA_PROXY_CLASSES.put("Semaphore", ManagedSemaphore.class);
        JAVA_PROXY_CLASSES.put("BoundedSemaphore", ManagedSemaphore.class);
        JAVA_PROXY_CLASSES.put("Barrier", ManagedBarrier.class);
        JAVA_PROXY_CLASSES.put("Namespace", ManagedNamespace.class);
        JAVA_PROXY_CLASSES.put("Array", ManagedArray.class);
    }

    private Proxies() {}

    private static Map.Entry<String, PythonGlobal> python(String typeid, String proxyClass) {
        return Map.entry(typeid, new PythonGlobal(Protocol.MANAGERS, proxyClass));
    }

    /** {@return the Python proxy class {@code SyncManager} registers for {@code typeid}; AutoProxy for others} */
    static PythonGlobal pythonProxyClass(String typeid) {
        return PYTHON_PROXY_CLASSES.getOrDefault(typeid, AUTO_PROXY);
    }

    /** {@return the constructor of a Java proxy class, or null if {@code proxyType} is none} */
    static BiFunction<ManagerClient, String, ?> constructor(Class<?> proxyType) {
        return CONSTRUCTORS.get(proxyType);
    }

    /** {@return the Java proxy classes by simple name, for an error message} */
    static String proxyClassNames() {
        return CONSTRUCTORS.keySet().stream()
                .map(Class::getSimpleName)
                .sorted()
                .toList()
                .toString();
    }

    /** {@return the typeid a proxy of {@code proxyType} attached by ident stands for, until told better} */
    static String defaultTypeid(Class<?> proxyType) {
        for (Map.Entry<String, Class<?>> entry : JAVA_PROXY_CLASSES.entrySet()) {
            if (entry.getValue() == proxyType) {
                return entry.getKey();
            }
        }
        return proxyType.getSimpleName();
    }

    /** {@return the handle of a Java proxy, or null if {@code proxy} is none} */
    static ProxyHandle handleOf(Object proxy) {
        return switch (proxy) {
            case ManagedObject object -> object.handle;
            case ManagedMap<?, ?> map -> map.handle();
            case ManagedList<?> list -> list.handle();
            case ManagedQueue<?> queue -> queue.handle();
            case Proxy user when Proxy.getInvocationHandler(user) instanceof UserProxy handler -> handler.handle();
            default -> null;
        };
    }

    /**
     * Replaces, inside a decoded value, every {@link PickledProxy} by what {@code rebuild} makes of it: tuples, lists
     * and dict values in place, set elements by removal and insertion (frozensets stay as they are). A proxy
     * pickled once and referred to twice (the pickle's memo) is rebuilt once. The value was decoded within the
     * codec's depth limit, so the walk's recursion is bounded by it.
     *
     * @return the value, with the proxies rebuilt
     */
    static Object rebuildAll(Object value, Function<PickledProxy, Object> rebuild) {
        return rebuildAll(value, rebuild, new IdentityHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private static Object rebuildAll(Object value, Function<PickledProxy, Object> rebuild, Map<Object, Object> done) {
        if (value == null) {
            return null;
        }
        Object known = done.get(value);
        if (known != null) {
            return known;
        }
        switch (value) {
            case PickledProxy pickled -> {
                Object proxy = rebuild.apply(pickled);
                done.put(pickled, proxy);
                return proxy;
            }
            case Object[] tuple -> {
                done.put(tuple, tuple);
                for (int i = 0; i < tuple.length; i++) {
                    tuple[i] = rebuildAll(tuple[i], rebuild, done);
                }
            }
            case List<?> list
            when !(list instanceof ManagedList) -> {
                done.put(list, list);
                ListIterator<Object> items = (ListIterator<Object>) list.listIterator();
                while (items.hasNext()) {
                    Object item = items.next();
                    Object rebuilt = rebuildAll(item, rebuild, done);
                    if (rebuilt != item) {
                        items.set(rebuilt);
                    }
                }
            }
            case Map<?, ?> map
            when !(map instanceof ManagedMap) -> {
                done.put(map, map);
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    Object rebuilt = rebuildAll(entry.getValue(), rebuild, done);
                    if (rebuilt != entry.getValue()) {
                        ((Map.Entry<Object, Object>) entry).setValue(rebuilt);
                    }
                }
            }
            case Set<?> set
            when set instanceof HashSet<?> -> {
                done.put(set, set);
                List<Object> pickled = set.stream()
                        .filter(PickledProxy.class::isInstance)
                        .map(Object.class::cast)
                        .toList();
                for (Object item : pickled) {
                    set.remove(item);
                    ((Set<Object>) set).add(rebuildAll(item, rebuild, done));
                }
            }
            default -> {
                // a scalar, or a value of a mapped type: nothing inside to rebuild
            }
        }
        return value;
    }

    /**
     * A Java proxy of the object {@code ident}, adopting the reference the caller holds: of the Java proxy class of
     * the typeid if {@code wanted} admits it, else of the interface {@code wanted} (a {@link UserProxy}), else an
     * untyped {@link ManagedProxy}. The reference is dropped if no proxy can be made.
     *
     * @param wanted what the caller's code expects: a proxy class, an interface, or {@code Object}
     * @throws IllegalArgumentException if {@code wanted} is a class no proxy is of
     */
    static Object adopt(ManagerClient client, String ident, String typeid, Object[] exposed, Class<?> wanted) {
        Object proxy;
        try {
            Class<?> javaClass = JAVA_PROXY_CLASSES.get(typeid);
            if (CONSTRUCTORS.containsKey(wanted)) {
                proxy = CONSTRUCTORS.get(wanted).apply(client, ident);
            } else if (javaClass != null && wanted.isAssignableFrom(javaClass)) {
                proxy = CONSTRUCTORS.get(javaClass).apply(client, ident);
            } else if (wanted.isInterface() || wanted == Object.class) {
                Class<?> face = wanted.isInterface() ? wanted : ManagedProxy.class;
                proxy = UserProxy.of(client, () -> ident, face);
            } else {
                throw new IllegalArgumentException("a proxy of typeid '" + typeid + "' cannot be a " + wanted.getName()
                        + ": declare an interface, one of " + proxyClassNames() + ", or Object");
            }
        } catch (RuntimeException e) {
            client.serverCall("decref", ident);
            throw e;
        }
        handleOf(proxy).describe(typeid, exposed);
        return proxy;
    }
}
