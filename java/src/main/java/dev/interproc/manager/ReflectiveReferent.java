package dev.interproc.manager;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An object of a type a user registered ({@link ManagerTypes#register}): its public methods are its exposed
 * methods, called by name with positional arguments, as Python's server calls a registered class's. Calls are
 * not serialized (Python's are not either, beyond the GIL): the object must be thread-safe.
 */
final class ReflectiveReferent implements Referent {

    /**
     * A registered Java type and what a client may call of it, found once, when it is registered: the public
     * instance methods, but {@code Object}'s, bridges, synthetic ones and names starting with an underscore, in a
     * fixed order (by name, then parameter types).
     *
     * @param type the registered class or interface
     * @param callable its methods a client may call
     */
    record JavaType(Class<?> type, List<Method> callable) {

        static JavaType of(Class<?> type) {
            return new JavaType(
                    type,
                    Arrays.stream(type.getMethods())
                            .filter(method -> !Modifier.isStatic(method.getModifiers()))
                            .filter(method -> !method.isBridge() && !method.isSynthetic())
                            .filter(method -> method.getDeclaringClass() != Object.class)
                            .filter(method -> !method.getName().startsWith("_"))
                            .sorted(Comparator.comparing(Method::getName)
                                    .thenComparing(method -> Arrays.toString(method.getParameterTypes())))
                            .toList());
        }

        /** {@return the names of the callable methods: the exposed list} */
        List<String> exposed() {
            return callable.stream().map(Method::getName).distinct().toList();
        }
    }

    private final Object target;
    private final JavaType type;

    ReflectiveReferent(Object target, JavaType type) {
        if (!type.type().isInstance(target)) {
            throw PythonError.typeError("the factory made a "
                    + (target == null ? "None" : target.getClass().getName()) + ", not the registered "
                    + type.type().getName());
        }
        this.target = target;
        this.type = type;
    }

    @Override
    public Object call(String method, Arguments arguments) {
        Object[] given = arguments.positional();
        if (!arguments.keywords().isEmpty()) {
            throw PythonError.typeError(method + "() of a Java object takes positional arguments only, not "
                    + arguments.keywords().keySet());
        }
        PythonError refusal = null;
        for (Method candidate : type.callable()) {
            if (!candidate.getName().equals(method) || candidate.getParameterCount() != given.length) {
                continue;
            }
            Object[] converted = new Object[given.length];
            try {
                for (int i = 0; i < given.length; i++) {
                    converted[i] = convert(given[i], candidate.getParameterTypes()[i], method, i);
                }
            } catch (PythonError notThisOne) {
                refusal = notThisOne; // an overload of the same arity may take these arguments
                continue;
            }
            return invoke(candidate, converted);
        }
        throw refusal != null
                ? refusal
                : PythonError.typeError(method + "() takes no " + given.length + " arguments in "
                        + type.type().getName());
    }

    private Object invoke(Method chosen, Object[] converted) {
        try {
            return chosen.invoke(target, converted);
        } catch (InvocationTargetException e) {
            throw pythonError(e.getCause());
        } catch (IllegalAccessException e) {
            throw PythonError.typeError("cannot call " + chosen + ": " + e.getMessage());
        }
    }

    /** An argument as the parameter's type: Python's ints and floats arrive as the narrowest Java number. */
    private static Object convert(Object value, Class<?> parameter, String method, int index) {
        Class<?> boxed = parameter.isPrimitive() ? box(parameter) : parameter;
        if (value == null) {
            if (parameter.isPrimitive()) {
                throw PythonError.typeError(method + "() argument " + (index + 1) + " must be a number, not None");
            }
            return null;
        }
        if (boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number number && Number.class.isAssignableFrom(boxed)) {
            try {
                if (boxed == Integer.class) {
                    return integer(number).intValueExact();
                }
                if (boxed == Long.class) {
                    return integer(number).longValueExact();
                }
            } catch (ArithmeticException tooBig) {
                throw PythonError.builtin("OverflowError", "int too large for " + parameter.getSimpleName());
            }
            if (boxed == Double.class) {
                return number.doubleValue();
            }
            if (boxed == BigInteger.class) {
                return integer(number);
            }
        }
        throw PythonError.typeError(method + "() argument " + (index + 1) + " must be " + parameter.getSimpleName()
                + ", not " + Arguments.typeName(value));
    }

    private static BigInteger integer(Number number) {
        if (number instanceof BigInteger big) {
            return big;
        }
        if (number instanceof Double || number instanceof Float) {
            throw PythonError.typeError("'float' object cannot be interpreted as an integer");
        }
        return BigInteger.valueOf(number.longValue());
    }

    private static Class<?> box(Class<?> primitive) {
        return switch (primitive.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "boolean" -> Boolean.class;
            default -> primitive;
        };
    }

    /** A Java exception as the Python exception of the same meaning; any other reaches the client as a traceback. */
    private static RuntimeException pythonError(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return switch (failure) {
            case PythonError python -> python;
            case IllegalArgumentException e -> PythonError.valueError(message);
            case IndexOutOfBoundsException e -> PythonError.builtin("IndexError", message);
            case NoSuchElementException e -> PythonError.builtin("KeyError", message);
            case UnsupportedOperationException e -> PythonError.builtin("NotImplementedError", message);
            case ArithmeticException e -> PythonError.builtin("ArithmeticError", message);
            case IllegalStateException e -> PythonError.runtimeError(message);
            case RuntimeException e -> e;
            case VirtualMachineError e -> throw e;
            default -> new IllegalStateException(failure); // reaches the client as a traceback, as Python's would
        };
    }

    @Override
    public String repr() {
        return String.valueOf(target);
    }
}
