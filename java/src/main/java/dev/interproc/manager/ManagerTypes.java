package dev.interproc.manager;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The types a {@link ManagerServer} creates for its clients, by typeid: Python's {@code BaseManager.register}.
 * {@link #standard()} holds what {@code SyncManager} registers; {@link #register} adds a Java class, whose public
 * instance methods become the exposed methods a client calls (Python's default for a registered callable):
 *
 * <pre>{@code
 * ManagerTypes types = ManagerTypes.standard()
 *         .register("Counter", Counter.class, args -> new Counter(((Number) args.get(0)).intValue()));
 * ManagerServer server = ManagerServer.start(address, key, types);
 * }</pre>
 * <pre>{@code
 * class M(BaseManager): pass
 * M.register('Counter')
 * m = M(address, authkey=key); m.connect(); c = m.Counter(5); c.increment(2)
 * }</pre>
 *
 * <p>Every public instance method of the registered class or interface is exposed, inherited ones included (a
 * class extending {@code Thread} would expose {@code interrupt}): register an interface to expose exactly its
 * methods. Static, bridge and synthetic methods and {@code Object}'s never are. A method is called with the positional arguments the client sends, converted to its parameter types (Python's
 * ints to {@code int}, {@code long} or {@code BigInteger} when they fit, floats to {@code double}); methods
 * overloaded by parameter count are told apart; of overloads with as many parameters, the first (by parameter types) that takes the arguments is called. Calls are not serialized: a registered
 * object must be thread-safe, as one in a Python manager must be once it releases the GIL. A Java exception
 * reaches the client as the Python exception of the same meaning ({@code IllegalArgumentException} as
 * {@code ValueError}, {@code IndexOutOfBoundsException} as {@code IndexError}, {@code NoSuchElementException} as
 * {@code KeyError}, {@code UnsupportedOperationException} as {@code NotImplementedError},
 * {@code IllegalStateException} as {@code RuntimeError}), any other as a traceback ({@code RemoteError}).
 *
 * <p>Not thread-safe. A server takes a copy when it starts: a later registration does not reach it.
 */
public final class ManagerTypes {

    private final Map<String, Registry.Type> types = new HashMap<>(Registry.STANDARD);
    private final Map<String, ReflectiveReferent.JavaType> userTypes = new HashMap<>();

    private ManagerTypes() {}

    /** {@return a new set of types holding what Python's {@code SyncManager} registers} */
    public static ManagerTypes standard() {
        return new ManagerTypes();
    }

    /**
     * Registers a Java type.
     *
     * @param typeid the name clients create it by ({@code m.Counter()} in Python)
     * @param type the class or interface whose public instance methods clients call
     * @param factory makes an object from the positional arguments of {@code create}
     * @param <T> the type
     * @return this
     * @throws IllegalArgumentException if {@code typeid} is empty or taken, or {@code type} exposes no method
     */
    public <T> ManagerTypes register(String typeid, Class<T> type, Function<List<Object>, ? extends T> factory) {
        return register(typeid, type, factory, Map.of());
    }

    /**
     * Registers a Java type some of whose methods return new shared objects: Python's {@code method_to_typeid}.
     * The object such a method returns is held by the server as a new object of the named typeid, and the client
     * gets a proxy of it.
     *
     * @param typeid the name clients create it by
     * @param type the class or interface whose public instance methods clients call
     * @param factory makes an object from the positional arguments of {@code create}
     * @param methodToTypeid for each method that returns a new shared object, the typeid of that object: a type
     *     registered here (possibly later); not a standard one, whose objects a Java method cannot make
     * @param <T> the type
     * @return this
     * @throws IllegalArgumentException if {@code typeid} is empty or taken, {@code type} exposes no method, or a
     *     method of {@code methodToTypeid} is not one of its exposed methods
     */
    public <T> ManagerTypes register(
            String typeid,
            Class<T> type,
            Function<List<Object>, ? extends T> factory,
            Map<String, String> methodToTypeid) {
        Objects.requireNonNull(factory, "factory");
        if (typeid == null || typeid.isEmpty()) {
            throw new IllegalArgumentException("a typeid is a non-empty name");
        }
        if (types.containsKey(typeid)) {
            throw new IllegalArgumentException("the typeid '" + typeid + "' is registered already");
        }
        ReflectiveReferent.JavaType javaType = ReflectiveReferent.JavaType.of(type);
        List<String> exposed = javaType.exposed();
        if (exposed.isEmpty()) {
            throw new IllegalArgumentException(type.getName() + " has no public instance method a client could call");
        }
        methodToTypeid.forEach((method, returned) -> {
            if (!exposed.contains(method)) {
                throw new IllegalArgumentException("method_to_typeid names " + method
                        + ", which is no public method of " + type.getName() + " (those are " + exposed + ")");
            }
            if (Registry.STANDARD.containsKey(returned)) {
                throw new IllegalArgumentException("method_to_typeid maps " + method + " to the standard type '"
                        + returned + "', whose objects a Java method cannot return; map it to a registered type");
            }
        });
        types.put(
                typeid,
                new Registry.Type(
                        arguments -> new ReflectiveReferent(factory.apply(positionalOnly(typeid, arguments)), javaType),
                        exposed,
                        Map.copyOf(methodToTypeid)));
        userTypes.put(typeid, javaType);
        return this;
    }

    /** The arguments of {@code create} for a factory: positional ones (None included); keywords are refused. */
    private static List<Object> positionalOnly(String typeid, Arguments arguments) {
        if (!arguments.keywords().isEmpty()) {
            throw PythonError.typeError(typeid + "() of a Java type takes positional arguments only, not "
                    + arguments.keywords().keySet());
        }
        return Collections.unmodifiableList(Arrays.asList(arguments.positional()));
    }

    /** {@return a copy, which a server keeps so that later registrations do not change it} */
    ManagerTypes copy() {
        ManagerTypes copy = new ManagerTypes();
        copy.types.putAll(types);
        copy.userTypes.putAll(userTypes);
        return copy;
    }

    /** {@return the type of {@code typeid}, or null} */
    Registry.Type get(String typeid) {
        return types.get(typeid);
    }

    /**
     * The referent of an object a method returned for a new shared object of {@code typeid}: a registered Java
     * type's object is wrapped; a standard type's method returns its referent already.
     */
    Referent referent(String typeid, Object result) {
        ReflectiveReferent.JavaType type = userTypes.get(typeid);
        if (type != null) {
            return new ReflectiveReferent(result, type);
        }
        if (result instanceof Referent referent) {
            return referent;
        }
        throw PythonError.typeError("a method returned a " + Arguments.typeName(result) + " for a new '" + typeid
                + "', which is no type of this server");
    }
}
