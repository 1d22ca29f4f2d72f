package dev.interproc.manager;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Python's {@code list} as a managed object, every call atomic. */
final class ListReferent implements Referent {

    static final List<String> EXPOSED = List.of(
            "__add__",
            "__contains__",
            "__delitem__",
            "__getitem__",
            "__len__",
            "__mul__",
            "__reversed__",
            "__rmul__",
            "__setitem__",
            "append",
            "count",
            "extend",
            "index",
            "insert",
            "pop",
            "remove",
            "reverse",
            "sort",
            "__imul__");

    private final List<Object> list = new ArrayList<>();

    static ListReferent create(Arguments arguments) {
        ListReferent created = new ListReferent();
        Object initial = arguments.get(0, "iterable", null);
        arguments.done();
        if (initial != null) {
            created.list.addAll(elements(initial));
        }
        return created;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        return switch (method) {
            case "__getitem__" -> {
                Object index = arguments.required(0, "index");
                yield index instanceof Slice slice ? slice.of(list) : list.get(position(index, false));
            }
            case "__setitem__" -> {
                list.set(position(arguments.required(0, "index"), false), arguments.required(1, "value"));
                yield null;
            }
            case "__delitem__" -> {
                list.remove(position(arguments.required(0, "index"), false));
                yield null;
            }
            case "__len__" -> list.size();
            case "__contains__" -> indexOf(arguments.required(0, "value")) >= 0;
            case "__add__" -> {
                List<Object> sum = new ArrayList<>(list);
                sum.addAll(elements(arguments.required(0, "value")));
                yield sum;
            }
            case "__mul__", "__rmul__" -> repeated(Arguments.integer(arguments.required(0, "value")));
            case "__imul__" -> {
                List<Object> repeated = repeated(Arguments.integer(arguments.required(0, "value")));
                list.clear();
                list.addAll(repeated);
                yield new ArrayList<>(list);
            }
            case "__reversed__" -> throw PythonError.typeError("reversed() of a Java manager's list: use l[::-1]");
            case "append" -> {
                list.add(arguments.required(0, "object"));
                yield null;
            }
            case "extend" -> {
                list.addAll(elements(arguments.required(0, "iterable")));
                yield null;
            }
            case "insert" -> {
                int at = Math.clamp(normalized(Arguments.integer(arguments.required(0, "index"))), 0, list.size());
                list.add(at, arguments.required(1, "object"));
                yield null;
            }
            case "pop" -> {
                if (list.isEmpty()) {
                    throw PythonError.indexError("pop from empty list");
                }
                yield list.remove(position(arguments.get(0, "index", -1), true));
            }
            case "remove" -> {
                int at = indexOf(arguments.required(0, "value"));
                if (at < 0) {
                    throw PythonError.valueError("list.remove(x): x not in list");
                }
                list.remove(at);
                yield null;
            }
            case "index" -> {
                Object value = arguments.required(0, "value");
                int at = indexOf(value);
                if (at < 0) {
                    throw PythonError.valueError(PythonRepr.of(value) + " is not in list");
                }
                yield at;
            }
            case "count" -> {
                Object value = arguments.required(0, "value");
                yield (int) list.stream()
                        .filter(e -> PythonEquality.equal(e, value))
                        .count();
            }
            case "reverse" -> {
                Collections.reverse(list);
                yield null;
            }
            case "sort" -> {
                if (arguments.get(0, "key", null) != null) {
                    throw PythonError.typeError("sort(key=...) cannot run on a Java manager");
                }
                Comparator<Object> order = ListReferent::compare;
                list.sort(Arguments.truthy(arguments.get(1, "reverse", false)) ? order.reversed() : order);
                yield null;
            }
            default -> throw new IllegalArgumentException(method);
        };
    }

    private int indexOf(Object value) {
        for (int i = 0; i < list.size(); i++) {
            if (PythonEquality.equal(list.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    private List<Object> repeated(int times) {
        List<Object> repeated = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            repeated.addAll(list);
        }
        return repeated;
    }

    private int normalized(int index) {
        return index < 0 ? index + list.size() : index;
    }

    /** An index as Python takes it (negative from the end); IndexError outside the list. */
    private int position(Object index, boolean pop) {
        int at = normalized(Arguments.integer(index));
        if (at < 0 || at >= list.size()) {
            throw PythonError.indexError(pop ? "pop index out of range" : "list index out of range");
        }
        return at;
    }

    static List<?> elements(Object iterable) {
        return switch (iterable) {
            case List<?> items -> items;
            case Object[] tuple -> List.of(tuple);
            case Iterable<?> items -> {
                List<Object> copy = new ArrayList<>();
                items.forEach(copy::add);
                yield copy;
            }
            default -> throw PythonError.typeError("'" + Arguments.typeName(iterable) + "' object is not iterable");
        };
    }

    /** Python's {@code <} on the values a pickle decodes to: numbers by value, else values of one type. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Double || y instanceof Double) {
                return Double.compare(x.doubleValue(), y.doubleValue());
            }
            return new BigInteger(x.toString()).compareTo(new BigInteger(y.toString()));
        }
        if (a instanceof Comparable c && a.getClass() == b.getClass()) {
            return c.compareTo(b);
        }
        throw PythonError.typeError("'<' not supported between instances of '" + Arguments.typeName(a) + "' and '"
                + Arguments.typeName(b) + "'");
    }

    @Override
    public synchronized Object value() {
        return new ArrayList<>(list);
    }

    @Override
    public synchronized String repr() {
        return PythonRepr.of(list);
    }
}
