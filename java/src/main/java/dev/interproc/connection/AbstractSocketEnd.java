package dev.interproc.connection;

import static dev.interproc.internal.ffm.Libc.CALL_STATE;
import static dev.interproc.internal.ffm.Libc.EINTR;
import static dev.interproc.internal.ffm.Libc.bind;
import static dev.interproc.internal.ffm.Libc.errno;
import static dev.interproc.internal.ffm.Libc.intCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.interproc.internal.ffm.Libc;
import dev.interproc.internal.wait.DescriptorWait;
import dev.interproc.internal.wait.OffCarrier;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.NoSuchFileException;

/**
 * A stream socket in Linux's abstract Unix-domain namespace, driven through the C library with the Foreign
 * Function and Memory API, because the JDK's {@link java.net.UnixDomainSocketAddress} cannot name such a socket.
 * On a platform thread, reads and writes are blocking {@code recv}/{@code send} calls on the descriptor and
 * timeouts use {@code poll}. A virtual thread never blocks in native code on its carrier: it calls {@code recv} and
 * {@code send} with {@code MSG_DONTWAIT} and, when they would block, waits in {@code poll} on a platform delegate
 * while it parks; {@code accept} and {@code connect} run on a delegate whole ({@link OffCarrier}). Either way an
 * interrupt does not end a blocked call: it returns as it would have, with the interrupt status set.
 *
 * <p>Closing shuts the socket down first, which wakes a thread blocked on it (or its delegate), and releases the
 * descriptor only when no call is using it any more, so that a concurrent call never touches a reused descriptor
 * number.
 */
final class AbstractSocketEnd extends DescriptorEnd {

    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SHUT_RDWR = 2;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int ENOENT = 2;
    private static final int EADDRINUSE = 98;
    private static final int ECONNREFUSED = 111;
    /** {@code sizeof(struct sockaddr_un)}: the 2-byte family and 108 path bytes. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final int SUN_PATH_OFFSET = 2;
    /** The path bytes after the leading NUL that marks the abstract namespace. */
    private static final int MAX_NAME = 107;

    private static final MethodHandle SOCKET =
            bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = bind("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 =
            bind("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT =
            bind("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV =
            bind("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND =
            bind("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private final int fd;

    private AbstractSocketEnd(int fd) {
        this.fd = fd;
    }

    @Override
    void releaseDescriptors() {
        Libc.close(fd);
    }

    // ------------------------------------------------------------------------------------- socket set-up

    /** A listening socket bound to the abstract {@code name}; accept with {@link #accept()}. */
    static AbstractSocketEnd listen(byte[] name, int backlog) throws IOException {
        AbstractSocketEnd server = new AbstractSocketEnd(newSocket());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if (intCall(BIND, state, server.fd, sockaddr(arena, name), addressLength(name)) < 0) {
                throw error("cannot bind " + new Address.Abstract(name), errno(state));
            }
            if (intCall(LISTEN, state, server.fd, backlog) < 0) {
                throw error("cannot listen on " + new Address.Abstract(name), errno(state));
            }
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * A socket connected to the abstract {@code name}. Connecting blocks while the listener's backlog is full, so a
     * virtual thread connects on a delegate.
     */
    static AbstractSocketEnd connect(byte[] name) throws IOException {
        AbstractSocketEnd client = new AbstractSocketEnd(newSocket());
        try {
            OffCarrier.call(() -> client.connectOnThisThread(name));
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private Void connectOnThisThread(byte[] name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = sockaddr(arena, name);
            while (intCall(CONNECT, state, fd, address, addressLength(name)) < 0) {
                if (errno(state) != EINTR) {
                    throw error("cannot connect to " + new Address.Abstract(name), errno(state));
                }
            }
            return null;
        }
    }

    /**
     * Waits for a client of this listening socket (a virtual thread on a delegate); closing it from another thread
     * ends the wait.
     */
    AbstractSocketEnd accept() throws IOException {
        lease.begin();
        try {
            return OffCarrier.call(this::acceptOnThisThread);
        } finally {
            lease.end();
        }
    }

    private AbstractSocketEnd acceptOnThisThread() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int accepted = intCall(ACCEPT4, state, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
                if (accepted >= 0) {
                    return new AbstractSocketEnd(accepted);
                }
                lease.checkOpen();
                if (errno(state) != EINTR) {
                    throw error("accept failed", errno(state));
                }
            }
        }
    }

    private static int newSocket() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = intCall(SOCKET, state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw error("cannot create a Unix-domain socket", errno(state));
            }
            return fd;
        }
    }

    /** {@code struct sockaddr_un} with a NUL first path byte, then the name. */
    private static MemorySegment sockaddr(Arena arena, byte[] name) {
        if (name.length > MAX_NAME) {
            throw new IllegalArgumentException(
                    "abstract socket name of " + name.length + " bytes is longer than " + MAX_NAME);
        }
        MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
        address.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(name, 0, address, JAVA_BYTE, SUN_PATH_OFFSET + 1, name.length);
        return address;
    }

    /** The family, the NUL and the name: an abstract name's length is part of it. */
    private static int addressLength(byte[] name) {
        return SUN_PATH_OFFSET + 1 + name.length;
    }

    // ------------------------------------------------------------------------------------------- transfer

    @Override
    long readOnce(MemorySegment target, long deadline) throws IOException {
        // A virtual thread takes what has arrived and waits in poll (on a delegate) when nothing has; a platform
        // thread's recv blocks, so it keeps a deadline by polling first.
        boolean waitInPoll = OffCarrier.wouldPin();
        if (!waitInPoll && deadline != Endpoint.NO_DEADLINE && !awaitReadable(deadline)) {
            throw Endpoint.timedOut();
        }
        long received = transfer(RECV, readState, target, waitInPoll ? MSG_DONTWAIT : 0);
        if (received <= 0) {
            lease.checkOpen();
        }
        return received;
    }

    @Override
    long readOnceNow(MemorySegment target) throws IOException {
        long received = transfer(RECV, readState, target, MSG_DONTWAIT);
        if (received <= 0) {
            lease.checkOpen();
        }
        return received;
    }

    @Override
    long writeOnce(MemorySegment source) throws IOException {
        // A virtual thread sends what fits and waits in poll (on a delegate) for room when nothing does.
        long sent = transfer(SEND, writeState, source, MSG_NOSIGNAL | (OffCarrier.wouldPin() ? MSG_DONTWAIT : 0));
        if (sent < 0) {
            lease.checkOpen();
        }
        return sent;
    }

    @Override
    void awaitWritable() throws IOException {
        DescriptorWait.poll(new int[] {fd}, new short[] {Libc.POLLOUT}, Endpoint.NO_DEADLINE);
    }

    @Override
    IOException readFailure(int errno) {
        return error("receive failed", errno);
    }

    @Override
    IOException writeFailure(int errno) {
        return error("send failed", errno);
    }

    @Override
    int[] inputDescriptors() {
        return new int[] {fd};
    }

    // ------------------------------------------------------------------------------------------ lifetime

    /** Shuts the socket down (waking blocked calls) and closes the descriptor once no call uses it. Idempotent. */
    @Override
    public void close() {
        lease.close(() -> {
            try (Arena arena = Arena.ofConfined()) {
                intCall(SHUTDOWN, arena.allocate(CALL_STATE), fd, SHUT_RDWR);
            }
        });
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** {@code recv} or {@code send} of the whole segment on this socket. */
    private long transfer(MethodHandle function, MemorySegment state, MemorySegment buffer, int flags) {
        try {
            return (long) function.invokeExact(state, fd, buffer, buffer.byteSize(), flags);
        } catch (Throwable e) {
            throw Libc.unexpected(e);
        }
    }

    private static IOException error(String what, int errno) {
        String message = what + ": " + Libc.strerror(errno);
        return switch (errno) {
            case ECONNREFUSED -> new ConnectException(message);
            case EADDRINUSE -> new BindException(message);
            case ENOENT -> new NoSuchFileException(message);
            default -> new SocketException(message);
        };
    }
}
