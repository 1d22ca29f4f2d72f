package dev.interproc.manager;

/**
 * An object the server holds for its clients: Python's referent. Calls arrive on the serving thread of each
 * client channel, concurrently; an implementation is thread-safe and makes each call atomic, as the GIL makes
 * a call on a Python built-in type.
 */
interface Referent {

    /**
     * Calls an exposed method.
     *
     * @param method the Python method name, already checked against the exposed ones
     * @param arguments its arguments
     * @return the result, a value the pickle codec encodes (or, for a method that returns a new shared object,
     *     the new referent)
     * @throws PythonError the Python exception the method raises
     * @throws InterruptedException if the server stops while the call waits
     */
    Object call(String method, Arguments arguments) throws InterruptedException;

    /** {@return a copy of the object's value, for {@code #GETVALUE}; TypeError if it has none to send} */
    default Object value() {
        throw PythonError.typeError("cannot pickle '" + getClass().getSimpleName() + "' object");
    }

    /** {@return Python's {@code repr()} of the object} */
    String repr();
}
