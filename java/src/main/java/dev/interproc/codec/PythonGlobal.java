package dev.interproc.codec;

/**
 * A Python class or function referred to by name, not called: what pickle writes as a global (STACK_GLOBAL), such
 * as the proxy class {@code multiprocessing.managers.DictProxy} that {@code RebuildProxy(DictProxy, ...)} takes as
 * its first argument. {@link PickleCodec} writes one as the global; it reads one only if registered with
 * {@link PickleCodec.Builder#registerGlobal} (any other global is refused), and refuses a call of it.
 *
 * @param module the Python module, such as {@code multiprocessing.managers}
 * @param name the qualified name in the module, such as {@code DictProxy}
 */
public record PythonGlobal(String module, String name) {

    /**
     * Checks the name.
     *
     * @throws IllegalArgumentException if the module or name is blank
     */
    public PythonGlobal {
        if (module == null || module.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Python global needs a module and a name, not " + module + "." + name);
        }
    }

    @Override
    public String toString() {
        return module + "." + name;
    }
}
