package dev.interproc.connection;

/** Python's {@code repr()} of a {@code bytes} value, so that messages and addresses quote data as Python does. */
final class PyRepr {

    private PyRepr() {}

    static String bytes(byte[] value) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (byte b : value) {
            hasSingle |= b == '\'';
            hasDouble |= b == '"';
        }
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        StringBuilder text = new StringBuilder(value.length + 3).append('b').append(quote);
        for (byte b : value) {
            int c = b & 0xff;
            if (c == quote || c == '\\') {
                text.append('\\').append((char) c);
            } else if (c == '\t') {
                text.append("\\t");
            } else if (c == '\n') {
                text.append("\\n");
            } else if (c == '\r') {
                text.append("\\r");
            } else if (c < 0x20 || c >= 0x7f) {
                text.append(String.format("\\x%02x", c));
            } else {
                text.append((char) c);
            }
        }
        return text.append(quote).toString();
    }

    /**
     * The bytes of the body of a Python bytes literal (between the quotes), undoing the escapes {@link #bytes}
     * writes: {@code \\}, {@code \'}, {@code \"}, {@code \t}, {@code \n}, {@code \r} and {@code \xNN}.
     */
    static byte[] parseBytes(String body) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c > 0x7f) {
                throw new IllegalArgumentException("bytes can only contain ASCII literal characters: " + body);
            }
            if (c != '\\') {
                bytes.write(c);
                continue;
            }
            if (++i == body.length()) {
                throw new IllegalArgumentException("a bytes literal cannot end with a backslash: " + body);
            }
            char escaped = body.charAt(i);
            switch (escaped) {
                case '\\', '\'', '"' -> bytes.write(escaped);
                case 't' -> bytes.write('\t');
                case 'n' -> bytes.write('\n');
                case 'r' -> bytes.write('\r');
                case 'x' -> {
                    if (i + 2 >= body.length()) {
                        throw new IllegalArgumentException("truncated \\xNN escape in " + body);
                    }
                    bytes.write(Integer.parseInt(body.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unsupported escape \\" + escaped + " in " + body);
            }
        }
        return bytes.toByteArray();
    }
}
