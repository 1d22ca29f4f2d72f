package dev.interproc.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Python value written by {@link PickleCodec} as a call: {@code module.name(*arguments)} (STACK_GLOBAL, the
 * arguments as a tuple, REDUCE), for values that have no Java type of their own, such as an exception of a
 * Python class ({@code new PythonCall("builtins", "KeyError", "k")}) or an instance of a class whose constructor
 * takes its state ({@code multiprocessing.managers.Token}). Encoding only: a call in a received pickle decodes
 * through the mappings ({@link PythonClass}), or is refused.
 *
 * @param module the Python module, such as {@code builtins}
 * @param name the callable's qualified name in the module, such as {@code KeyError}
 * @param arguments the positional arguments, encoded as any other value
 */
public record PythonCall(String module, String name, Object... arguments) {

    /**
     * Checks the call.
     *
     * @throws IllegalArgumentException if the module or name is blank
     */
    public PythonCall {
        Objects.requireNonNull(arguments, "arguments");
        if (module == null || module.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Python call needs a module and a name, not " + module + "." + name);
        }
        arguments = arguments.clone();
    }

    /** {@return a copy of the arguments} */
    @Override
    public Object[] arguments() {
        return arguments.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PythonCall call
                && module.equals(call.module)
                && name.equals(call.name)
                && Arrays.deepEquals(arguments, call.arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(module, name, Arrays.deepHashCode(arguments));
    }

    @Override
    public String toString() {
        return module + "." + name + Arrays.deepToString(arguments);
    }
}
