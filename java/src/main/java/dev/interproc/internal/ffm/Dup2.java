package dev.interproc.internal.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code dup2} alone, for a JVM that must start fast: linking it costs a fraction of what {@link Libc},
 * which links a dozen functions with {@code errno} capture, costs a starting JVM.
 */
public final class Dup2 {

    private Dup2() {}

    /**
     * Makes descriptor {@code to} a copy of descriptor {@code from} ({@code dup2(from, to)}), retried a few times if
     * interrupted by a signal.
     *
     * @param from the descriptor copied
     * @param to the descriptor replaced
     * @throws IOException if {@code dup2} fails
     * @throws IllegalStateException if this JVM denies native access, naming the flag to add
     */
    public static void duplicate(int from, int to) throws IOException {
        MethodHandle dup2 = Holder.DUP2;
        if (dup2 == null) {
            throw new IllegalStateException(NativeLibrary.nativeAccessDenied());
        }
        int result;
        int attempts = 0;
        try {
            do {
                result = (int) dup2.invokeExact(from, to);
            } while (result < 0 && ++attempts < 100); // errno is not captured, which would link more: EINTR assumed
        } catch (Throwable e) {
            throw new AssertionError("dup2 cannot throw", e);
        }
        if (result < 0) {
            throw new IOException("cannot make descriptor " + to + " a copy of descriptor " + from + " (dup2 failed)");
        }
    }

    /** The downcall, linked at first use; null where this JVM denies native access. */
    private static final class Holder {
        static final MethodHandle DUP2 = link();

        private static MethodHandle link() {
            try {
                Linker linker = Linker.nativeLinker();
                return linker.downcallHandle(
                        linker.defaultLookup().find("dup2").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
            } catch (IllegalCallerException denied) {
                return null;
            }
        }
    }
}
