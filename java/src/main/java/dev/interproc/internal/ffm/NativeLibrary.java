package dev.interproc.internal.ffm;

import dev.interproc.internal.events.Events;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Finds and loads libinterproc once per JVM.
 *
 * <p>The library is taken from the file named by the system property {@value #PATH_PROPERTY}
 * when it is set, and otherwise from the JAR's resource {@code dev/interproc/native/linux-ARCH/libinterproc.so}
 * (ARCH is {@link #normalisedArch normalised}), which is copied to a private folder of the work folder
 * ({@value #WORKDIR_PROPERTY}, by default {@code java.io.tmpdir}) because a shared library cannot be mapped from
 * inside a JAR. The copy and its folder are deleted as soon as the library is loaded: Linux keeps the mapping.
 * A JVM killed between the copy and the deletion leaves its folder behind; the folder's name carries the pid
 * and the start time of its JVM, and the next load deletes the folders of JVMs that are gone.
 *
 * <p>A library that cannot be loaded (no native access, no build for this architecture, musl libc) makes
 * {@link #lookup()} and {@link #requireLoaded()} throw the same clear {@link IllegalStateException} at every
 * call, rather than failing the initialisation of the classes that bind to it.
 */
public final class NativeLibrary {

    /** System property naming a libinterproc.so to load instead of the one in the JAR. */
    public static final String PATH_PROPERTY = "interproc.library.path";

    /** System property naming the folder the JAR's library is extracted to (default: {@code java.io.tmpdir}). */
    public static final String WORKDIR_PROPERTY = "interproc.native.workdir";

    /** Name prefix of the extraction folders: then the JVM's pid, its start time in epoch ms, and a random part. */
    static final String FOLDER_PREFIX = "interproc-native-";

    private static final Outcome OUTCOME = load();

    static {
        if (OUTCOME.lookup() != null) {
            Events.nativeLibraryLoaded(OUTCOME.description());
        }
    }

    /** A loaded library and how it was found, or why none could be loaded. */
    private record Outcome(SymbolLookup lookup, String description, Exception cause) {}

    /** A reason the library cannot be loaded here, told to the user as it is. */
    private static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private NativeLibrary() {}

    /**
     * The symbols of the loaded library.
     *
     * @return the lookup of libinterproc
     * @throws IllegalStateException at every call, with the same message, when the library could not be loaded
     */
    public static SymbolLookup lookup() {
        requireLoaded();
        return OUTCOME.lookup();
    }

    /**
     * Checks that the library is loaded, so that callers fail with its reason before they initialise any class
     * whose constants come from it.
     *
     * @throws IllegalStateException at every call, with the same message, when the library could not be loaded
     */
    public static void requireLoaded() {
        if (OUTCOME.lookup() == null) {
            throw new IllegalStateException(OUTCOME.description(), OUTCOME.cause());
        }
    }

    /**
     * One line on where the library was loaded from (or why it was not), for whoever logs the load.
     *
     * @return the source of the loaded library and the stale folders cleaned, or the reason it is not loaded
     */
    public static String loadDescription() {
        return OUTCOME.description();
    }

    private static Outcome load() {
        try {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux")) {
                throw new Unavailable(
                        "interproc runs on Linux only (POSIX shared memory, futexes, robust mutexes); this is " + os);
            }
            refuseMusl(Path.of("/proc/self/maps"));
            String configured = System.getProperty(PATH_PROPERTY);
            if (configured != null) {
                Path path = Path.of(configured);
                if (!Files.isReadable(path)) {
                    throw new Unavailable("cannot read libinterproc at " + path + " (system property " + PATH_PROPERTY
                            + "); point it at a libinterproc.so built by this project's CMake build");
                }
                return new Outcome(open(path), "libinterproc loaded from " + path + " (-D" + PATH_PROPERTY + ")", null);
            }
            return extractAndLoad();
        } catch (Unavailable e) {
            return new Outcome(null, e.getMessage(), null);
        } catch (IllegalCallerException e) {
            return new Outcome(null, nativeAccessDenied(), e);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, "cannot load libinterproc: " + e, e);
        }
    }

    /** The advice for a JVM that denies this library native access, naming the flag for where it runs. */
    static String nativeAccessDenied() {
        Module module = NativeLibrary.class.getModule();
        String target = module.isNamed() ? module.getName() : "ALL-UNNAMED";
        return "interproc needs native access, which this JVM denies: run java with --enable-native-access=" + target
                + (module.isNamed()
                        ? " (interproc is on the module path; on the class path it is ALL-UNNAMED)"
                        : " (interproc is on the class path; on the module path it is dev.interproc)")
                + ", or add 'Enable-Native-Access: ALL-UNNAMED' to the manifest of an executable JAR";
    }

    /** Refuses a musl-based JVM (Alpine): the library is linked against glibc and would fail with a cryptic error. */
    static void refuseMusl(Path maps) throws IOException {
        if (!Files.isReadable(maps)) {
            return;
        }
        try (Stream<String> lines = Files.lines(maps)) {
            Optional<String> musl = lines.filter(line -> line.contains("ld-musl") || line.contains("libc.musl"))
                    .findFirst();
            if (musl.isPresent()) {
                String mapped = musl.get().substring(musl.get().lastIndexOf(' ') + 1);
                throw new Unavailable("interproc needs glibc 2.34 or newer, and this JVM runs on musl libc (" + mapped
                        + "), which is not supported: use a glibc-based JDK image (Debian, Ubuntu, RHEL)");
            }
        }
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

    private static Outcome extractAndLoad() throws IOException {
        String platform = "linux-" + normalisedArch(System.getProperty("os.arch"));
        String resource = "/dev/interproc/native/" + platform + "/libinterproc.so";
        Path workdir = Path.of(System.getProperty(WORKDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new Unavailable("this interproc JAR has no native library for " + platform + " (os.arch "
                        + System.getProperty("os.arch") + ", resource " + resource
                        + "); it ships linux-x86_64 and linux-aarch64. Build it for this platform and set -D"
                        + PATH_PROPERTY + "=/path/to/libinterproc.so");
            }
            Files.createDirectories(workdir);
            int cleaned = removeStaleFolders(workdir);
            Path folder = Files.createTempDirectory(workdir, folderPrefix(ProcessHandle.current()));
            Path file = folder.resolve("libinterproc.so");
            try {
                Files.copy(in, file);
                SymbolLookup lookup = open(file);
                return new Outcome(
                        lookup,
                        "libinterproc for " + platform + " extracted to " + file + ", loaded and deleted; " + cleaned
                                + " stale folder(s) of dead JVMs removed from " + workdir,
                        null);
            } finally {
                deleteFolder(folder);
            }
        }
    }

    private static SymbolLookup open(Path library) {
        return SymbolLookup.libraryLookup(library, Arena.global());
    }

    /**
     * The prefix of the extraction folders of this process: a reused pid has another start time. The start time is
     * the kernel's, in clock ticks since boot ({@code /proc/PID/stat} field 22), which every reader sees alike; a
     * wall-clock start time derived from it moves with the boot time the kernel reports, by a second at times.
     */
    static String folderPrefix(ProcessHandle process) {
        return FOLDER_PREFIX + process.pid() + "-" + startTicks(process.pid()).orElse(0L) + "-";
    }

    /** The start time of process {@code pid} in clock ticks since boot, or empty if there is no such process. */
    private static OptionalLong startTicks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | UncheckedIOException gone) {
            return OptionalLong.empty();
        }
        // The command name (field 2) may hold spaces and parentheses: the fields after its last ')' start at 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        try {
            return OptionalLong.of(Long.parseLong(fields[22 - 3]));
        } catch (RuntimeException unreadable) {
            return OptionalLong.empty();
        }
    }

    /**
     * Deletes the extraction folders under {@code workdir} whose JVM is gone: no process has its pid, or the one
     * that has it started at another time. Folders of live JVMs, and names not of this form, are left alone.
     *
     * @return the number of folders deleted
     */
    static int removeStaleFolders(Path workdir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(workdir, FOLDER_PREFIX + "*")) {
            for (Path folder : folders) {
                if (ownerIsGone(folder.getFileName().toString()) && deleteFolder(folder)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean ownerIsGone(String folderName) {
        String[] parts = folderName.substring(FOLDER_PREFIX.length()).split("-", 3);
        if (parts.length < 3) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        OptionalLong ownerStarted = startTicks(pid);
        return ownerStarted.isEmpty() || ownerStarted.getAsLong() != started;
    }

    /** Deletes a folder and the files in it; false if another JVM cleaning the same leftovers was first. */
    private static boolean deleteFolder(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            return Files.deleteIfExists(folder);
        } catch (IOException e) {
            return false;
        }
    }
}
