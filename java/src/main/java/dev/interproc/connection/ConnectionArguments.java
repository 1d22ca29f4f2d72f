package dev.interproc.connection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument checks of {@link Connection}'s calls, made before anything is read or written, with the messages of
 * Python's {@code ValueError}s where Python has the same call.
 */
final class ConnectionArguments {

    private ConnectionArguments() {}

    /** {@code send_bytes(buf, offset)}: "offset is negative", "buffer length &lt; offset". */
    static void checkSendOffset(int offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative");
        }
        if (length < offset) {
            throw new IllegalArgumentException("buffer length < offset");
        }
    }

    /** {@code send_bytes(buf, offset, size)}: the offset's checks, then "size is negative", "... &lt; offset + size". */
    static void checkSendRange(int offset, int size, int length) {
        checkSendOffset(offset, length);
        if (size < 0) {
            throw new IllegalArgumentException("size is negative");
        }
        if (length < (long) offset + size) {
            throw new IllegalArgumentException("buffer length < offset + size");
        }
    }

    /** That {@code source} is alive and this thread may read it, as a send of it is about to. */
    static void checkReadable(MemorySegment source) {
        if (source.byteSize() > 0) {
            source.get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    /** {@code recv_bytes(maxlength)}: "negative maxlength". */
    static int checkMaxLength(int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("negative maxlength");
        }
        return maxLength;
    }

    /** {@code recv_bytes_into(buf, offset)}: "negative offset", "offset too large". */
    static void checkReceiveOffset(int offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        if (offset > length) {
            throw new IllegalArgumentException("offset too large");
        }
    }

    /** That a message can be received into {@code target}. */
    static void checkWritable(MemorySegment target) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("the target segment is read-only");
        }
    }

    /** A limit for {@link Connection#setMaxMessageLength}: 0 to {@link Connection#MAX_ARRAY_LENGTH}. */
    static long checkMaxMessageLength(long maxLength) {
        if (maxLength < 0 || maxLength > Connection.MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(
                    "maximum message length " + maxLength + " is outside 0.." + Connection.MAX_ARRAY_LENGTH);
        }
        return maxLength;
    }
}
