package dev.interproc.manager;

/**
 * A proxy of an object of this server, stored inside another object held here (a dict value, a list element, a
 * queue item...): what Python's server makes of a {@code RebuildProxy} naming itself (a proxy "owned by the
 * manager"). It holds its object strongly, so that the object lives while it is stored, whether or not clients
 * reference it; it does not count as a reference ({@code number_of_objects} counts objects that clients
 * reference, as Python's), and it is written back as the {@code RebuildProxy} it came as, which the receiving
 * client rebuilds with a reference of its own ({@code incref}).
 *
 * @param pickled the proxy as it came
 * @param entry the object, held strongly
 */
record StoredProxy(PickledProxy pickled, ObjectTable.Entry entry) {

    /** Python's repr of the proxy, {@code <DictProxy object, typeid 'dict' at 0x...>}. */
    @Override
    public String toString() {
        return "<" + pickled.proxyClass().name() + " object, typeid "
                + PythonRepr.of(pickled.token().typeid()) + " at 0x"
                + pickled.token().id() + ">";
    }
}
