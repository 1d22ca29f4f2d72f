package dev.interproc;

import dev.interproc.internal.ffm.NativeLibrary;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a region is created and opened: its size, permissions, limits and where it lives. Immutable;
 * each {@code with*} method returns a copy.
 *
 * <pre>{@code
 * RegionOptions options = RegionOptions.defaults().withSize(4 << 20).withMode(0660);
 * }</pre>
 *
 * <p>Size, mode and the two limits apply only when the region is created; an opener gets what the
 * creator chose. The open timeout bounds how long an opener waits for a creator to finish initialising.
 */
public final class RegionOptions {

    /** Default total size of a region: 1 MiB. */
    public static final long DEFAULT_SIZE = 1 << 20;

    /**
     * The defaults come from libinterproc; in a holder, so that a JVM that cannot load it fails in
     * {@link #defaults()} with the reason, not in this class's initialisation.
     */
    private static final class Defaults {
        static final RegionOptions OPTIONS = new RegionOptions(
                DEFAULT_SIZE,
                RegionLayout.DEFAULT_MODE,
                RegionLayout.DEFAULT_MAX_SLOTS,
                RegionLayout.DEFAULT_MAX_PROCESSES,
                Duration.ofMillis(RegionLayout.DEFAULT_OPEN_TIMEOUT_MS),
                null);
    }

    private static final Duration MIN_OPEN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_OPEN_TIMEOUT = Duration.ofHours(1);

    private final long size;
    private final int mode;
    private final int maxSlots;
    private final int maxProcesses;
    private final Duration openTimeout;
    private final Path directory;

    private RegionOptions(long size, int mode, int maxSlots, int maxProcesses, Duration openTimeout, Path directory) {
        this.size = size;
        this.mode = mode;
        this.maxSlots = maxSlots;
        this.maxProcesses = maxProcesses;
        this.openTimeout = openTimeout;
        this.directory = directory;
    }

    /**
     * 1 MiB, mode 0600, 256 slots, 128 processes, a 5 s open timeout, in POSIX shared memory (/dev/shm).
     *
     * @return the default options
     * @throws IllegalStateException if libinterproc cannot be loaded in this JVM (no native access, no build for
     *     this architecture, musl libc), with the reason and what to do, at every call
     */
    public static RegionOptions defaults() {
        // Every region operation starts from these options: the one place that checks for the library first.
        NativeLibrary.requireLoaded();
        return Defaults.OPTIONS;
    }

    /**
     * Total bytes of the region, including its header, process table and slot directory.
     *
     * @param bytes the size in bytes; positive, and large enough for the header and tables (checked on creation)
     * @return a copy with this size
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public RegionOptions withSize(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("region size must be positive, was " + bytes);
        }
        return new RegionOptions(bytes, mode, maxSlots, maxProcesses, openTimeout, directory);
    }

    /**
     * Permission bits of the shared-memory object, as for chmod (0600 by default: this user only).
     *
     * @param permissionBits the bits, 01 to 07777 (octal); the umask does not apply
     * @return a copy with this mode
     * @throws IllegalArgumentException if the bits are out of range
     */
    public RegionOptions withMode(int permissionBits) {
        if (permissionBits <= 0 || permissionBits > 07777) {
            throw new IllegalArgumentException("mode must be permission bits between 01 and 07777 (octal), was 0"
                    + Integer.toOctalString(permissionBits));
        }
        return new RegionOptions(size, permissionBits, maxSlots, maxProcesses, openTimeout, directory);
    }

    /**
     * How many named slots the region's directory holds (1 to 65536).
     *
     * @param slots the capacity, 1 to 65536
     * @return a copy with this capacity
     * @throws IllegalArgumentException if {@code slots} is out of range
     */
    public RegionOptions withMaxSlots(int slots) {
        if (slots < 1 || slots > 65536) {
            throw new IllegalArgumentException("maxSlots must be between 1 and 65536, was " + slots);
        }
        return new RegionOptions(size, mode, slots, maxProcesses, openTimeout, directory);
    }

    /**
     * How many processes may be attached at once (1 to 4096).
     *
     * @param processes the capacity, 1 to 4096
     * @return a copy with this capacity
     * @throws IllegalArgumentException if {@code processes} is out of range
     */
    public RegionOptions withMaxProcesses(int processes) {
        if (processes < 1 || processes > 4096) {
            throw new IllegalArgumentException("maxProcesses must be between 1 and 4096, was " + processes);
        }
        return new RegionOptions(size, mode, maxSlots, processes, openTimeout, directory);
    }

    /**
     * How long an opener waits for the region's creator to finish initialising it (1 ms to 1 hour).
     *
     * @param timeout the timeout, 1 ms to 1 hour
     * @return a copy with this timeout
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public RegionOptions withOpenTimeout(Duration timeout) {
        // Compared as Durations: toMillis() of a huge Duration overflows.
        if (timeout.compareTo(MIN_OPEN_TIMEOUT) < 0 || timeout.compareTo(MAX_OPEN_TIMEOUT) > 0) {
            throw new IllegalArgumentException("openTimeout must be between 1 ms and 1 hour, was " + timeout);
        }
        return new RegionOptions(size, mode, maxSlots, maxProcesses, timeout, directory);
    }

    /**
     * Keeps the region as a file in this directory, which should be on a tmpfs, instead of in POSIX
     * shared memory: for containers whose /dev/shm is small, and for tests. Every process must name
     * the same directory.
     *
     * @param tmpfsDirectory the directory
     * @return a copy that keeps regions in this directory
     * @throws NullPointerException if {@code tmpfsDirectory} is null
     */
    public RegionOptions withDirectory(Path tmpfsDirectory) {
        return new RegionOptions(
                size,
                mode,
                maxSlots,
                maxProcesses,
                openTimeout,
                Objects.requireNonNull(tmpfsDirectory, "tmpfsDirectory"));
    }

    /**
     * The total size in bytes, as set by {@link #withSize}.
     *
     * @return the size in bytes
     */
    public long size() {
        return size;
    }

    /**
     * The permission bits, as set by {@link #withMode}.
     *
     * @return the permission bits (for example {@code 0600})
     */
    public int mode() {
        return mode;
    }

    /**
     * The slot directory's capacity, as set by {@link #withMaxSlots}.
     *
     * @return the number of slots, 1 to 65536
     */
    public int maxSlots() {
        return maxSlots;
    }

    /**
     * The process table's capacity, as set by {@link #withMaxProcesses}.
     *
     * @return the number of processes, 1 to 4096
     */
    public int maxProcesses() {
        return maxProcesses;
    }

    /**
     * How long an opener waits for the creator, as set by {@link #withOpenTimeout}.
     *
     * @return the timeout, 1 ms to 1 hour
     */
    public Duration openTimeout() {
        return openTimeout;
    }

    /**
     * The directory set by {@link #withDirectory}, or empty for POSIX shared memory.
     *
     * @return the directory, or empty
     */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** The directory as a C string allocated in {@code arena}, or NULL for POSIX shared memory. */
    MemorySegment directoryIn(Arena arena) {
        return directory == null ? MemorySegment.NULL : arena.allocateFrom(directory.toString());
    }

    /** Where region objects live: the directory, or /dev/shm. */
    String location() {
        return directory == null ? "/dev/shm" : directory.toString();
    }

    @Override
    public String toString() {
        return "RegionOptions[size=" + size + ", mode=0" + Integer.toOctalString(mode) + ", maxSlots=" + maxSlots
                + ", maxProcesses=" + maxProcesses + ", openTimeout=" + openTimeout + ", location=" + location() + "]";
    }
}
