package dev.interproc.connection;

import static dev.interproc.internal.ffm.Libc.EAGAIN;
import static dev.interproc.internal.ffm.Libc.EINTR;
import static dev.interproc.internal.ffm.Libc.errno;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * The loops around a C-library read or write of a descriptor, shared by the ends that make those calls
 * themselves ({@link AbstractSocketEnd}: {@code recv}/{@code send}, {@link PipeEnd}: {@code read}/{@code write}):
 * a transfer of some bytes moves the buffer on, a failure with {@code EINTR} is retried, one with {@code EAGAIN}
 * (a non-blocking descriptor with nothing to read or no room to write) waits for readiness, any other is an error.
 */
final class DescriptorTransfer {

    /** One C-library call on the whole of {@code buffer}: the bytes moved, or -1 with errno in the call state. */
    @FunctionalInterface
    interface Call {
        long transfer(MemorySegment buffer) throws IOException;
    }

    /** Waits until the descriptor is ready or {@code deadline} passes; returns whether it is ready. */
    @FunctionalInterface
    interface Readiness {
        boolean await(long deadline) throws IOException;
    }

    /** The exception for a failure other than {@code EAGAIN} and {@code EINTR}. */
    @FunctionalInterface
    interface Failure {
        IOException of(int errno);
    }

    private DescriptorTransfer() {}

    /**
     * Reads at least one byte into the direct buffer {@code dst}, as {@link Endpoint#read}.
     *
     * @param state where {@code read} leaves errno
     * @return the bytes read, or -1 at end of file
     * @throws SocketTimeoutException if nothing arrived before {@code deadline}
     */
    static int readSome(
            ByteBuffer dst, long deadline, MemorySegment state, Call read, Readiness readable, Failure failure)
            throws IOException {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("reads go to the connection's direct buffer");
        }
        MemorySegment target = MemorySegment.ofBuffer(dst);
        while (true) {
            long count = read.transfer(target);
            if (count > 0) {
                dst.position(dst.position() + (int) count);
                return (int) count;
            }
            if (count == 0) {
                return -1;
            }
            int errno = errno(state);
            if (errno == EAGAIN) {
                if (!readable.await(deadline)) {
                    throw timedOut();
                }
            } else if (errno != EINTR) {
                throw failure.of(errno);
            }
        }
    }

    /**
     * Writes all of the direct buffer {@code src}, waiting without a deadline while there is no room.
     *
     * @param state where {@code write} leaves errno
     */
    static void writeAll(ByteBuffer src, MemorySegment state, Call write, Readiness writable, Failure failure)
            throws IOException {
        while (src.hasRemaining()) {
            long count = write.transfer(MemorySegment.ofBuffer(src));
            if (count >= 0) {
                src.position(src.position() + (int) count);
                continue;
            }
            int errno = errno(state);
            if (errno == EAGAIN) {
                writable.await(Endpoint.NO_DEADLINE);
            } else if (errno != EINTR) {
                throw failure.of(errno);
            }
        }
    }

    /** What every end throws when nothing arrived before a read's deadline. */
    static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("timed out waiting for data from the peer");
    }
}
