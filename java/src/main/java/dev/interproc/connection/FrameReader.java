package dev.interproc.connection;

import dev.interproc.internal.wait.YieldSpin;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The receiving half of a {@link Connection}'s framing: parses Python's length headers, checks the announced
 * lengths, reads the payloads through a read-ahead buffer and applies Python's end-of-file rules. It is the one
 * place that allocates for a received message, and it allocates as the bytes arrive, within a {@link ReceiveBudget}. One reading thread at a time, as for the connection.
 *
 * <p>End of file counts per step, as in Python, the steps being the 4-byte header, the 8-byte long header and the
 * payload: before a step's first byte it is an {@link EOFException}, inside a step "got end of file during
 * message".
 */
final class FrameReader {

    private static final int READ_BUFFER_SIZE = 64 * 1024;

    private final Endpoint in;
    /** The connection's current limit on a message, read for every header. */
    private final LongSupplier maxMessageLength;
    /** Bounds the memory held for incomplete messages across the connections sharing it. */
    private final ReceiveBudget budget;
    /** Takes the connection out of reading after a refused length. */
    private final Runnable stopReading;
    /** Looks for a reply without blocking before a read blocks, after a send. */
    private final ReceiveSpin spin;
    /** Unread received bytes, between position and limit (read mode). */
    private final ByteBuffer buffer =
            ByteBuffer.allocateDirect(READ_BUFFER_SIZE).flip();
    /** The spin's look: a read of what has arrived into the buffer, made once rather than per receive. */
    private final YieldSpin.Look<IOException> readNow;

    /**
     * A reader of frames from {@code in}.
     *
     * @param in the end the frames are read from
     * @param maxMessageLength the connection's limit on a message's length, asked for at every header
     * @param stopReading what a refused length does to the connection before the "bad message length" exception
     *     is thrown: Python makes it write-only, or closes it if it cannot write
     * @param budget where the memory held for an incomplete message is reserved; exceeding it refuses the message
     * @param spin the connection's receive spin, which every read that would block makes first
     */
    FrameReader(
            Endpoint in, LongSupplier maxMessageLength, Runnable stopReading, ReceiveBudget budget, ReceiveSpin spin) {
        this.in = in;
        this.readNow = () -> in.readNow(buffer);
        this.spin = spin;
        this.budget = budget;
        this.maxMessageLength = maxMessageLength;
        this.stopReading = stopReading;
    }

    /**
     * Reads one message into a new array.
     *
     * @param maxLength the longest message the caller accepts; the connection's limit applies too
     * @param deadline the {@link System#nanoTime()} by which data must keep arriving, {@link Endpoint#NO_DEADLINE}
     *     for none
     * @return the payload
     * @throws EOFException at end of file before the message starts
     * @throws java.nio.channels.ClosedChannelException if the end is closed, also by another thread meanwhile
     * @throws java.net.SocketTimeoutException if the deadline passes before the message is read
     * @throws IOException "got end of file during message", or "bad message length" for a refused length header,
     *     which leaves the payload unread and stops reading
     */
    byte[] read(long maxLength, long deadline) throws IOException {
        long length = readHeader(deadline);
        checkLength(length, maxLength);
        return readGrowing((int) length, deadline);
    }

    /**
     * Reads a payload of {@code length} bytes into an array that grows as the bytes arrive, instead of trusting the
     * header with an allocation up front (Python, too, reads a message as it comes): the first
     * {@value #READ_BUFFER_SIZE} bytes, then each time the array is full, double, up to the length. So the memory
     * held is at most twice what arrived plus {@value #READ_BUFFER_SIZE} bytes. What grows past the first
     * {@value #READ_BUFFER_SIZE} bytes is reserved in the budget while the message is incomplete; the first part is
     * not, like the read buffer itself a fixed cost of each connection, so that a full budget still lets every
     * connection receive small messages.
     */
    private byte[] readGrowing(int length, long deadline) throws IOException {
        int capacity = Math.min(length, READ_BUFFER_SIZE);
        long reserved = 0;
        try {
            byte[] message = new byte[capacity];
            int received = 0;
            while (true) {
                readPayload(ByteBuffer.wrap(message, received, capacity - received), received > 0, deadline);
                received = capacity;
                if (received == length) {
                    return message;
                }
                int grown = (int) Math.min(length, 2L * capacity);
                reserve(grown - capacity, length);
                reserved += grown - capacity;
                message = Arrays.copyOf(message, grown);
                capacity = grown;
            }
        } finally {
            budget.release(reserved);
        }
    }

    private void reserve(int bytes, int length) throws IOException {
        if (!budget.tryReserve(bytes)) {
            throw refuse("partial-message budget exceeded: this listener's connections already hold "
                    + budget.reserved() + " of " + budget.limit() + " bytes for messages still arriving, and this one"
                    + " (announced as " + length + " bytes) needs " + bytes + " more; raise it with"
                    + " Listener.Builder.partialMessageBudget if so much is expected");
        }
    }

    /**
     * Reads one message into {@code target} from its position, without a deadline, and sets its limit to the
     * message's end.
     *
     * @param target where the payload is copied
     * @return the message's length in bytes
     * @throws BufferTooShortException if the message does not fit in {@code target}'s remaining bytes; it is read
     *     whole and carried by the exception
     * @throws EOFException at end of file before the message starts
     * @throws java.nio.channels.ClosedChannelException if the end is closed, also by another thread meanwhile
     * @throws IOException as for {@link #read}
     */
    int readInto(ByteBuffer target) throws IOException {
        long length = readHeader(Endpoint.NO_DEADLINE);
        checkLength(length, Long.MAX_VALUE);
        if (length > target.remaining()) {
            throw new BufferTooShortException(readGrowing((int) length, Endpoint.NO_DEADLINE), target.remaining());
        }
        target.limit(target.position() + (int) length);
        readPayload(target, false, Endpoint.NO_DEADLINE);
        return (int) length;
    }

    /**
     * Reads one message of any length into {@code target} from its first byte, without a deadline. The target's
     * size is the limit; the connection's, which guards allocation, does not apply since nothing is allocated.
     *
     * @param target where the payload is copied
     * @return the message's length in bytes
     * @throws EOFException at end of file before the message starts
     * @throws java.nio.channels.ClosedChannelException if the end is closed, also by another thread meanwhile
     * @throws IOException "got end of file during message", or "bad message length" for a message longer than
     *     {@code target}, which leaves it unread and stops reading
     */
    long readInto(MemorySegment target) throws IOException {
        long length = readHeader(Endpoint.NO_DEADLINE);
        if (length > target.byteSize()) {
            throw refuse("bad message length: the peer announced " + length + " bytes, more than the "
                    + target.byteSize() + " bytes of the target segment");
        }
        for (long offset = 0; offset < length; offset += FrameWriter.SEGMENT_SLICE) {
            ByteBuffer slice = target.asSlice(offset, Math.min(FrameWriter.SEGMENT_SLICE, length - offset))
                    .asByteBuffer();
            readPayload(slice, offset > 0, Endpoint.NO_DEADLINE);
        }
        return length;
    }

    /**
     * Whether received bytes wait in the read-ahead buffer, which makes the connection ready without asking the OS.
     *
     * @return {@code true} if some bytes are buffered and unread
     */
    boolean hasBufferedInput() {
        return buffer.hasRemaining();
    }

    /** Reads the 4-byte header and, after -1, the 8-byte one; each is one "step" for the EOF rules. */
    private long readHeader(long deadline) throws IOException {
        fill(4, deadline);
        int shortLength = buffer.getInt();
        if (shortLength >= 0) {
            return shortLength;
        }
        if (shortLength != -1) {
            // Python returns b'' without reading a payload here; we refuse the header instead (documented).
            throw refuse("bad message length: negative length header " + shortLength
                    + " (only -1, announcing a 64-bit length, is valid); the stream is corrupt");
        }
        fill(8, deadline);
        long longLength = buffer.getLong();
        if (longLength < 0) {
            throw refuse("bad message length: 64-bit length header " + Long.toUnsignedString(longLength)
                    + " is beyond any buffer; the stream is corrupt");
        }
        return longLength;
    }

    private void checkLength(long length, long maxLength) throws IOException {
        if (length > maxLength) {
            throw refuse("bad message length");
        }
        long limit = maxMessageLength.getAsLong(); // at most MAX_ARRAY_LENGTH: checkMaxMessageLength keeps it so
        if (length > limit) {
            throw refuse("bad message length: the peer announced " + length + " bytes, more than this connection's"
                    + " limit of " + limit + "; raise it with setMaxMessageLength (or the Listener/Client builder)"
                    + " if such messages are expected");
        }
    }

    /** Makes sure {@code count} unread bytes are buffered; the bytes buffered so far belong to this step. */
    private void fill(int count, long deadline) throws IOException {
        if (buffer.remaining() >= count) {
            return;
        }
        buffer.compact();
        try {
            while (buffer.position() < count) {
                if (receive(deadline) < 0) {
                    throw endOfFile(buffer.position() > 0);
                }
            }
        } finally {
            buffer.flip();
        }
    }

    /**
     * Copies the buffered bytes, then reads the rest of the payload through the read buffer; {@code started} says
     * whether bytes of this payload came before {@code target} (the end-of-file rule).
     */
    private void readPayload(ByteBuffer target, boolean started, long deadline) throws IOException {
        while (true) {
            int chunk = Math.min(buffer.remaining(), target.remaining());
            if (chunk > 0) {
                int end = buffer.limit();
                buffer.limit(buffer.position() + chunk);
                target.put(buffer);
                buffer.limit(end);
                started = true;
            }
            if (!target.hasRemaining()) {
                return;
            }
            buffer.clear();
            int read;
            try {
                read = receive(deadline);
            } finally {
                buffer.flip();
            }
            if (read < 0) {
                throw endOfFile(started);
            }
        }
    }

    /**
     * Reads some bytes into the buffer (write mode): what the {@link ReceiveSpin} finds, or else what a blocking read
     * of the end brings by {@code deadline}.
     *
     * @return the bytes read, or -1 at end of file
     */
    private int receive(long deadline) throws IOException {
        int read = spin.read(readNow, deadline);
        return read != 0 ? read : in.read(buffer, deadline);
    }

    private static IOException endOfFile(boolean insideStep) {
        return insideStep
                ? new IOException("got end of file during message")
                : new EOFException("end of file: the peer closed the connection");
    }

    /** Python's reaction to a refused length: stop reading (the payload stays unread), keep writing. */
    private IOException refuse(String message) {
        stopReading.run();
        return new IOException(message);
    }
}
