package dev.interproc.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes heap buffers through one direct buffer, chunk by chunk: a downcall takes only native memory. Used by the
 * writing thread of one end (a connection has one writer at a time).
 */
final class DirectCopy {

    /** Writes all of a direct buffer, advancing its position. */
    @FunctionalInterface
    interface DirectWriter {
        void writeAll(ByteBuffer direct) throws IOException;
    }

    private static final int SIZE = 64 * 1024;

    private ByteBuffer buffer;

    /** Writes all of {@code src} with {@code writer}, copying it first when it is a heap buffer. */
    void writeFully(ByteBuffer src, DirectWriter writer) throws IOException {
        if (src.isDirect()) {
            writer.writeAll(src);
            return;
        }
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(SIZE);
        }
        while (src.hasRemaining()) {
            int chunk = Math.min(buffer.capacity(), src.remaining());
            buffer.clear().put(0, src, src.position(), chunk).limit(chunk);
            writer.writeAll(buffer);
            src.position(src.position() + chunk);
        }
    }
}
