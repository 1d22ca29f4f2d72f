package dev.interproc.manager;

import dev.interproc.codec.PythonGlobal;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A proxy as pickled: Python's {@code BaseProxy.__reduce__} writes the call
 * {@code multiprocessing.managers.RebuildProxy(proxyClass, token, serializer, kwds)}, with the proxy class Python
 * registers for the typeid ({@code DictProxy}, {@code AcquirerProxy}..., or the function {@code AutoProxy} with
 * {@code kwds = {'exposed': (...)}}). Decoded as this record where no live proxy is made of it (a token of another
 * manager, on a server), and written back unchanged.
 *
 * @param proxyClass the Python proxy class (or {@code AutoProxy})
 * @param token the object's token
 * @param serializer {@code 'pickle'}
 * @param kwds the keyword arguments of the proxy class
 */
record PickledProxy(PythonGlobal proxyClass, Token token, String serializer, Map<String, Object> kwds) {

    PickledProxy {
        Objects.requireNonNull(proxyClass, "proxyClass");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(serializer, "serializer");
        kwds = Collections.unmodifiableMap(new HashMap<>(kwds));
    }

    /** {@return the proxy of {@code token} as Python pickles it: the typeid's proxy class, the exposed for AutoProxy} */
    static PickledProxy of(Token token, Object[] exposed) {
        PythonGlobal proxyClass = Proxies.pythonProxyClass(token.typeid());
        Map<String, Object> kwds =
                proxyClass.equals(Proxies.AUTO_PROXY) && exposed != null ? Map.of("exposed", exposed) : Map.of();
        return new PickledProxy(proxyClass, token, "pickle", kwds);
    }

    /** {@return the arguments of {@code RebuildProxy}} */
    Object[] arguments() {
        return new Object[] {proxyClass, token, serializer, new HashMap<>(kwds)};
    }

    /** {@return the exposed methods the kwds name, or null} */
    Object[] exposed() {
        return kwds.get("exposed") instanceof Object[] names ? names : null;
    }

    /**
     * Decodes the arguments of {@code RebuildProxy}, refusing any other shape, and kwds other than Python's: a tuple
     * of str ({@code exposed}) or a scalar ({@code authkey}) each.
     */
    @SuppressWarnings("unchecked")
    static PickledProxy fromArguments(Object[] arguments) {
        if (arguments.length != 4
                || !(arguments[0] instanceof PythonGlobal proxyClass)
                || !(arguments[1] instanceof Token token)
                || !(arguments[2] instanceof String serializer)
                || !(arguments[3] instanceof Map<?, ?> kwds)
                || !kwds.keySet().stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException(
                    "RebuildProxy takes (proxy class, Token, serializer, kwds), not " + PythonRepr.of(arguments));
        }
        kwds.forEach((name, value) -> {
            // BaseProxy.__reduce__ writes 'exposed' (a tuple of str) and 'authkey' (bytes); nothing nests here, where
            // the codec's depth limit does not reach and Java would hash and compare a cycle for ever.
            if (!isScalar(value)
                    && !(value instanceof Object[] tuple && Arrays.stream(tuple).allMatch(String.class::isInstance))
                    && !(value instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
                throw new IllegalArgumentException("RebuildProxy's kwds hold a tuple of str (exposed) or a scalar, not "
                        + PythonRepr.of(name) + ": " + PythonRepr.of(value));
            }
        });
        return new PickledProxy(proxyClass, token, serializer, (Map<String, Object>) kwds);
    }

    private static boolean isScalar(Object value) {
        return value == null
                || value instanceof Boolean
                || value instanceof Number
                || value instanceof String
                || value instanceof byte[];
    }

    /** Python's repr of the proxy: {@code <DictProxy object, typeid 'dict' at ...>}. */
    @Override
    public String toString() {
        return "<" + proxyClass.name() + " object, typeid " + PythonRepr.of(token.typeid()) + " of " + token + ">";
    }
}
