package dev.interproc.manager;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The positional and keyword arguments of one call, bound to parameters by position or name as Python binds
 * them; a missing or unexpected argument is Python's {@code TypeError}.
 */
final class Arguments {

    private final String function;
    private final Object[] positional;
    private final Map<String, Object> keywords;
    private final Set<String> named = new HashSet<>();
    private int bound;

    Arguments(String function, Object[] positional, Map<String, Object> keywords) {
        this.function = function;
        this.positional = positional;
        this.keywords = keywords;
    }

    /** {@return the argument of parameter {@code index} named {@code name}; TypeError when absent} */
    Object required(int index, String name) {
        if (!has(index, name)) {
            throw PythonError.typeError(function + "() missing required argument: '" + name + "'");
        }
        return get(index, name, null);
    }

    /** {@return the argument of parameter {@code index} named {@code name}, or {@code otherwise} when absent} */
    Object get(int index, String name, Object otherwise) {
        bound = Math.max(bound, index + 1);
        named.add(name);
        if (index < positional.length) {
            if (keywords.containsKey(name)) {
                throw PythonError.typeError(function + "() got multiple values for argument '" + name + "'");
            }
            return positional[index];
        }
        return keywords.containsKey(name) ? keywords.get(name) : otherwise;
    }

    boolean has(int index, String name) {
        return index < positional.length || keywords.containsKey(name);
    }

    /** {@return the keyword arguments, for a callable taking {@code **kwargs}} */
    Map<String, Object> keywords() {
        named.addAll(keywords.keySet());
        return keywords;
    }

    /** {@return the arguments as given, for a callable that forwards them} */
    Object[] positional() {
        bound = positional.length;
        return positional;
    }

    /** Refuses arguments that no parameter took, as Python does; call after binding them all. */
    Arguments done() {
        if (positional.length > bound) {
            throw PythonError.typeError(
                    function + "() takes at most " + bound + " positional arguments (" + positional.length + " given)");
        }
        for (String name : keywords.keySet()) {
            if (!named.contains(name)) {
                throw PythonError.typeError(function + "() got an unexpected keyword argument '" + name + "'");
            }
        }
        return this;
    }

    /** Python's truth value of an argument such as {@code blocking}. */
    static boolean truthy(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            default -> true;
        };
    }

    /** {@return an int argument as a Java int; TypeError for other types, OverflowError past Java's range} */
    static int integer(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            BigInteger big = value instanceof BigInteger b ? b : BigInteger.valueOf(((Number) value).longValue());
            if (big.bitLength() > 31) {
                throw PythonError.builtin("OverflowError", "Python int too large to convert to C ssize_t");
            }
            return big.intValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw PythonError.typeError("'" + typeName(value) + "' object cannot be interpreted as an integer");
    }

    /** A timeout in seconds (int or float) as nanoseconds; None is -1, meaning no limit. */
    static long timeoutNanos(Object seconds) {
        if (seconds == null) {
            return -1;
        }
        if (!(seconds instanceof Number number) || seconds instanceof Boolean) {
            throw PythonError.typeError("'" + typeName(seconds) + "' object cannot be interpreted as a timeout");
        }
        double value = number.doubleValue();
        if (value < 0) {
            throw PythonError.valueError("'timeout' must be a non-negative number");
        }
        return value >= Long.MAX_VALUE / 1e9 ? Long.MAX_VALUE : (long) (value * 1e9);
    }

    /** Python's name of the type a decoded value had. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Integer i -> "int";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case String s -> "str";
            case byte[] b -> "bytes";
            case Object[] t -> "tuple";
            case java.util.List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Set<?> s -> "set";
            default -> value.getClass().getSimpleName();
        };
    }

    /**
     * The key under which a decoded value is stored, so that Python's equal ints are one key whatever Java type
     * the unpickler gave them (an int travels as {@code Integer}, {@code Long} or {@code BigInteger} by size).
     */
    static Object key(Object value) {
        if (value instanceof Long l && l == l.intValue()) {
            return l.intValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return key(big.longValue());
        }
        if (value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        return value;
    }
}
