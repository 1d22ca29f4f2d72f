package dev.interproc.pool;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * A hash of the code a JVM runs, compared at a worker's handshake so that a parent never runs tasks in a worker
 * with other code (a JAR rebuilt between their starts, another class path): a 128-bit {@linkplain #hash hash} of
 * the class path and module path, each entry's absolute path and, for a file such as a JAR, its size and
 * modification time. A directory's
 * contents are not read, so that the hash costs microseconds at start-up; a rebuilt directory of classes is not
 * noticed.
 */
final class ClassPathHash {

    private ClassPathHash() {}

    /** {@return the hash of this JVM's class path and module path, as hexadecimal} */
    static String current() {
        return of(System.getProperty("java.class.path", "")
                + File.pathSeparator
                + System.getProperty("jdk.module.path", ""));
    }

    /**
     * The hash of a path list.
     *
     * @param paths entries separated by {@link File#pathSeparator}
     * @return the hash, as hexadecimal
     */
    static String of(String paths) {
        StringBuilder lines = new StringBuilder();
        for (String entry : paths.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath();
            lines.append(path);
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    lines.append(' ')
                            .append(attributes.size())
                            .append(' ')
                            .append(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
                }
            } catch (IOException missing) {
                lines.append(" missing");
            }
            lines.append('\n');
        }
        return hash(lines.toString());
    }

    /**
     * A 128-bit hash of a text: two 64-bit FNV-1a hashes of its UTF-16 code units, from different offsets. Not
     * cryptographic: it tells apart class paths that differ by accident (a rebuilt JAR), which is what it is for, at
     * no cost at start-up, where {@code MessageDigest} loads the security providers (tens of milliseconds).
     *
     * @param text the text
     * @return the hash, as 32 hexadecimal digits
     */
    static String hash(String text) {
        long a = 0xcbf29ce484222325L;
        long b = 0x84222325cbf29ce4L;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            a = (a ^ c) * 0x100000001b3L;
            b = (b ^ c ^ (i << 16)) * 0x100000001b3L;
        }
        return HexFormat.of().toHexDigits(a) + HexFormat.of().toHexDigits(b);
    }
}
