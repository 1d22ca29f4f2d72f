package dev.interproc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.interproc.internal.events.Events;
import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One region mapped in this process: its native handle and mapping, its lifecycle (open, closed, unlinked)
 * and everything the close must reach: the address holders it retires ({@link SlotMemory}) and the one
 * instance per slot of the locks and coordination objects. The slot classes depend on this class, never on
 * {@link SharedMemory}, which is the public face of a region.
 *
 * <p>Thread safety: every method may be called by any thread. Operations that touch the mapping or the
 * handle hold the lifecycle read lock ({@link #whileOpen}); the close holds the write lock, so none of them
 * overlaps with it.
 */
final class Region {

    private static final Pattern REGION_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    /** How a region is reached: what {@link #connect} asks of the native library. */
    enum Mode {
        CREATE("create"),
        OPEN("open"),
        OPEN_OR_CREATE("open"),
        /** Maps the region without attaching to it: owner token 0, so it refuses locks. */
        INSPECT("inspect");

        private final String verb;

        Mode(String verb) {
            this.verb = verb;
        }
    }

    /** Whether this instance is open, or how it was let go of. */
    enum State {
        OPEN,
        CLOSED,
        UNLINKED
    }

    private final String name;
    private final RegionOptions options;
    private final boolean created;
    private final MemorySegment handle;
    private final Arena mapping;
    private final MemorySegment memory;
    private final int ownerToken;
    private final ProcessTable processes;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** The one instance per slot of locks and coordination objects. */
    private final ConcurrentMap<String, Object> instances = new ConcurrentHashMap<>();
    /** What slot objects undo when the region closes normally here, before the process-table entry goes. */
    private final List<Runnable> leaveOnClose = new CopyOnWriteArrayList<>();
    /** The value objects and lock words of this instance that are still reachable: close retires them. */
    private final Set<SlotMemory> addressHolders = Collections.newSetFromMap(new WeakHashMap<>());

    private volatile State state = State.OPEN;

    private Region(String name, RegionOptions options, boolean created, MemorySegment handle) {
        this.name = name;
        this.options = options;
        this.created = created;
        this.handle = handle;
        this.mapping = Arena.ofShared();
        this.memory = Native.regionBase(handle).reinterpret(Native.regionSize(handle), mapping, null);
        this.ownerToken = Native.regionOwnerToken(handle);
        this.processes = new ProcessTable(this);
    }

    /**
     * Creates, opens or inspects the region called {@code name}.
     *
     * @throws IllegalArgumentException if the name is not a valid region name
     * @throws InterprocException (or a subclass) naming what the native library refused
     */
    static Region connect(String name, RegionOptions options, Mode mode) {
        checkName(name);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment cName = call.allocateFrom(name);
            MemorySegment dir = options.directoryIn(call);
            MemorySegment out = call.allocate(ADDRESS);
            MemorySegment createdFlag = call.allocate(JAVA_INT);
            int timeout = (int) options.openTimeout().toMillis();
            int rc =
                    switch (mode) {
                        case CREATE ->
                            Native.regionCreate(
                                    cName,
                                    dir,
                                    options.size(),
                                    options.mode(),
                                    options.maxSlots(),
                                    options.maxProcesses(),
                                    out);
                        case OPEN -> Native.regionOpen(cName, dir, timeout, out);
                        case OPEN_OR_CREATE ->
                            Native.regionOpenOrCreate(
                                    cName,
                                    dir,
                                    options.size(),
                                    options.mode(),
                                    options.maxSlots(),
                                    options.maxProcesses(),
                                    timeout,
                                    out,
                                    createdFlag);
                        case INSPECT -> Native.regionInspect(cName, dir, timeout, out);
                    };
            if (rc != 0) {
                RuntimeException refused = Errors.region(rc, name, options, mode.verb);
                // Tools that inspect report an unreadable region themselves; a user's open is logged for operators.
                if (mode != Mode.INSPECT && refused instanceof IncompatibleRegionException) {
                    Events.regionRefused(refused.getMessage());
                }
                throw refused;
            }
            boolean created = mode == Mode.CREATE || (mode == Mode.OPEN_OR_CREATE && createdFlag.get(JAVA_INT, 0) == 1);
            MemorySegment handle = out.get(ADDRESS, 0);
            int reclaimed = Native.regionReclaimed(handle);
            if (reclaimed > 0) {
                Events.entriesReclaimed(name, reclaimed);
            }
            return new Region(name, options, created, handle);
        }
    }

    /**
     * Removes the name of a region.
     *
     * @return true if it was removed, false if there was no such name
     */
    static boolean unlink(String name, RegionOptions options) {
        checkName(name);
        try (Arena call = Arena.ofConfined()) {
            int rc = Native.regionUnlink(call.allocateFrom(name), options.directoryIn(call));
            if (rc == RegionLayout.E_NOENT) {
                return false;
            }
            if (rc != 0) {
                throw Errors.region(rc, name, options, "remove");
            }
            return true;
        }
    }

    /** The version in the object's header read with pread (never mapped), or a negative error code. */
    static int storedLayoutVersion(String name, RegionOptions options) {
        try (Arena call = Arena.ofConfined()) {
            return Native.regionLayoutVersion(call.allocateFrom(name), options.directoryIn(call));
        }
    }

    static boolean isValidName(String name) {
        return name != null && REGION_NAME.matcher(name).matches();
    }

    private static void checkName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid region name '" + name + "': use 1 to 200 characters from"
                    + " A-Z a-z 0-9 . _ - , not starting with '.'");
        }
    }

    String name() {
        return name;
    }

    RegionOptions options() {
        return options;
    }

    boolean isCreator() {
        return created;
    }

    /** The native handle, for calls that hold the lifecycle read lock ({@link #whileOpen}). */
    MemorySegment handle() {
        return handle;
    }

    /** The whole mapped region (a shared-arena segment: an access after close throws). */
    MemorySegment memory() {
        return memory;
    }

    /** This instance's owner token in the region's process table (the value a held lock word holds). */
    int ownerToken() {
        return ownerToken;
    }

    /** The region's process table. */
    ProcessTable processes() {
        return processes;
    }

    boolean isClosed() {
        return state != State.OPEN;
    }

    /** Runs {@code action} while the region is open here: the close waits for it, and it fails after the close. */
    <T> T whileOpen(Supplier<T> action) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return action.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The instance of {@code slot} made by {@link #instance} if there is one of that type, else null. */
    <T> T existing(String slot, Class<T> type) {
        Object known = instances.get(slot);
        return type.isInstance(known) ? type.cast(known) : null;
    }

    /** The one instance of the lock or coordination object of {@code slot} in this process. */
    <T> T instance(String slot, Class<T> type, Function<String, T> create) {
        return type.cast(instances.computeIfAbsent(slot, create));
    }

    /**
     * Has {@code leave} run when this instance closes normally, before it detaches: a member leaving is not a
     * member dying.
     */
    void leaveOnClose(Runnable leave) {
        leaveOnClose.add(leave);
    }

    /** Refuses locks on an instance opened for inspection, which has no process-table entry to own them. */
    void requireAttached(String lockSlot) {
        if (ownerToken == 0) {
            throw new IllegalStateException("cannot use lock '" + lockSlot + "' of region '" + name + "': the region "
                    + "was opened for inspection only (no process-table entry owns locks here); open it with "
                    + "SharedMemory.open(\"" + name + "\") to take locks");
        }
    }

    /** Records a new value object or lock word so that close retires it; fails if this instance is closed. */
    void register(SlotMemory addressHolder) {
        whileOpen(() -> {
            synchronized (addressHolders) {
                return addressHolders.add(addressHolder);
            }
        });
    }

    void checkOpen() {
        if (state != State.OPEN) {
            throw closedError(null);
        }
    }

    /** The exception for any access after close or unlink, naming the region and what to do. */
    IllegalStateException closedError(IllegalStateException cause) {
        String how = state == State.UNLINKED ? "was unlinked and closed" : "is closed";
        return new IllegalStateException(
                "region '" + name + "' " + how + " in this process: its shared memory is "
                        + "detached here; open it again with SharedMemory.open(\"" + name + "\") to keep using it",
                cause);
    }

    /** Removes the region's name, unless this instance is already let go of, then releases it as unlinked. */
    void unlink() {
        lifecycle.writeLock().lock();
        try {
            if (state == State.OPEN) {
                unlinkOwnName();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        release(State.UNLINKED);
    }

    /**
     * Removes the name if it still names the region this instance has mapped. A name that is gone, or that
     * now names a newer region created after another process removed this one, is not this instance's to
     * remove.
     */
    private void unlinkOwnName() {
        try (Arena call = Arena.ofConfined()) {
            int rc = Native.regionUnlinkIfSame(handle, call.allocateFrom(name), options.directoryIn(call));
            if (rc != 0 && rc != RegionLayout.E_NOENT && rc != RegionLayout.E_REPLACED) {
                throw Errors.region(rc, name, options, "remove");
            }
        }
    }

    /**
     * Detaches this process and lets go of the mapping, in the three steps of {@link SlotMemory}'s
     * Javadoc: retire every address holder, replace the mapping by reserved private memory, release the
     * range once this instance is unreachable. Idempotent.
     */
    void release(State newState) {
        if (state == State.OPEN) {
            // Leaving a barrier is not dying: unregister before the process-table entry goes.
            leaveOnClose.forEach(Runnable::run);
        }
        lifecycle.writeLock().lock();
        try {
            if (state != State.OPEN) {
                return;
            }
            state = newState;
            boolean retiredAny;
            synchronized (addressHolders) {
                retiredAny = !addressHolders.isEmpty();
                addressHolders.forEach(SlotMemory::retire);
                addressHolders.clear();
            }
            mapping.close();
            if (retiredAny) {
                closeReserving();
            } else {
                Native.regionClose(handle);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Closes the handle but keeps the address range mapped, to private memory, until this instance is
     * unreachable: an operation may still hold an address it read before its object was retired. If the
     * kernel could not replace the mapping, the range is left alone for good rather than risk unmapping a
     * range that something else has mapped since.
     */
    private void closeReserving() {
        if (Native.regionCloseReserving(handle) == 0) {
            ReservedRanges.CLEANER.register(this, new ReservedRanges.Release(memory.address(), memory.byteSize()));
        }
    }

    /**
     * Releases the address ranges of closed regions once their {@code Region} is unreachable: then no value
     * object is reachable either (each holds its region), so no operation can still be touching the range.
     */
    private static final class ReservedRanges {

        static final Cleaner CLEANER = Cleaner.create(
                Thread.ofPlatform().name("interproc-range-release").factory());

        record Release(long base, long size) implements Runnable {
            @Override
            public void run() {
                Native.rangeRelease(MemorySegment.ofAddress(base), size);
            }
        }
    }
}
