package dev.interproc.manager;

import java.util.Iterator;

/**
 * A server-side iterator, returned as a new shared object by {@code dict.__iter__}: Python's {@code for key in
 * dict_proxy} walks it with {@code __next__} until {@code StopIteration}. It walks a snapshot of the keys.
 */
final class IteratorReferent implements Referent {

    private final Iterator<?> iterator;

    IteratorReferent(Iterator<?> iterator) {
        this.iterator = iterator;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        return switch (method) {
            case "__next__", "send" -> {
                if (!iterator.hasNext()) {
                    throw PythonError.builtin("StopIteration");
                }
                yield iterator.next();
            }
            case "close" -> null;
            default -> throw PythonError.typeError("throw() is not supported by a Java manager's iterator");
        };
    }

    @Override
    public String repr() {
        return "<iterator object>";
    }
}
