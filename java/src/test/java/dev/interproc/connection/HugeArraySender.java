package dev.interproc.connection;

import java.nio.file.Path;

/**
 * The child JVM of {@link IntegrityTest}'s torn-frame case, which needs a heap the test JVM does not have:
 * {@code SOCKET_FILE}: connects without a key, sends the last {@value #TAIL} bytes of a 2<sup>31</sup>-9-byte array
 * (byte {@code i} of them being {@code (byte) i}), then the message "next".
 */
public final class HugeArraySender {

    /** How many bytes at the end of the array are sent. */
    static final int TAIL = 100_000;

    private HugeArraySender() {}

    public static void main(String[] args) throws Exception {
        byte[] huge = new byte[(int) Connection.MAX_ARRAY_LENGTH];
        int offset = huge.length - TAIL;
        for (int i = 0; i < TAIL; i++) {
            huge[offset + i] = (byte) i;
        }
        try (Connection connection = Client.connect(new Address.Unix(Path.of(args[0])), null)) {
            connection.sendBytes(huge, offset, TAIL);
            connection.sendBytes("next".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
