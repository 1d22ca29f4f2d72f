package dev.interproc.manager;

import java.util.List;

/**
 * The manager's {@code Array(typecode, sequence, lock=True)}: Python's {@code array.array}, with
 * {@code __len__}, {@code __getitem__} and {@code __setitem__}. Floating typecodes ({@code f}, {@code d}) hold
 * doubles, the others integers; the lock argument is ignored, as Python's manager ignores it.
 */
final class ArrayReferent implements Referent {

    static final List<String> EXPOSED = List.of("__len__", "__getitem__", "__setitem__");

    private final String typecode;
    private final Object[] items;

    private ArrayReferent(String typecode, Object[] items) {
        this.typecode = typecode;
        this.items = items;
    }

    static ArrayReferent create(Arguments arguments) {
        Object typecode = arguments.required(0, "typecode");
        Object sequence = arguments.required(1, "sequence");
        arguments.get(2, "lock", true);
        arguments.done();
        if (!(typecode instanceof String code) || code.length() != 1 || "bBuhHiIlLqQfd".indexOf(code.charAt(0)) < 0) {
            throw PythonError.valueError("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)");
        }
        ArrayReferent array =
                new ArrayReferent(code, ListReferent.elements(sequence).toArray());
        for (int i = 0; i < array.items.length; i++) {
            array.items[i] = array.checked(array.items[i]);
        }
        return array;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        if (method.equals("__len__")) {
            arguments.done();
            return items.length;
        }
        int index = position(arguments.required(0, "index"));
        if (method.equals("__getitem__")) {
            arguments.done();
            return items[index];
        }
        items[index] = checked(arguments.required(1, "value"));
        arguments.done();
        return null;
    }

    private boolean floating() {
        return typecode.equals("f") || typecode.equals("d");
    }

    /** The value as the array holds it: a float for f and d, an int otherwise; TypeError for anything else. */
    private Object checked(Object value) {
        if (floating() && value instanceof Number number && !(value instanceof Boolean)) {
            return number.doubleValue();
        }
        if (!floating()
                && (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger)) {
            return Arguments.key(value);
        }
        throw PythonError.typeError(
                floating()
                        ? "must be real number, not " + Arguments.typeName(value)
                        : "'" + Arguments.typeName(value) + "' object cannot be interpreted as an integer");
    }

    private int position(Object index) {
        int at = Arguments.integer(index);
        at = at < 0 ? at + items.length : at;
        if (at < 0 || at >= items.length) {
            throw PythonError.indexError("array index out of range");
        }
        return at;
    }

    @Override
    public synchronized String repr() {
        return items.length == 0
                ? "array('" + typecode + "')"
                : "array('" + typecode + "', " + PythonRepr.of(List.of(items)) + ")";
    }
}
