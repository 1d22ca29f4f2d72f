package dev.interproc.connection;

import java.util.HexFormat;

/** Hex text to bytes for test vectors written as in the spec (spaces and line breaks ignored). */
final class Hex {

    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    static String text(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code count} bytes counting up from {@code first}: the deterministic "random" of the captures. */
    static byte[] range(int first, int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }
}
