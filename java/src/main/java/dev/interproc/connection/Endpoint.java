package dev.interproc.connection;

import dev.interproc.internal.ffm.Libc;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The OS end a {@link Connection} reads and writes: a JDK channel ({@link ChannelEnd}), or a socket in the
 * abstract namespace, which the JDK cannot open ({@link AbstractSocketEnd}), or the pipes of a process's standard
 * input and output, which the JDK cannot select on ({@link PipeEnd}). One reading and one writing thread
 * may use it at once; {@link #close()} may come from any thread and ends their blocked calls.
 */
sealed interface Endpoint permits ChannelEnd, DescriptorEnd, StreamEnd {

    /** A deadline that never comes. */
    long NO_DEADLINE = Libc.NO_DEADLINE;

    /**
     * Reads at least one byte into {@code dst}, blocking until some arrive.
     *
     * @return the number of bytes read, or -1 at end of file
     * @throws java.net.SocketTimeoutException if nothing arrived before {@code deadline}
     *         ({@link System#nanoTime()} scale; {@link #NO_DEADLINE} for none)
     */
    int read(ByteBuffer dst, long deadline) throws IOException;

    /**
     * Reads what has arrived into {@code dst} without ever blocking: the look of a receive's spin
     * ({@link ReceiveSpin}).
     *
     * @return the number of bytes read; 0 if nothing has arrived, or if this end cannot tell without blocking;
     *     -1 at end of file, where the end can tell it apart (otherwise 0, and the blocking read that follows the
     *     spin finds it)
     */
    int readNow(ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}, blocking while the OS buffer is full. */
    void writeFully(ByteBuffer src) throws IOException;

    /**
     * Waits until reading would not block (data, part of a message, end of file) or the deadline passes.
     *
     * @return whether it is readable
     */
    boolean awaitReadable(long deadline) throws IOException;

    /** What every end throws when nothing arrived before a read's deadline. */
    static SocketTimeoutException timedOut() {
        return new SocketTimeoutException("timed out waiting for data from the peer");
    }

    /** Closes the end, ending calls blocked on it; idempotent. */
    void close() throws IOException;

    /** Closes {@code end}, which only fails when it is already broken: nothing is left to release then. */
    static void closeQuietly(Endpoint end) {
        try {
            end.close();
        } catch (IOException e) {
            // nothing to release, nobody to tell
        }
    }

    /** The {@link System#nanoTime()} deadline {@code timeout} from now: {@code null} is none, negative is now. */
    static long deadlineAfter(Duration timeout) {
        if (timeout == null) {
            return NO_DEADLINE;
        }
        long now = System.nanoTime();
        if (timeout.isNegative()) {
            return now;
        }
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0
                ? Duration.ofDays(365).toNanos()
                : timeout.toNanos();
        return now + nanos;
    }
}
