package dev.interproc.manager;

import dev.interproc.codec.PythonClass;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code slice}, which a proxy sends for {@code l[1:3]}: decoded through the manager's pickle codec and
 * applied as Python applies it.
 */
record Slice(Object start, Object stop, Object step) {

    /** The mapping of {@code builtins.slice}, both ways. */
    static final PythonClass<Slice> PYTHON_CLASS = new PythonClass<>(
            "builtins", "slice", Slice.class, arguments -> new Slice(arguments[0], arguments[1], arguments[2]), slice ->
                    new Object[] {slice.start, slice.stop, slice.step});

    /** {@return the elements this slice selects from {@code list}, as Python's {@code list[slice]}} */
    List<Object> of(List<Object> list) {
        int size = list.size();
        int by = step == null ? 1 : Arguments.integer(step);
        if (by == 0) {
            throw PythonError.valueError("slice step cannot be zero");
        }
        int from = bound(start, by > 0 ? 0 : size - 1, size, by);
        int to = bound(stop, by > 0 ? size : -1, size, by);
        List<Object> selected = new ArrayList<>();
        for (int i = from; by > 0 ? i < to : i > to; i += by) {
            selected.add(list.get(i));
        }
        return selected;
    }

    private static int bound(Object index, int otherwise, int size, int by) {
        if (index == null) {
            return otherwise;
        }
        int at = Arguments.integer(index);
        if (at < 0) {
            at += size;
        }
        return by > 0 ? Math.clamp(at, 0, size) : Math.clamp(at, -1, size - 1);
    }
}
