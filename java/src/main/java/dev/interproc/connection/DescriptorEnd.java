package dev.interproc.connection;

import static dev.interproc.internal.ffm.Libc.CALL_STATE;
import static dev.interproc.internal.ffm.Libc.EAGAIN;
import static dev.interproc.internal.ffm.Libc.EINTR;
import static dev.interproc.internal.ffm.Libc.errno;

import dev.interproc.internal.ffm.Libc;
import dev.interproc.internal.wait.DescriptorWait;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * An end whose descriptors this library drives itself through the C library: {@link AbstractSocketEnd}
 * ({@code recv}/{@code send}) and {@link PipeEnd} ({@code read}/{@code write}). It holds what they share: the
 * {@link DescriptorLease} every call runs under, the per-direction call state, and the loops around one call: a
 * transfer of some bytes moves the buffer on, a failure with {@code EINTR} is retried, one with {@code EAGAIN} (a
 * non-blocking descriptor with nothing to read or no room to write) waits for readiness, any other is the
 * subclass's exception.
 */
abstract sealed class DescriptorEnd implements Endpoint permits AbstractSocketEnd, PipeEnd {

    /** errno of the reading thread's own calls; the writing thread may call at the same time. */
    final MemorySegment readState = Arena.ofAuto().allocate(CALL_STATE);

    /** errno of the writing thread's own calls. */
    final MemorySegment writeState = Arena.ofAuto().allocate(CALL_STATE);

    /** Keeps the descriptors until the end is closed and no call uses them any more. */
    final DescriptorLease lease = new DescriptorLease(this::releaseDescriptors);

    private final DirectCopy copy = new DirectCopy();

    /** Closes the descriptors; the lease calls it once, after the end is closed and no call uses them. */
    abstract void releaseDescriptors();

    /**
     * One read into the whole of {@code target}: the bytes read, 0 at end of file, or -1 with errno in
     * {@link #readState}.
     *
     * @throws SocketTimeoutException if the call keeps {@code deadline} itself and it passed
     */
    abstract long readOnce(MemorySegment target, long deadline) throws IOException;

    /**
     * One read into the whole of {@code target} that never blocks: the bytes read, 0 at end of file, or -1 with
     * errno in {@link #readState} ({@code EAGAIN} when nothing has arrived).
     */
    abstract long readOnceNow(MemorySegment target) throws IOException;

    /** One write of the whole of {@code source}: the bytes written, or -1 with errno in {@link #writeState}. */
    abstract long writeOnce(MemorySegment source) throws IOException;

    /** Waits, without a deadline, until a write would not block. */
    abstract void awaitWritable() throws IOException;

    /**
     * The descriptors to poll for input: the one read and, for an end whose close cannot wake a blocked call
     * by itself, second, one that becomes readable when the end is closed.
     */
    abstract int[] inputDescriptors();

    /** The exception for a read that failed with {@code errno} (not {@code EAGAIN} or {@code EINTR}). */
    abstract IOException readFailure(int errno);

    /** The exception for a write that failed with {@code errno} (not {@code EAGAIN} or {@code EINTR}). */
    abstract IOException writeFailure(int errno);

    @Override
    public final int read(ByteBuffer dst, long deadline) throws IOException {
        lease.begin();
        try {
            MemorySegment target = target(dst);
            while (true) {
                int read = outcome(dst, readOnce(target, deadline));
                if (read != 0) {
                    return read;
                }
                if (errno(readState) == EAGAIN && !awaitReadable(deadline)) {
                    throw Endpoint.timedOut();
                }
            }
        } finally {
            lease.end();
        }
    }

    @Override
    public final int readNow(ByteBuffer dst) throws IOException {
        lease.begin();
        try {
            return outcome(dst, readOnceNow(target(dst)));
        } finally {
            lease.end();
        }
    }

    /**
     * What one read of {@code count} bytes into {@code dst} comes to: the bytes read (moving its position on), -1 at
     * end of file, or 0 for a read to retry, which failed with {@code EAGAIN} or {@code EINTR} (in {@link #readState}).
     *
     * @throws IOException the subclass's exception for any other failure
     */
    private int outcome(ByteBuffer dst, long count) throws IOException {
        if (count > 0) {
            dst.position(dst.position() + (int) count);
            return (int) count;
        }
        if (count == 0) {
            return -1;
        }
        int errno = errno(readState);
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        throw readFailure(errno);
    }

    /** The remaining bytes of {@code dst}, which must be direct, as a segment to read into. */
    private static MemorySegment target(ByteBuffer dst) {
        if (!dst.isDirect()) {
            throw new IllegalArgumentException("reads go to the connection's direct buffer");
        }
        return MemorySegment.ofBuffer(dst);
    }

    @Override
    public final void writeFully(ByteBuffer src) throws IOException {
        lease.begin();
        try {
            copy.writeFully(src, this::writeAll);
        } finally {
            lease.end();
        }
    }

    private void writeAll(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            long count = writeOnce(MemorySegment.ofBuffer(src));
            if (count >= 0) {
                src.position(src.position() + (int) count);
                continue;
            }
            int errno = errno(writeState);
            if (errno == EAGAIN) {
                awaitWritable();
            } else if (errno != EINTR) {
                throw writeFailure(errno);
            }
        }
    }

    /**
     * Which of {@code ends} are readable (data, end of file or an error) by {@code deadline}, via one {@code poll}.
     *
     * @throws IOException "handle is closed" when one of them is closed before or meanwhile
     */
    static List<Boolean> pollReadable(List<? extends DescriptorEnd> ends, long deadline) throws IOException {
        int begun = 0;
        try {
            int[][] descriptors = new int[ends.size()][];
            int count = 0;
            for (DescriptorEnd end : ends) {
                end.lease.begin();
                descriptors[begun] = end.inputDescriptors();
                count += descriptors[begun].length;
                begun++;
            }
            int[] fds = new int[count];
            short[] events = new short[count];
            Arrays.fill(events, Libc.POLLIN);
            int at = 0;
            for (int[] ofEnd : descriptors) {
                System.arraycopy(ofEnd, 0, fds, at, ofEnd.length);
                at += ofEnd.length;
            }
            short[] returned = DescriptorWait.poll(fds, events, deadline);
            Boolean[] readable = new Boolean[ends.size()];
            at = 0;
            for (int i = 0; i < ends.size(); i++) {
                if (descriptors[i].length > 1 && returned[at + 1] != 0) {
                    throw new IOException("handle is closed");
                }
                readable[i] = returned[at] != 0;
                at += descriptors[i].length;
            }
            return List.of(readable);
        } finally {
            for (int i = 0; i < begun; i++) {
                ends.get(i).lease.end();
            }
        }
    }

    @Override
    public final boolean awaitReadable(long deadline) throws IOException {
        return pollReadable(List.of(this), deadline).get(0);
    }
}
