package dev.interproc.manager;

import net.razorvine.pickle.PythonException;

/** The exception of an {@code #ERROR} reply, as Java sees it. */
final class RemoteErrors {

    private RemoteErrors() {}

    /** {@return a {@link ManagerException} naming the Python type of the remote exception} */
    static ManagerException toJava(Object remote) {
        return switch (remote) {
            case PythonSignal signal -> new ManagerException(signal.type(), signal.type(), null);
            case PythonException python -> new ManagerException(python.pythonExceptionType, python.getMessage(), null);
            default -> new ManagerException("RemoteError", "the server raised " + PythonRepr.of(remote), null);
        };
    }
}
