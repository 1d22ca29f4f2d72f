package dev.interproc.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The C library calls shared by the descriptor-based ends ({@code AbstractSocketEnd}, {@code PipeEnd}), through
 * the Foreign Function and Memory API, with {@code errno} captured per call into a caller's state segment.
 */
public final class Libc {

    /** The deadline of a call that waits for ever ({@link System#nanoTime()} scale). */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option[] NO_OPTIONS = {};
    private static final MethodHandle DENIED;

    static {
        try {
            DENIED = MethodHandles.lookup().findStatic(Libc.class, "denied", MethodType.methodType(Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The layout of the segment a call's {@code errno} is captured into: allocate one per calling thread, in an arena
     * that thread may use (a call handed to a delegate thread allocates its own there).
     */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    public static final MethodHandle READ =
            bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    public static final MethodHandle WRITE =
            bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL =
            bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), NO_OPTIONS);

    private Libc() {}

    /** A downcall to the C library function {@code name} that captures {@code errno}. */
    public static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        return bind(name, descriptor, Linker.Option.captureCallState("errno"));
    }

    /** A downcall to a variadic function, such as {@code open}, whose fixed arguments are the first {@code fixed}. */
    public static MethodHandle bindVariadic(String name, FunctionDescriptor descriptor, int fixed) {
        return bind(name, descriptor, Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(fixed));
    }

    /**
     * The downcall, or, where this JVM denies native access, a handle of the same type that throws the
     * {@link IllegalStateException} naming the flag to add at every call: classes that bind C functions in their
     * static initialisers then fail clearly at each use, never with ExceptionInInitializerError.
     */
    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol =
                LIBC.find(name).orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        try {
            return LINKER.downcallHandle(symbol, descriptor, options);
        } catch (IllegalCallerException denied) {
            MethodType type = descriptor.toMethodType();
            if (options.length > 0) { // every option used here captures errno: a leading state segment
                type = type.insertParameterTypes(0, MemorySegment.class);
            }
            return MethodHandles.dropArguments(
                    DENIED.asType(MethodType.methodType(type.returnType())), 0, type.parameterList());
        }
    }

    private static Object denied() {
        throw new IllegalStateException(NativeLibrary.nativeAccessDenied());
    }

    /** The set-up calls, which return an int; not on the hot path, so the generic invocation is fine. */
    public static int intCall(MethodHandle function, MemorySegment state, Object... arguments) {
        Object[] all = new Object[arguments.length + 1];
        all[0] = state;
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        try {
            return (int) function.invokeWithArguments(all);
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** {@code read} or {@code write} of the whole segment on {@code fd}. */
    public static long transfer(MethodHandle function, MemorySegment state, int fd, MemorySegment buffer) {
        try {
            return (long) function.invokeExact(state, fd, buffer, buffer.byteSize());
        } catch (Throwable e) {
            throw unexpected(e);
        }
    }

    /** Closes {@code fd}, ignoring errors: after {@code close} the descriptor is released whatever it returns. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            intCall(CLOSE, arena.allocate(CALL_STATE), fd);
        }
    }

    /**
     * One {@code poll} for {@code events[i]} on {@code fds[i]} until one is ready or {@code deadline}
     * ({@link System#nanoTime()} scale, {@link #NO_DEADLINE} for none) passes, retried on EINTR, on the calling
     * thread. Blocks the carrier of a virtual thread: such callers use {@code internal.wait.DescriptorWait}.
     *
     * @return the returned events of each descriptor, all 0 on timeout
     * @throws IOException if poll fails other than by EINTR
     */
    public static short[] poll(int[] fds, short[] events, long deadline) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pollfds = arena.allocate(POLLFD, fds.length);
            for (int i = 0; i < fds.length; i++) {
                pollfds.set(JAVA_INT, i * POLLFD.byteSize(), fds[i]);
                pollfds.set(JAVA_SHORT, i * POLLFD.byteSize() + 4, events[i]);
            }
            while (true) {
                int timeout;
                if (deadline == NO_DEADLINE) {
                    timeout = -1;
                } else {
                    long remaining = deadline - System.nanoTime();
                    timeout = remaining <= 0
                            ? 0
                            : (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
                }
                int ready;
                try {
                    ready = (int) POLL.invokeExact(state, pollfds, (long) fds.length, timeout);
                } catch (Throwable e) {
                    throw unexpected(e);
                }
                if (ready >= 0) {
                    short[] returned = new short[fds.length];
                    for (int i = 0; i < fds.length; i++) {
                        returned[i] = pollfds.get(JAVA_SHORT, i * POLLFD.byteSize() + 6);
                    }
                    return returned;
                }
                if (errno(state) != EINTR) {
                    throw new IOException("poll failed: " + strerror(errno(state)));
                }
            }
        }
    }

    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's text for {@code errno}, such as "Broken pipe". */
    public static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno))
                    .reinterpret(256)
                    .getString(0);
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }

    public static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
