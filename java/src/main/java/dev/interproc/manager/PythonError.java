package dev.interproc.manager;

import dev.interproc.codec.PythonCall;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A Python exception raised by a managed object or the server, sent to the client as the exception itself
 * ({@code #ERROR}), so that Python's proxy raises it as it is: a {@code KeyError} arrives as a {@code KeyError}.
 */
final class PythonError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String module;
    private final String type;
    private final transient Object[] arguments;

    PythonError(String module, String type, Object... arguments) {
        super(null, null, false, true);
        this.module = module;
        this.type = type;
        this.arguments = arguments.clone();
    }

    static PythonError builtin(String type, Object... arguments) {
        return new PythonError("builtins", type, arguments);
    }

    static PythonError keyError(Object key) {
        return builtin("KeyError", key);
    }

    static PythonError indexError(String message) {
        return builtin("IndexError", message);
    }

    static PythonError valueError(String message) {
        return builtin("ValueError", message);
    }

    static PythonError typeError(String message) {
        return builtin("TypeError", message);
    }

    static PythonError runtimeError(String message) {
        return builtin("RuntimeError", message);
    }

    static PythonError attributeError(String message) {
        return builtin("AttributeError", message);
    }

    /** {@return Python's error for a recursion too deep, what a {@link StackOverflowError} is to the client} */
    static PythonError recursionError() {
        return builtin("RecursionError", "maximum recursion depth exceeded");
    }

    /** {@return the exception as the call that makes it in Python, for the pickle of the reply} */
    PythonCall toPython() {
        return new PythonCall(module, type, arguments);
    }

    /** {@return Python's last traceback line: the type, and {@code str()} of the exception} */
    @Override
    public String getMessage() {
        return type + (arguments.length == 0 ? "" : ": " + text());
    }

    /** Python's {@code str(exception)}: a KeyError shows its key's repr, others their one argument's str. */
    private String text() {
        if (arguments.length > 1) {
            return PythonRepr.of(arguments);
        }
        Object only = arguments[0];
        return type.equals("KeyError") || !(only instanceof String) ? PythonRepr.of(only) : (String) only;
    }

    /**
     * Python's {@code format_exc()} for an exception that is not sent as itself ({@code #TRACEBACK}): the client
     * raises {@code RemoteError} with this text, which ends with the Python type and message and shows the Java
     * frames where Python would show its own.
     */
    static String traceback(Throwable failure) {
        if (failure instanceof StackOverflowError) { // its thousand frames say nothing more
            return traceback(recursionError());
        }
        StringWriter frames = new StringWriter();
        failure.printStackTrace(new PrintWriter(frames));
        String last = failure instanceof PythonError python ? python.getMessage() : "RuntimeError: " + failure;
        return "Traceback (most recent call last):\n  Java manager server:\n    "
                + frames.toString().strip().replace("\n", "\n    ") + "\n" + last + "\n";
    }
}
