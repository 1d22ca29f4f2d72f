package dev.interproc.codec;

import java.util.Objects;
import java.util.function.Function;

/**
 * How instances of one Python class travel as one Java type through {@link PickleCodec}: register it with
 * {@link PickleCodec.Builder#register}. Without a mapping, a pickle holding an instance of a class the codec
 * does not know is refused.
 *
 * <p>The Python class must pickle as a call of itself with arguments and no further state, which its
 * {@code __reduce__} says: {@code def __reduce__(self): return (Point, (self.x, self.y))}. Decoding calls
 * {@link #fromArguments} with the decoded arguments; encoding writes the call with the arguments
 * {@link #toArguments} gives, encoded as any other value (so they may hold other mapped types). A class whose
 * state is a tuple set by {@code __setstate__} (a {@code __getstate__} returning a tuple, as
 * {@code multiprocessing.managers.Token}) is mapped with {@code byState} true: Python 3 pickles it as
 * {@code cls.__new__(cls)} (NEWOBJ of no arguments) and then {@code __setstate__(state)} (BUILD), and the state
 * tuple's items are the arguments both ways.
 *
 * <p>A registered mapping takes precedence over the standard one and over the built-in forms: a registered Java
 * type that is also a {@link java.util.Map}, {@link java.util.List} or {@link java.util.Set} is written as its
 * Python class, not as a dict, list or set.
 *
 * @param module the Python module, such as {@code geometry}
 * @param name the class's qualified name in the module, such as {@code Point}
 * @param javaType the Java type; encoding picks the mapping of the value's class, else the first registered
 *     type the value is an instance of
 * @param fromArguments the Java value for the arguments of a call, as decoded
 * @param toArguments the arguments of the call that makes the Python value
 * @param byState whether the Python class pickles as {@code cls.__new__(cls)} and {@code __setstate__(tuple)}
 *     instead of a call: the arguments are then the state tuple's items
 * @param <T> the Java type
 */
public record PythonClass<T>(
        String module,
        String name,
        Class<T> javaType,
        Function<Object[], ? extends T> fromArguments,
        Function<? super T, Object[]> toArguments,
        boolean byState) {

    /**
     * Checks the mapping.
     *
     * @throws IllegalArgumentException if the module or name is blank
     */
    public PythonClass {
        Objects.requireNonNull(javaType, "javaType");
        Objects.requireNonNull(fromArguments, "fromArguments");
        Objects.requireNonNull(toArguments, "toArguments");
        if (module == null || module.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Python class needs a module and a name, not " + module + "." + name);
        }
    }

    /**
     * A mapping of a class that pickles as a call of itself ({@code byState} false).
     *
     * @param module the Python module
     * @param name the class's qualified name in the module
     * @param javaType the Java type
     * @param fromArguments the Java value for the arguments of a call, as decoded
     * @param toArguments the arguments of the call that makes the Python value
     * @throws IllegalArgumentException if the module or name is blank
     */
    public PythonClass(
            String module,
            String name,
            Class<T> javaType,
            Function<Object[], ? extends T> fromArguments,
            Function<? super T, Object[]> toArguments) {
        this(module, name, javaType, fromArguments, toArguments, false);
    }

    /** {@return the arguments for {@code value}, which must be of {@link #javaType}} */
    Object[] arguments(Object value) {
        return toArguments.apply(javaType.cast(value));
    }
}
