package dev.interproc.internal.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads libinterproc once per JVM.
 *
 * <p>The library is taken from the file named by the system property {@value #PATH_PROPERTY}
 * when it is set, and otherwise from the JAR's resource {@code dev/interproc/native/linux-ARCH/libinterproc.so}
 * (ARCH is {@link #normalisedArch normalised}),
 * which is copied to a private temporary file first (a shared library cannot be mapped from inside a JAR).
 */
public final class NativeLibrary {

    /** System property naming a libinterproc.so to load instead of the one in the JAR. */
    public static final String PATH_PROPERTY = "interproc.library.path";

    private static final SymbolLookup LOOKUP = load();

    private NativeLibrary() {}

    /** The symbols of the loaded library. */
    public static SymbolLookup lookup() {
        return LOOKUP;
    }

    private static SymbolLookup load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new UnsupportedOperationException(
                    "interproc runs on Linux only (POSIX shared memory, futexes, robust mutexes); this is " + os);
        }
        String configured = System.getProperty(PATH_PROPERTY);
        Path path = configured != null ? Path.of(configured) : extractFromJar();
        if (!Files.isReadable(path)) {
            throw new IllegalStateException("cannot read libinterproc at " + path + " (system property " + PATH_PROPERTY
                    + "); point it at a libinterproc.so built by this project's CMake build");
        }
        return SymbolLookup.libraryLookup(path, Arena.global());
    }

    /**
     * The arch part of the resource directory for an {@code os.arch} value: one name per architecture, whichever
     * spelling the JVM uses (the JDK says amd64 where toolchains and distributions say x86_64).
     *
     * @param osArch a value of the system property {@code os.arch}
     * @return x86_64 or aarch64 for their known spellings, otherwise {@code osArch} unchanged
     */
    static String normalisedArch(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> osArch;
        };
    }

    private static Path extractFromJar() {
        String platform = "linux-" + normalisedArch(System.getProperty("os.arch"));
        String resource = "/dev/interproc/native/" + platform + "/libinterproc.so";
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("this interproc JAR has no native library for " + platform
                        + " (os.arch " + System.getProperty("os.arch") + ", resource " + resource
                        + "); build it for this platform or set -D"
                        + PATH_PROPERTY + "=/path/to/libinterproc.so");
            }
            Path directory = Files.createTempDirectory("interproc-native-");
            Path file = directory.resolve("libinterproc.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            directory.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libinterproc from the JAR to a temporary file", e);
        }
    }
}
