package dev.interproc.connection;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The sending half of a {@link Connection}'s framing: writes each payload behind Python's length header (see
 * {@link #putHeader}). One writing thread at a time, as for the connection. Everything a write needs is decided
 * before its first byte goes out, so the only way a frame is left unfinished is a failure of the end itself.
 */
final class FrameWriter {

    /** Messages up to this size are written with their header in one system call, as Python does. */
    static final int SMALL_MESSAGE = 16384;

    /** Large heap payloads are written in slices so that the JDK's temporary direct buffer stays small. */
    private static final int WRITE_SLICE = 256 * 1024;

    /** A segment is written and read as buffers of at most this many bytes, a power of two one buffer can view. */
    static final int SEGMENT_SLICE = 1 << 30;

    private static final int SHORT_HEADER_LIMIT = 0x7FFFFFFF;

    private final Endpoint out;
    /** Holds a header, or a small message with its header; big enough for the long header of a large one too. */
    private final ByteBuffer frame = ByteBuffer.allocateDirect(SMALL_MESSAGE + 12);

    /**
     * A writer of frames to {@code out}.
     *
     * @param out the end the frames are written to
     */
    FrameWriter(Endpoint out) {
        this.out = out;
    }

    /**
     * Writes the bytes between {@code payload}'s position and limit as one message; on return its position equals
     * its limit. Blocks until everything is handed to the operating system.
     *
     * @param payload the message's bytes; a direct buffer larger than {@link #SMALL_MESSAGE} is written without
     *     copying
     * @throws java.nio.channels.ClosedChannelException if the end is closed, also by another thread meanwhile
     * @throws IOException the operating system's error, such as a broken pipe when the peer has gone
     */
    void write(ByteBuffer payload) throws IOException {
        int size = payload.remaining();
        frame.clear();
        if (size <= SMALL_MESSAGE) {
            frame.putInt(size).put(payload).flip();
            out.writeFully(frame);
            return;
        }
        writeHeader(size);
        writeBody(payload);
    }

    /**
     * Writes all of {@code payload} as one message, in the 8-byte length form when it is longer than 2^31-1 bytes.
     *
     * @param payload the message's bytes, native or on the heap
     * @throws java.nio.channels.ClosedChannelException if the end is closed, also by another thread meanwhile
     * @throws IOException the operating system's error, such as a broken pipe when the peer has gone
     */
    void write(MemorySegment payload) throws IOException {
        long size = payload.byteSize();
        if (size <= SMALL_MESSAGE) {
            write(payload.asByteBuffer());
            return;
        }
        frame.clear();
        writeHeader(size);
        for (long offset = 0; offset < size; offset += SEGMENT_SLICE) {
            writeBody(payload.asSlice(offset, Math.min(SEGMENT_SLICE, size - offset))
                    .asByteBuffer());
        }
    }

    private void writeHeader(long size) throws IOException {
        putHeader(frame, size);
        frame.flip();
        out.writeFully(frame);
    }

    private void writeBody(ByteBuffer payload) throws IOException {
        if (payload.isDirect()) {
            out.writeFully(payload);
            return;
        }
        int end = payload.limit();
        while (payload.position() < end) {
            // end - position, not position + slice: the latter overflows near the end of a 2 GiB array.
            payload.limit(payload.position() + Math.min(WRITE_SLICE, end - payload.position()));
            out.writeFully(payload);
        }
        payload.limit(end);
    }

    /**
     * Writes Python's length header for a payload of {@code length} bytes: the long form only above 2^31-1.
     *
     * @param target where the header is put, at its position
     * @param length the payload's length in bytes
     */
    static void putHeader(ByteBuffer target, long length) {
        if (length > SHORT_HEADER_LIMIT) {
            target.putInt(-1).putLong(length);
        } else {
            target.putInt((int) length);
        }
    }
}
