package dev.interproc.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.razorvine.pickle.PickleException;

/**
 * Python's str in a pickle, as CPython's pickler and unpickler encode it: UTF-8 with the {@code surrogatepass}
 * error handler (BINUNICODE, SHORT_BINUNICODE, BINUNICODE8), and {@code raw-unicode-escape} (protocol 0's
 * UNICODE). A lone surrogate, which Java strings and Python strs may both hold, travels losslessly; any other
 * malformed text is refused, never replaced with U+FFFD.
 */
final class PickleText {

    private PickleText() {}

    /**
     * {@return {@code text} in UTF-8, a lone surrogate as its three-byte form} (Java's own encoder writes '?'
     * for it). A surrogate pair is one code point, in four bytes.
     */
    static byte[] encodeUtf8(String text) {
        if (text.chars().noneMatch(c -> Character.isSurrogate((char) c))) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 3);
        text.codePoints().forEach(codePoint -> {
            if (codePoint < 0x80) {
                out.write(codePoint);
            } else if (codePoint < 0x800) {
                out.write(0xc0 | codePoint >> 6);
                out.write(0x80 | codePoint & 0x3f);
            } else if (codePoint < 0x10000) {
                out.write(0xe0 | codePoint >> 12);
                out.write(0x80 | codePoint >> 6 & 0x3f);
                out.write(0x80 | codePoint & 0x3f);
            } else {
                out.write(0xf0 | codePoint >> 18);
                out.write(0x80 | codePoint >> 12 & 0x3f);
                out.write(0x80 | codePoint >> 6 & 0x3f);
                out.write(0x80 | codePoint & 0x3f);
            }
        });
        return out.toByteArray();
    }

    /**
     * Decodes UTF-8 as CPython's unpickler does ({@code surrogatepass}): a surrogate's three-byte form is that
     * surrogate; a byte that starts no sequence, a sequence cut short, an overlong form or a code point above
     * U+10FFFF is refused.
     *
     * @throws PickleException naming the bad byte and its position, as CPython's UnicodeDecodeError
     */
    static String decodeUtf8(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            return decodeWithSurrogates(utf8); // Java's decoder refuses surrogates; the rare text with one
        }
    }

    private static String decodeWithSurrogates(byte[] utf8) {
        StringBuilder text = new StringBuilder(utf8.length);
        int i = 0;
        while (i < utf8.length) {
            int lead = utf8[i] & 0xff;
            int length;
            int codePoint;
            int lowest; // of the second byte, which rules out overlong forms and values above U+10FFFF
            int highest;
            if (lead < 0x80) {
                text.append((char) lead);
                i++;
                continue;
            } else if (lead >= 0xc2 && lead <= 0xdf) {
                length = 2;
                codePoint = lead & 0x1f;
                lowest = 0x80;
                highest = 0xbf;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                length = 3;
                codePoint = lead & 0x0f;
                lowest = lead == 0xe0 ? 0xa0 : 0x80;
                highest = 0xbf;
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                length = 4;
                codePoint = lead & 0x07;
                lowest = lead == 0xf0 ? 0x90 : 0x80;
                highest = lead == 0xf4 ? 0x8f : 0xbf;
            } else {
                throw undecodable(utf8, i, "invalid start byte");
            }
            for (int k = 1; k < length; k++) {
                if (i + k >= utf8.length) {
                    throw undecodable(utf8, i, "unexpected end of data");
                }
                int next = utf8[i + k] & 0xff;
                if (next < (k == 1 ? lowest : 0x80) || next > (k == 1 ? highest : 0xbf)) {
                    throw undecodable(utf8, i, "invalid continuation byte");
                }
                codePoint = codePoint << 6 | next & 0x3f;
            }
            text.appendCodePoint(codePoint);
            i += length;
        }
        return text.toString();
    }

    private static PickleException undecodable(byte[] utf8, int position, String reason) {
        return new PickleException(String.format(
                "'utf-8' codec can't decode byte 0x%02x in position %d: %s", utf8[position] & 0xff, position, reason));
    }

    /**
     * Decodes protocol 0's UNICODE argument as CPython's {@code raw-unicode-escape}: each byte is the code point
     * of that value, except {@code \}{@code uXXXX} and {@code \}{@code UXXXXXXXX} after an odd number of
     * backslashes.
     *
     * @param line the argument, one character per byte
     * @throws PickleException for a truncated escape or one above U+10FFFF, as CPython
     */
    static String decodeRawUnicodeEscape(String line) {
        StringBuilder text = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i++);
            text.append(c);
            if (c != '\\') {
                continue;
            }
            int backslashes = 1;
            while (i < line.length() && line.charAt(i) == '\\') {
                text.append('\\');
                backslashes++;
                i++;
            }
            if (backslashes % 2 == 0 || i >= line.length() || (line.charAt(i) != 'u' && line.charAt(i) != 'U')) {
                continue;
            }
            int digits = line.charAt(i) == 'u' ? 4 : 8;
            int start = i - 1;
            i++;
            if (i + digits > line.length()
                    || !line.substring(i, i + digits).chars().allMatch(d -> Character.digit(d, 16) >= 0)) {
                throw new PickleException("'rawunicodeescape' codec can't decode bytes in position " + start
                        + ": truncated \\" + (digits == 4 ? "uXXXX" : "UXXXXXXXX") + " escape");
            }
            long codePoint = Long.parseLong(line.substring(i, i + digits), 16);
            if (codePoint > Character.MAX_CODE_POINT) {
                throw new PickleException("'rawunicodeescape' codec can't decode bytes in position " + start
                        + ": \\Uxxxxxxxx out of range");
            }
            text.setLength(text.length() - 1); // the backslash that starts the escape
            text.appendCodePoint((int) codePoint);
            i += digits;
        }
        return text.toString();
    }
}
