package dev.interproc.manager;

import java.lang.ref.Cleaner;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What every proxy holds: its client, the ident of its object, and the reference it owns on the server, dropped
 * by {@link #close()} or once the proxy is unreachable.
 */
final class ProxyHandle {

    private final ManagerClient client;
    private final String ident;
    private final Cleaner.Cleanable reference;
    /** The typeid and exposed methods the proxy is pickled with; the exposed null when not known. */
    private volatile String typeid;

    private volatile Object[] exposed;

    /**
     * @param client the client that created the object
     * @param ident the object's ident
     * @param proxy the proxy that owns the reference
     */
    ProxyHandle(ManagerClient client, String ident, Object proxy) {
        this.client = client;
        this.ident = ident;
        this.reference = client.track(proxy, ident);
        this.typeid = Proxies.defaultTypeid(proxy.getClass());
    }

    /**
     * Records what the server said the object is, for pickling the proxy as Python does.
     *
     * @param typeid the object's typeid
     * @param exposed its exposed methods (AutoProxy's {@code exposed}), or null if not known
     */
    void describe(String typeid, Object[] exposed) {
        this.typeid = typeid;
        this.exposed = exposed == null ? null : exposed.clone();
    }

    /** {@return the proxy as Python's {@code BaseProxy.__reduce__} pickles it} */
    PickledProxy pickled() {
        return PickledProxy.of(new Token(typeid, Protocol.pythonAddress(client.address()), ident), exposed);
    }

    String ident() {
        return ident;
    }

    /** {@return whether the object lives on a {@link ManagerServer}, which has this project's extensions} */
    boolean onJavaServer() {
        return client.isJavaServer();
    }

    /** Calls a method that does not block on the server; a new shared object it returns comes as a proxy. */
    Object call(String method, Object... args) {
        return adopted(client.callUninterruptibly(ident, method, args));
    }

    /** Calls a method that may block on the server, such as {@code get} or {@code acquire}; see {@link #call}. */
    Object callInterruptibly(String method, Object... args) throws InterruptedException {
        return adopted(client.call(ident, method, args));
    }

    /**
     * A method's new shared object ({@code #PROXY}), which only a server's {@code method_to_typeid} (or a hostile
     * server) sends to a proxy of a standard type, as a proxy of its typeid holding the reference the server made
     * for the caller, as Python's client makes one of any method's: never the raw reply, nor a leaked reference.
     */
    private Object adopted(Object result) {
        return result instanceof ManagerClient.ReturnedProxy returned
                ? Proxies.adopt(
                        client, returned.token().id(), returned.token().typeid(), returned.exposed(), Object.class)
                : result;
    }

    /** Drops the proxy's reference; the object goes when no proxy references it. Idempotent. */
    void close() {
        reference.clean();
    }

    /** {@return Python's timeout argument, seconds as a float} */
    static double seconds(long timeout, TimeUnit unit) {
        return Math.max(0, unit.toNanos(timeout)) / 1e9;
    }

    /** {@return whether {@code failure} is the remote exception of the Python type {@code pythonType}} */
    static boolean is(ManagerException failure, String pythonType) {
        return pythonType.equals(failure.pythonType()) || failure.pythonType().endsWith("." + pythonType);
    }

    /**
     * {@return {@code failure} as the Java exception {@code javaType} makes of its message, with {@code failure} as
     * the cause, if it is the remote exception of the Python type {@code pythonType}; else {@code failure}}
     */
    static RuntimeException translated(
            ManagerException failure, String pythonType, Function<String, ? extends RuntimeException> javaType) {
        if (!is(failure, pythonType)) {
            return failure;
        }
        RuntimeException translated = javaType.apply(failure.getMessage());
        translated.initCause(failure);
        return translated;
    }

    @Override
    public String toString() {
        return "'" + ident + "' at " + client.address();
    }
}
