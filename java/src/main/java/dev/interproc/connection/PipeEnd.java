package dev.interproc.connection;

import static dev.interproc.internal.ffm.Libc.CALL_STATE;
import static dev.interproc.internal.ffm.Libc.EINTR;
import static dev.interproc.internal.ffm.Libc.errno;
import static dev.interproc.internal.ffm.Libc.intCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Libc;
import dev.interproc.internal.wait.DescriptorWait;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Two OS pipes, one read and one written, driven through the C library: the standard output and input of a child
 * process seen from its parent, or a process's own standard input and output. The JDK cannot make a selectable
 * channel of a pipe it did not create, nor hand its own pipes to a child, so the descriptors are this class's own.
 *
 * <p>Both descriptors are non-blocking open file descriptions private to this end (made by {@code pipe2}, or by
 * reopening {@code /proc/self/fd/N}, which gives a new description of the same pipe), so switching them to
 * non-blocking mode affects no other process. A read or write that would block waits in {@code poll} on the pipe
 * and on an {@code eventfd} that {@link #close()} signals: that is what ends a blocked call on close, which closing
 * a pipe descriptor alone does not do. The descriptors are released only when no call uses them any more, so a
 * late call never touches a reused descriptor number. {@code poll} is the only call that blocks; a virtual thread
 * makes it on a platform delegate while it parks ({@link DescriptorWait#poll}), so waiting never pins its carrier, and, as on
 * a platform thread, an interrupt does not end the wait (the interrupt status stays set).
 */
final class PipeEnd extends DescriptorEnd {

    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private static final MethodHandle PIPE2 = Libc.bind("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EVENTFD =
            Libc.bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN =
            Libc.bindVariadic("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle DUP2 = Libc.bind("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private final int readFd;
    private final int writeFd;
    /** An eventfd that becomes readable, for good, when the end is closed. */
    private final int closeSignal;

    /** Takes ownership of both non-blocking descriptors, closing them if the close signal cannot be made. */
    private PipeEnd(int readFd, int writeFd) throws IOException {
        this.readFd = readFd;
        this.writeFd = writeFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int signal = intCall(EVENTFD, state, 0, O_CLOEXEC | O_NONBLOCK);
            if (signal < 0) {
                Libc.close(readFd);
                Libc.close(writeFd);
                throw new IOException("cannot create an eventfd: " + Libc.strerror(errno(state)));
            }
            this.closeSignal = signal;
        }
    }

    @Override
    void releaseDescriptors() {
        Libc.close(readFd);
        Libc.close(writeFd);
        Libc.close(closeSignal);
    }

    // -------------------------------------------------------------------------------------------- set-up

    /**
     * This process's standard input and output as an end, taken over so that nothing else can use them: both are
     * reopened as private non-blocking descriptions, then standard input is replaced by {@code /dev/null} and
     * standard output by standard error (so {@code System.out}, and native code writing to descriptor 1, write to
     * standard error from then on). Only once per process.
     *
     * @throws IOException if standard input or output is not a pipe
     * @throws IllegalStateException if they were taken before
     */
    static PipeEnd ofStandardStreams() throws IOException {
        StandardStreams.Descriptors descriptors = StandardStreams.take();
        int in = open("/proc/self/fd/" + descriptors.input(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        int out;
        try {
            out = open("/proc/self/fd/" + descriptors.output(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        } catch (IOException e) {
            Libc.close(in);
            throw e;
        }
        PipeEnd end = new PipeEnd(in, out);
        if (!descriptors.redirectionNeeded()) {
            // The launcher left descriptors 0 and 1 as /dev/null and standard error; the moved ones are reopened.
            Libc.close(descriptors.input());
            Libc.close(descriptors.output());
            return end;
        }
        try {
            // System.out is not flushed: whatever it still buffers then goes to standard error, not into the stream.
            int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
            try {
                dup2(devNull, STDIN);
                dup2(STDERR, STDOUT);
            } finally {
                Libc.close(devNull);
            }
        } catch (IOException e) {
            end.close();
            throw e;
        }
        return end;
    }

    /**
     * The two pipes of a child's standard input and output, made before the child starts. The child's ends are
     * named as {@code /proc/self/fd/N} files for {@link ProcessBuilder.Redirect}, which opens them in this process
     * and hands them to the child. Not thread-safe.
     */
    static final class ChildStreams implements AutoCloseable {

        private final int childInput;
        private final int parentWrite;
        private final int parentRead;
        private final int childOutput;
        private boolean handedOver;

        private ChildStreams(int[] toChild, int[] fromChild) {
            this.childInput = toChild[0];
            this.parentWrite = toChild[1];
            this.parentRead = fromChild[0];
            this.childOutput = fromChild[1];
        }

        static ChildStreams open() throws IOException {
            int[] toChild = pipe();
            int[] fromChild;
            try {
                fromChild = pipe();
            } catch (IOException e) {
                Libc.close(toChild[0]);
                Libc.close(toChild[1]);
                throw e;
            }
            return new ChildStreams(toChild, fromChild);
        }

        /** The file to redirect the child's standard input from. */
        File childInput() {
            return new File("/proc/self/fd/" + childInput);
        }

        /** The file to redirect the child's standard output to. */
        File childOutput() {
            return new File("/proc/self/fd/" + childOutput);
        }

        /**
         * Once the child has started: this process's end. Together with {@link #close()} it closes this process's
         * copies of the child's ends, so that end of file arrives when the child's copies close.
         */
        PipeEnd parentEnd() throws IOException {
            handedOver = true;
            return new PipeEnd(parentRead, parentWrite);
        }

        /** Closes the child's ends here, and this process's ends too unless {@link #parentEnd()} took them. */
        @Override
        public void close() {
            Libc.close(childInput);
            Libc.close(childOutput);
            if (!handedOver) {
                Libc.close(parentRead);
                Libc.close(parentWrite);
            }
        }
    }

    /** A pipe, read end first; both ends non-blocking and closed on exec (a child gets reopened copies). */
    private static int[] pipe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if (intCall(PIPE2, state, fds, O_NONBLOCK | O_CLOEXEC) < 0) {
                throw new IOException("cannot create a pipe: " + Libc.strerror(errno(state)));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    private static int open(String path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (true) {
                int fd = intCall(OPEN, state, arena.allocateFrom(path), flags, 0);
                if (fd >= 0) {
                    return fd;
                }
                if (errno(state) != EINTR) {
                    throw new IOException("cannot open " + path + ": " + Libc.strerror(errno(state)));
                }
            }
        }
    }

    private static void dup2(int from, int to) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            while (intCall(DUP2, state, from, to) < 0) {
                if (errno(state) != EINTR) {
                    throw new IOException("cannot replace descriptor " + to + ": " + Libc.strerror(errno(state)));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- transfer

    @Override
    long readOnce(MemorySegment target, long deadline) {
        return Libc.transfer(Libc.READ, readState, readFd, target);
    }

    /** The descriptor is non-blocking: this is {@link #readOnce}. */
    @Override
    long readOnceNow(MemorySegment target) {
        return readOnce(target, NO_DEADLINE);
    }

    @Override
    long writeOnce(MemorySegment source) {
        return Libc.transfer(Libc.WRITE, writeState, writeFd, source);
    }

    /** @throws IOException "handle is closed" when the end is closed meanwhile */
    @Override
    void awaitWritable() throws IOException {
        short[] returned = DescriptorWait.poll(
                new int[] {writeFd, closeSignal}, new short[] {Libc.POLLOUT, Libc.POLLIN}, NO_DEADLINE);
        if (returned[1] != 0) {
            throw new IOException("handle is closed");
        }
    }

    @Override
    IOException readFailure(int errno) {
        return new IOException("read from pipe failed: " + Libc.strerror(errno));
    }

    @Override
    IOException writeFailure(int errno) {
        // EPIPE when the reader has gone: the JVM ignores SIGPIPE, so write reports it instead.
        return new IOException("write to pipe failed: " + Libc.strerror(errno));
    }

    @Override
    int[] inputDescriptors() {
        return new int[] {readFd, closeSignal};
    }

    // ------------------------------------------------------------------------------------------ lifetime

    /** Signals the close to waiting calls and closes the descriptors once no call uses them. Idempotent. */
    @Override
    public void close() {
        lease.close(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment one = arena.allocate(JAVA_LONG);
                one.set(JAVA_LONG, 0, 1L);
                // An eventfd write of 1 cannot block or fail short of overflow; the count is never read back.
                Libc.transfer(Libc.WRITE, arena.allocate(CALL_STATE), closeSignal, one);
            }
        });
    }
}
