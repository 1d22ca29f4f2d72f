package dev.interproc.manager;

/**
 * A proxy of a shared {@code Array} ({@code SyncManager.Array(typecode, sequence)}: an {@code array.array} on
 * the server): a fixed-length sequence of numbers, read and written one element per round trip, atomic each.
 */
public final class ManagedArray extends ManagedObject {

    ManagedArray(ManagerClient client, String ident) {
        super(client, ident);
    }

    /** {@return the number of elements} */
    public int length() {
        return ((Number) handle.call("__len__")).intValue();
    }

    /**
     * Reads an element.
     *
     * @param index the element's index; negative counts from the end, as in Python
     * @return the element: an {@code Integer} or {@code Long} for the integer typecodes, a {@code Double} for
     *     {@code 'f'} and {@code 'd'}
     * @throws IndexOutOfBoundsException if there is no such element
     */
    public Number get(int index) {
        try {
            return (Number) handle.call("__getitem__", index);
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "IndexError", IndexOutOfBoundsException::new);
        }
    }

    /**
     * Replaces an element.
     *
     * @param index the element's index; negative counts from the end
     * @param value the new value
     * @throws IndexOutOfBoundsException if there is no such element
     */
    public void set(int index, Number value) {
        try {
            handle.call("__setitem__", index, value);
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "IndexError", IndexOutOfBoundsException::new);
        }
    }
}
