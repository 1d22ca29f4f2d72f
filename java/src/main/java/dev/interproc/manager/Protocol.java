package dev.interproc.manager;

import dev.interproc.codec.PickleCodec;
import dev.interproc.codec.PythonClass;
import dev.interproc.connection.Address;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** What both ends of the manager protocol share: the codec and the shape of a request. */
final class Protocol {

    /** Python's module of the manager classes. */
    static final String MANAGERS = "multiprocessing.managers";

    /** The codec of requests and of what no client or server rebuilds: a pickled proxy decodes as is. */
    static final PickleCodec CODEC = codec(pickled -> pickled);

    private Protocol() {}

    /**
     * The pickle codec of the protocol: the standard one, {@code slice} (for {@code list[a:b]}), CPython's
     * {@code list(...)} of dict views, the queue exceptions a reply may carry, and proxies: a Java proxy (or a
     * {@link PickledProxy} or {@link StoredProxy}) is written as Python's {@code BaseProxy.__reduce__} writes one,
     * {@code RebuildProxy(proxy class, Token, 'pickle', kwds)}, and {@code RebuildProxy(...)} decodes as
     * {@code rebuild} makes of it: a live proxy on a client, a stored reference on a server.
     *
     * @param rebuild what a decoded {@link PickledProxy} becomes
     */
    static PickleCodec codec(Function<PickledProxy, Object> rebuild) {
        PickleCodec.Builder builder =
                PickleCodec.builder().register(Slice.PYTHON_CLASS).register(RebuiltList.PYTHON_CLASS);
        PythonSignal.PYTHON_CLASSES.forEach(builder::register);
        builder.register(Token.PYTHON_CLASS);
        // Decoding gives what rebuild makes, which need not be a PickledProxy: the codec hands the value on uncast.
        @SuppressWarnings({"unchecked", "rawtypes"})
        Function<Object[], PickledProxy> decode = (Function)
                (Function<Object[], Object>) arguments -> rebuild.apply(PickledProxy.fromArguments(arguments));
        builder.register(rebuildProxy(PickledProxy.class, decode, PickledProxy::arguments));
        builder.register(
                rebuildProxy(StoredProxy.class, null, stored -> stored.pickled().arguments()));
        for (Class<?> proxyType : List.of(
                ManagedMap.class, ManagedList.class, ManagedQueue.class, ManagedObject.class, ManagedProxy.class)) {
            builder.register(rebuildProxy(proxyType, null, Protocol::pickledArguments));
        }
        Proxies.PYTHON_GLOBALS.forEach(builder::registerGlobal);
        return builder.build();
    }

    /** A mapping to {@code RebuildProxy}; only the first registered decodes, the others encode only. */
    private static <T> PythonClass<T> rebuildProxy(
            Class<T> javaType, Function<Object[], ? extends T> decode, Function<? super T, Object[]> encode) {
        return new PythonClass<>(
                MANAGERS,
                "RebuildProxy",
                javaType,
                decode != null
                        ? decode
                        : arguments -> {
                            throw new IllegalStateException("decoded by the first mapping");
                        },
                encode);
    }

    private static Object[] pickledArguments(Object proxy) {
        ProxyHandle handle = Proxies.handleOf(proxy);
        if (handle == null) {
            throw new IllegalArgumentException(proxy.getClass().getName() + " is no proxy of this library");
        }
        return handle.pickled().arguments();
    }

    /** The address as Python writes it in a {@code Token}: a path string, a (host, port) tuple, or bytes. */
    static Object pythonAddress(Address address) {
        return switch (address) {
            case Address.Tcp tcp -> new Object[] {tcp.host(), tcp.port()};
            case Address.Unix unix -> unix.path().toString();
            case Address.Abstract name ->
                ("\0" + new String(name.name(), StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        };
    }

    /**
     * Pickles a request {@code (ident, method, args, {})}; a null ident is a server function.
     *
     * @throws IllegalArgumentException if an argument is of a type the codec does not pickle
     */
    static byte[] requestOf(String ident, String method, Object... args) {
        try {
            return CODEC.encode(new Object[] {ident, method, args, Map.of()});
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send " + method + "(...): " + e.getMessage(), e);
        }
    }

    /**
     * What CPython's manager sends for {@code dict.keys()}, {@code values()} and {@code items()}: a call of
     * {@code list} on a list ({@code rebuild_as_list}). Decoded to a list; sent back as it came (a registered
     * mapping comes before the list form).
     */
    static final class RebuiltList extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        RebuiltList(Collection<?> items) {
            super(items);
        }

        static final PythonClass<RebuiltList> PYTHON_CLASS = new PythonClass<>(
                "builtins",
                "list",
                RebuiltList.class,
                arguments -> new RebuiltList(arguments.length == 0 ? List.of() : (Collection<?>) arguments[0]),
                list -> new Object[] {new ArrayList<>(list)});
    }
}
