package dev.interproc.pool;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A hash of the code a JVM runs, compared at a worker's handshake so that a parent never runs tasks in a worker
 * with other code (a JAR rebuilt between their starts, another class path): SHA-256 over the class path and module
 * path, each entry's absolute path and, for a file such as a JAR, its size and modification time. A directory's
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
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
        for (String entry : paths.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path = Path.of(entry).toAbsolutePath();
            StringBuilder line = new StringBuilder(path.toString());
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    line.append(' ').append(attributes.size()).append(' ').append(attributes.lastModifiedTime());
                }
            } catch (IOException missing) {
                line.append(" missing");
            }
            digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
