package dev.interproc.manager;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A proxy of a shared {@code list}. Each call is one round trip and atomic on the server, except
 * {@link #set(int, Object)}, which reads the previous element and then sets the new one. Iteration reads element
 * by element; take {@link #snapshot()} for one consistent copy.
 *
 * @param <E> the element type
 */
public final class ManagedList<E> extends AbstractList<E> implements RandomAccess, AutoCloseable {

    private final ProxyHandle handle;

    ManagedList(ManagerClient client, String ident) {
        this.handle = new ProxyHandle(client, ident, this);
    }

    /** {@return the handle of this proxy's object} */
    ProxyHandle handle() {
        return handle;
    }

    @Override
    public int size() {
        return ((Number) handle.call("__len__")).intValue();
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        Objects.checkIndex(index, Integer.MAX_VALUE); // Python would count a negative index from the end
        try {
            return (E) handle.call("__getitem__", index);
        } catch (ManagerException e) {
            throw outOfBounds(e, index);
        }
    }

    @Override
    public E set(int index, E element) {
        E previous = get(index);
        handle.call("__setitem__", index, element);
        return previous;
    }

    @Override
    public boolean add(E element) {
        handle.call("append", element);
        return true;
    }

    /** Inserts at {@code index}, from 0 to the size; Python's {@code insert} would clamp other indices. */
    @Override
    public void add(int index, E element) {
        Objects.checkIndex(index, size() + 1);
        handle.call("insert", index, element);
    }

    /** Removes and returns the element at {@code index} atomically ({@code list.pop(index)}). */
    @Override
    @SuppressWarnings("unchecked")
    public E remove(int index) {
        Objects.checkIndex(index, Integer.MAX_VALUE);
        try {
            return (E) handle.call("pop", index);
        } catch (ManagerException e) {
            throw outOfBounds(e, index);
        }
    }

    @Override
    public boolean contains(Object element) {
        return (Boolean) handle.call("__contains__", element);
    }

    @Override
    public int indexOf(Object element) {
        try {
            return ((Number) handle.call("index", element)).intValue();
        } catch (ManagerException e) {
            if (ProxyHandle.is(e, "ValueError")) {
                return -1;
            }
            throw e;
        }
    }

    /** {@return a copy of the whole list, read in one call} */
    @SuppressWarnings("unchecked")
    public List<E> snapshot() {
        return new ArrayList<>((List<E>) handle.call("#GETVALUE"));
    }

    /** Drops this proxy's reference to the list. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    /** {@return the ident of the object on the server, for {@link ManagerClient} to attach another proxy to it} */
    public String ident() {
        return handle.ident();
    }

    @Override
    public String toString() {
        return "ManagedList[" + handle + "]";
    }

    private static RuntimeException outOfBounds(ManagerException failure, int index) {
        return ProxyHandle.translated(
                failure, "IndexError", message -> new IndexOutOfBoundsException("index " + index + ": " + message));
    }
}
