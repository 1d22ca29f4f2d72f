package dev.interproc.manager;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;

/** Python's {@code repr()} of decoded pickle values, for {@code __repr__}, {@code debug_info} and error messages. */
final class PythonRepr {

    private PythonRepr() {}

    static String of(Object value) {
        return of(value, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * The repr, with a container met again inside itself shown as Python shows it ({@code [[...]]}): a pickle may
     * hold cycles. {@code path} holds the containers being printed.
     */
    private static String of(Object value, Set<Object> path) {
        return switch (value) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case String s -> string(s);
            case Double d -> floating(d);
            case Float f -> floating(f.doubleValue());
            case byte[] bytes -> "b" + string(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
            case Object[] tuple when path.contains(tuple) -> "(...)";
            case Object[] tuple ->
                tuple.length == 1
                        ? inside(tuple, path, () -> "(" + of(tuple[0], path) + ",)")
                        : join("(", tuple, java.util.List.of(tuple), ")", path);
            case Map<?, ?> map when path.contains(map) -> "{...}";
            case Map<?, ?> map ->
                inside(map, path, () -> {
                    StringJoiner items = new StringJoiner(", ", "{", "}");
                    map.forEach((k, v) -> items.add(of(k, path) + ": " + of(v, path)));
                    return items.toString();
                });
            case java.util.List<?> list when path.contains(list) -> "[...]";
            case java.util.List<?> list -> join("[", list, list, "]", path);
            case Collection<?> set when path.contains(set) -> "{...}";
            case Collection<?> set -> set.isEmpty() ? "set()" : join("{", set, set, "}", path);
            default -> value.toString();
        };
    }

    private static String join(String open, Object container, Collection<?> items, String close, Set<Object> path) {
        return inside(container, path, () -> {
            StringJoiner text = new StringJoiner(", ", open, close);
            for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
                text.add(of(it.next(), path));
            }
            return text.toString();
        });
    }

    /** {@return what {@code repr} makes of {@code container}'s items, with the container on the path meanwhile} */
    private static String inside(Object container, Set<Object> path, Supplier<String> repr) {
        path.add(container);
        try {
            return repr.get();
        } finally {
            path.remove(container);
        }
    }

    private static String floating(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e16
                ? String.format("%.1f", value)
                : Double.toString(value);
    }

    private static String string(String value) {
        char quote = value.indexOf('\'') >= 0 && value.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder text = new StringBuilder(value.length() + 2).append(quote);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (c == quote) {
                        text.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        text.append(String.format("\\x%02x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        return text.append(quote).toString();
    }
}
