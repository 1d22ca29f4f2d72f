package dev.interproc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A named region of shared memory that several processes map at once, holding named, typed slots:
 * {@link SharedInt}, {@link SharedLong}, {@link SharedDouble}, {@link SharedIntArray},
 * {@link SharedLongArray} and {@link SharedEnum}.
 *
 * <pre>{@code
 * try (SharedMemory memory = SharedMemory.openOrCreate("orders")) {
 *     SharedLong processed = memory.sharedLong("processed");
 *     processed.incrementAndGet();          // visible at once to every process that opened "orders"
 * }
 * }</pre>
 *
 * <h2>Slots</h2>
 * Each accessor ({@link #sharedLong(String)}, ...) finds the slot of that name or creates it, atomically
 * across processes: two processes asking for "processed" at once get the same slot, and the initial
 * value is used only by the one that creates it. A slot that exists with another type, length or enum
 * is refused with an {@link IncompatibleSlotException} naming both. The value objects access the mapped
 * memory through VarHandles; no value operation calls native code.
 *
 * <h2>Lifetime</h2>
 * Opening a region attaches this process to it (an entry of the region's process table, held for as
 * long as the region is open here, and released by the kernel if the process dies). {@link #close()}
 * detaches and lets go of the shared memory: afterwards every accessor and every value object obtained
 * from this instance throws {@link IllegalStateException}, never reads unmapped memory. The region
 * itself lives until {@link #unlink()} removes its name; processes that still have it open keep
 * working on it.
 *
 * <h2>Tools</h2>
 * {@link #inspect(String)} and {@link #list()} read regions without attaching to them (what
 * {@code interproc ls} and {@code interproc show} print): snapshots of the header, the attached processes
 * and every slot, as {@link RegionInfo}.
 *
 * <h2>Thread safety</h2>
 * Instances and the value objects are safe for use by any number of platform and virtual threads.
 */
public final class SharedMemory implements AutoCloseable {

    private static final Pattern REGION_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    private static final Pattern SLOT_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,63}");

    private enum Mode {
        CREATE,
        OPEN,
        OPEN_OR_CREATE,
        INSPECT
    }

    private enum State {
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
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final ConcurrentMap<String, Object> primitives = new ConcurrentHashMap<>();
    /** The value objects and lock words of this instance that are still reachable: close retires them. */
    private final Set<SlotMemory> addressHolders = Collections.newSetFromMap(new WeakHashMap<>());

    private volatile State state = State.OPEN;

    private SharedMemory(String name, RegionOptions options, boolean created, MemorySegment handle) {
        this.name = name;
        this.options = options;
        this.created = created;
        this.handle = handle;
        this.mapping = Arena.ofShared();
        this.memory = Native.regionBase(handle).reinterpret(Native.regionSize(handle), mapping, null);
        this.ownerToken = Native.regionOwnerToken(handle);
    }

    /** Creates a new region with the default options; fails if the name is taken. */
    public static SharedMemory create(String name) {
        return create(name, RegionOptions.defaults());
    }

    /**
     * Creates a new region; fails with {@link RegionExistsException} if the name is taken. The memory is
     * allocated now: too little free shared memory is an {@link InsufficientSpaceException} here.
     */
    public static SharedMemory create(String name, RegionOptions options) {
        return connect(name, options, Mode.CREATE);
    }

    /** Opens an existing region with the default options. */
    public static SharedMemory open(String name) {
        return open(name, RegionOptions.defaults());
    }

    /**
     * Opens an existing region, waiting up to the options' open timeout for its creator to finish
     * initialising it. Fails with {@link RegionNotFoundException} when it does not exist and with
     * {@link IncompatibleRegionException} when the object is not a region of this layout version.
     */
    public static SharedMemory open(String name, RegionOptions options) {
        return connect(name, options, Mode.OPEN);
    }

    /** Opens the region, or creates it with the default options. */
    public static SharedMemory openOrCreate(String name) {
        return openOrCreate(name, RegionOptions.defaults());
    }

    /** Opens the region, or creates it with these options; of racing processes exactly one creates it. */
    public static SharedMemory openOrCreate(String name, RegionOptions options) {
        return connect(name, options, Mode.OPEN_OR_CREATE);
    }

    /**
     * Removes the name of a region; processes that have it open keep using it until they close it.
     *
     * @return true if it was removed, false if there was no such name
     */
    public static boolean unlink(String name) {
        return unlink(name, RegionOptions.defaults());
    }

    /** As {@link #unlink(String)}, in the options' directory. */
    public static boolean unlink(String name, RegionOptions options) {
        checkRegionName(name);
        try (Arena call = Arena.ofConfined()) {
            int rc = Native.regionUnlink(call.allocateFrom(name), directory(call, options));
            if (rc == RegionLayout.E_NOENT) {
                return false;
            }
            if (rc != 0) {
                throw Errors.region(rc, name, options, "remove");
            }
            return true;
        }
    }

    /**
     * A snapshot of the region called {@code name}, read without attaching to it: this process does not
     * appear in its process table and takes no lock. Fails like {@link #open(String)}: with
     * {@link RegionNotFoundException} when it does not exist and {@link IncompatibleRegionException} when
     * the object is not a region of this layout version.
     */
    public static RegionInfo inspect(String name) {
        return inspect(name, RegionOptions.defaults());
    }

    /** As {@link #inspect(String)}, in the options' directory. */
    public static RegionInfo inspect(String name, RegionOptions options) {
        try (SharedMemory region = openForInspection(name, options)) {
            return RegionInspector.snapshot(region);
        }
    }

    /**
     * Every interproc region in /dev/shm, sorted by name: a {@link RegionInfo} for each region this library
     * reads, an {@link UnreadableRegion} for each one of another layout version, not ready, or damaged.
     * Other shared-memory objects are skipped: only their header is read (never mapped), and one without
     * the interproc magic is not listed.
     */
    public static List<RegionListing> list() {
        return list(RegionOptions.defaults());
    }

    /** As {@link #list()}, in the options' directory. */
    public static List<RegionListing> list(RegionOptions options) {
        return RegionInspector.list(options);
    }

    /**
     * Maps a region without attaching to it. The instance has owner token 0: it refuses locks (and every
     * slot accessor that would need one) with an {@link IllegalStateException}.
     */
    static SharedMemory openForInspection(String name, RegionOptions options) {
        return connect(name, options, Mode.INSPECT);
    }

    static boolean isValidRegionName(String name) {
        return REGION_NAME.matcher(name).matches();
    }

    private static SharedMemory connect(String name, RegionOptions options, Mode mode) {
        checkRegionName(name);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment cName = call.allocateFrom(name);
            MemorySegment dir = directory(call, options);
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
                throw Errors.region(
                        rc,
                        name,
                        options,
                        switch (mode) {
                            case CREATE -> "create";
                            case INSPECT -> "inspect";
                            default -> "open";
                        });
            }
            boolean created = mode == Mode.CREATE || (mode == Mode.OPEN_OR_CREATE && createdFlag.get(JAVA_INT, 0) == 1);
            return new SharedMemory(name, options, created, out.get(ADDRESS, 0));
        }
    }

    private static MemorySegment directory(Arena arena, RegionOptions options) {
        return options.directory()
                .map(path -> arena.allocateFrom(path.toString()))
                .orElse(MemorySegment.NULL);
    }

    private static void checkRegionName(String name) {
        if (name == null || !REGION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid region name '" + name + "': use 1 to 200 characters from"
                    + " A-Z a-z 0-9 . _ - , not starting with '.'");
        }
    }

    private static void checkSlotName(String slot) {
        if (slot == null || !SLOT_NAME.matcher(slot).matches()) {
            throw new IllegalArgumentException(
                    "invalid slot name '" + slot + "': use 1 to 63 characters from" + " A-Z a-z 0-9 . _ - : /");
        }
    }

    /** The region's name. */
    public String name() {
        return name;
    }

    /** The options this instance was opened or created with. */
    public RegionOptions options() {
        return options;
    }

    /** Total bytes of the region, as its creator chose. */
    public long size() {
        return memory.byteSize();
    }

    /** Whether this instance created the region (rather than opening an existing one). */
    public boolean isCreator() {
        return created;
    }

    /** Whether {@link #close()} or {@link #unlink()} was called on this instance. */
    public boolean isClosed() {
        return state != State.OPEN;
    }

    // ------------------------------------------------------------------------------------- slots

    /** The int slot called {@code slot}, created with value 0 if it does not exist. */
    public SharedInt sharedInt(String slot) {
        return sharedInt(slot, 0);
    }

    /** The int slot called {@code slot}, created with {@code initialValue} if it does not exist. */
    public SharedInt sharedInt(String slot, int initialValue) {
        return sharedInt(slot, initialValue, null);
    }

    /**
     * As {@link #sharedInt(String, int)}, guarded by {@code lock} (shared by several values, like the state
     * and job id of one worker) instead of the value's default lock; null for the default.
     */
    public SharedInt sharedInt(String slot, int initialValue, SharedMutex lock) {
        Slot found = ensureSlot(
                slot,
                RegionLayout.TYPE_INT32,
                Integer.BYTES,
                NO_META,
                Integer.BYTES,
                init -> init.set(JAVA_INT, 0, initialValue));
        return new SharedInt(this, slot, found.memory(), lock);
    }

    /** The long slot called {@code slot}, created with value 0 if it does not exist. */
    public SharedLong sharedLong(String slot) {
        return sharedLong(slot, 0L);
    }

    /** The long slot called {@code slot}, created with {@code initialValue} if it does not exist. */
    public SharedLong sharedLong(String slot, long initialValue) {
        return sharedLong(slot, initialValue, null);
    }

    /**
     * As {@link #sharedLong(String, long)}, guarded by {@code lock} (shared by several values, like the state
     * and job id of one worker) instead of the value's default lock; null for the default.
     */
    public SharedLong sharedLong(String slot, long initialValue, SharedMutex lock) {
        Slot found = ensureSlot(
                slot,
                RegionLayout.TYPE_INT64,
                Long.BYTES,
                NO_META,
                Long.BYTES,
                init -> init.set(JAVA_LONG, 0, initialValue));
        return new SharedLong(this, slot, found.memory(), lock);
    }

    /** The double slot called {@code slot}, created with value 0.0 if it does not exist. */
    public SharedDouble sharedDouble(String slot) {
        return sharedDouble(slot, 0.0);
    }

    /** The double slot called {@code slot}, created with {@code initialValue} if it does not exist. */
    public SharedDouble sharedDouble(String slot, double initialValue) {
        return sharedDouble(slot, initialValue, null);
    }

    /**
     * As {@link #sharedDouble(String, double)}, guarded by {@code lock} (shared by several values, like the state
     * and job id of one worker) instead of the value's default lock; null for the default.
     */
    public SharedDouble sharedDouble(String slot, double initialValue, SharedMutex lock) {
        Slot found = ensureSlot(
                slot,
                RegionLayout.TYPE_FLOAT64,
                Double.BYTES,
                NO_META,
                Double.BYTES,
                init -> init.set(JAVA_DOUBLE, 0, initialValue));
        return new SharedDouble(this, slot, found.memory(), lock);
    }

    /** The int array slot called {@code slot} of exactly {@code length} elements, created zeroed. */
    public SharedIntArray sharedIntArray(String slot, int length) {
        return sharedIntArray(slot, length, null);
    }

    /** As {@link #sharedIntArray(String, int)}, guarded by {@code lock}; null for the default lock. */
    public SharedIntArray sharedIntArray(String slot, int length, SharedMutex lock) {
        checkLength(slot, length);
        Slot found =
                ensureSlot(slot, RegionLayout.TYPE_INT32_ARRAY, (long) length * Integer.BYTES, NO_META, 0, init -> {});
        return new SharedIntArray(this, slot, found.memory(), length, lock);
    }

    /** The long array slot called {@code slot} of exactly {@code length} elements, created zeroed. */
    public SharedLongArray sharedLongArray(String slot, int length) {
        return sharedLongArray(slot, length, null);
    }

    /** As {@link #sharedLongArray(String, int)}, guarded by {@code lock}; null for the default lock. */
    public SharedLongArray sharedLongArray(String slot, int length, SharedMutex lock) {
        checkLength(slot, length);
        Slot found =
                ensureSlot(slot, RegionLayout.TYPE_INT64_ARRAY, (long) length * Long.BYTES, NO_META, 0, init -> {});
        return new SharedLongArray(this, slot, found.memory(), length, lock);
    }

    /**
     * The enum slot called {@code slot}, holding a constant of {@code type}, created with {@code initialValue}
     * if it does not exist. The slot records the enum's class name and every constant with its stored code
     * (see {@link SharedEnum}); an existing slot recorded for an incompatible enum is refused with an
     * {@link IncompatibleSlotException} that lists the differences.
     */
    public <E extends Enum<E>> SharedEnum<E> sharedEnum(String slot, Class<E> type, E initialValue) {
        return sharedEnum(slot, type, initialValue, null);
    }

    /**
     * As {@link #sharedEnum(String, Class, Enum)}, guarded by {@code lock} (shared by several values, like the
     * state and job id of one worker) instead of the value's default lock; null for the default.
     */
    public <E extends Enum<E>> SharedEnum<E> sharedEnum(String slot, Class<E> type, E initialValue, SharedMutex lock) {
        EnumCodes<E> codes = EnumCodes.of(type);
        int initialCode = codes.codeOf(initialValue);
        byte[] descriptor = codes.descriptor();
        Slot found;
        try {
            found = ensureSlot(
                    slot,
                    RegionLayout.TYPE_ENUM,
                    Integer.BYTES,
                    descriptor,
                    Integer.BYTES,
                    init -> init.set(JAVA_INT, 0, initialCode));
        } catch (IncompatibleSlotException e) {
            if (e.errorCode() != RegionLayout.E_SLOTMETA) {
                throw e;
            }
            String stored = new String(storedMeta(slot), StandardCharsets.UTF_8);
            throw new IncompatibleSlotException(
                    "enum slot '" + slot + "' in region '" + name
                            + "' was created for an incompatible enum: " + codes.differencesFrom(stored)
                            + ". Every process must use the same constants and codes; give constants stable codes with "
                            + CodedEnum.class.getSimpleName() + " to reorder them safely",
                    e.errorCode());
        }
        return new SharedEnum<>(this, slot, found.memory(), codes, lock);
    }

    // ------------------------------------------------------------------------------------- locks

    /**
     * The non-reentrant lock called {@code slot}, created free if it does not exist. Every call for the
     * same name returns the same instance; see {@link SharedMutex} for the contract.
     */
    public SharedLock sharedLock(String slot) {
        requireAttached(slot);
        MemorySegment word = ensureSlot(slot, RegionLayout.TYPE_LOCK, RegionLayout.LOCK_SIZE, NO_META, 0, init -> {})
                .memory();
        return (SharedLock)
                primitives.computeIfAbsent(slot, key -> new SharedLock(this, key, new LockWord(this, word)));
    }

    /** As {@link #sharedLock(String)}, with a handler that repairs the guarded state after an owner's death. */
    public SharedLock sharedLock(String slot, OwnerDeathHandler handler) {
        SharedLock lock = sharedLock(slot);
        lock.setOwnerDeathHandler(handler);
        return lock;
    }

    /**
     * The reentrant lock called {@code slot}, created free if it does not exist. Every call for the same name
     * returns the same instance; see {@link SharedMutex} for the contract.
     */
    public SharedRLock sharedRLock(String slot) {
        requireAttached(slot);
        MemorySegment word = ensureSlot(slot, RegionLayout.TYPE_RLOCK, RegionLayout.LOCK_SIZE, NO_META, 0, init -> {})
                .memory();
        return (SharedRLock)
                primitives.computeIfAbsent(slot, key -> new SharedRLock(this, key, new LockWord(this, word)));
    }

    /** As {@link #sharedRLock(String)}, with a handler that repairs the guarded state after an owner's death. */
    public SharedRLock sharedRLock(String slot, OwnerDeathHandler handler) {
        SharedRLock lock = sharedRLock(slot);
        lock.setOwnerDeathHandler(handler);
        return lock;
    }

    // ------------------------------------------------------------------------------------- coordination

    /**
     * The counting semaphore called {@code slot}, created with {@code permits} permits if it does not exist;
     * every process must name the same number. See {@link SharedSemaphore}.
     */
    public SharedSemaphore sharedSemaphore(String slot, int permits) {
        return semaphore(slot, permits, false);
    }

    /**
     * The bounded semaphore called {@code slot}: like {@link #sharedSemaphore} but a release beyond the
     * initial {@code permits} is refused, like Python's BoundedSemaphore.
     */
    public SharedSemaphore sharedBoundedSemaphore(String slot, int permits) {
        return semaphore(slot, permits, true);
    }

    private SharedSemaphore semaphore(String slot, int permits, boolean bounded) {
        if (permits < 0) {
            throw new IllegalArgumentException("semaphore '" + slot + "' needs permits >= 0, was " + permits);
        }
        int processes = maxProcesses();
        byte[] meta = ("permits=" + permits + " bounded=" + bounded).getBytes(StandardCharsets.UTF_8);
        MemorySegment words = ensureSlot(
                        slot,
                        RegionLayout.TYPE_SEMAPHORE,
                        SharedSemaphore.size(processes),
                        meta,
                        SharedSemaphore.INIT_LENGTH,
                        init -> SharedSemaphore.initialise(init, permits, bounded))
                .memory();
        return (SharedSemaphore)
                primitives.computeIfAbsent(slot, key -> new SharedSemaphore(this, key, words, processes));
    }

    /** The event called {@code slot}, created unset if it does not exist. See {@link SharedEvent}. */
    public SharedEvent sharedEvent(String slot) {
        MemorySegment word = ensureSlot(slot, RegionLayout.TYPE_EVENT, SharedEvent.SIZE, NO_META, 0, init -> {})
                .memory();
        return (SharedEvent) primitives.computeIfAbsent(slot, key -> new SharedEvent(this, key, word));
    }

    /**
     * The barrier called {@code slot} for {@code parties} parties, created if it does not exist; every process
     * must name the same number. This process becomes a member until this instance is closed: its death
     * breaks the barrier. See {@link SharedBarrier}.
     */
    public SharedBarrier sharedBarrier(String slot, int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("barrier '" + slot + "' needs at least one party, was " + parties);
        }
        byte[] meta = ("parties=" + parties).getBytes(StandardCharsets.UTF_8);
        MemorySegment words = ensureSlot(
                        slot,
                        RegionLayout.TYPE_BARRIER,
                        SharedBarrier.size(parties),
                        meta,
                        SharedBarrier.INIT_LENGTH,
                        init -> SharedBarrier.initialise(init, parties))
                .memory();
        return (SharedBarrier) primitives.computeIfAbsent(slot, key -> new SharedBarrier(this, key, words, parties));
    }

    SharedCondition sharedCondition(SharedMutex lock, String slot) {
        MemorySegment words = ensureSlot(
                        slot, RegionLayout.TYPE_CONDITION, SharedCondition.SIZE, NO_META, 0, init -> {})
                .memory();
        return (SharedCondition) primitives.computeIfAbsent(slot, key -> new SharedCondition(lock, key, words));
    }

    /** The default lock of a value slot: a reentrant lock named after it, as Python's Value has an RLock. */
    SharedRLock defaultLockOf(String valueSlot) {
        return sharedRLock(valueSlot + "/lock");
    }

    /** Refuses locks on an instance opened for inspection, which has no process-table entry to own them. */
    private void requireAttached(String lockSlot) {
        if (ownerToken == 0) {
            throw new IllegalStateException("cannot use lock '" + lockSlot + "' of region '" + name + "': the region "
                    + "was opened for inspection only (no process-table entry owns locks here); open it with "
                    + "SharedMemory.open(\"" + name + "\") to take locks");
        }
    }

    /** The whole mapped region, for {@link RegionInspector}. */
    MemorySegment mappedMemory() {
        return memory;
    }

    /** This instance's owner token in the region's process table (the value a held lock word holds). */
    int ownerToken() {
        return ownerToken;
    }

    /** Whether the process an owner token names is alive (the region's process table says so). */
    boolean ownerAlive(int token) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            int rc = Native.ownerAlive(handle, token);
            if (rc < 0) {
                throw new InterprocException(
                        "a lock word in region '" + name + "' holds owner token " + token
                                + ", which names no process-table entry: the region is corrupt (" + Native.strerror(rc)
                                + ")",
                        rc);
            }
            return rc == 1;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private int maxProcesses() {
        return memory.get(JAVA_INT, RegionLayout.HEADER_MAX_PROCESSES_OFFSET);
    }

    /** The process-table index an owner token names. */
    int processIndexOf(int token) {
        return (token & ((1 << RegionLayout.TOKEN_INDEX_BITS) - 1)) - 1;
    }

    /** The pid recorded in the process-table entry an owner token names (it may be stale once the entry is reused). */
    int pidOf(int token) {
        long entry = memory.get(JAVA_LONG, RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET)
                + processIndexOf(token) * RegionLayout.PROCESS_ENTRY_SIZE;
        return memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET);
    }

    /**
     * The pid recorded in the process-table entry an owner token names, or 0 if the entry no longer belongs to
     * that token: freed (a dead process's entry is reclaimed by the next attach, which zeroes its pid) or reused
     * by another process (another generation). For messages only: it reads the entry without its lock.
     */
    int pidOfToken(int token) {
        long entry = memory.get(JAVA_LONG, RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET)
                + processIndexOf(token) * RegionLayout.PROCESS_ENTRY_SIZE;
        int generationMask = (1 << RegionLayout.TOKEN_GENERATION_BITS) - 1;
        int generation = memory.get(JAVA_INT, entry + RegionLayout.PROCESS_GENERATION_OFFSET) & generationMask;
        boolean attached =
                memory.get(JAVA_INT, entry + RegionLayout.PROCESS_STATE_OFFSET) == RegionLayout.PROCESS_ATTACHED;
        return attached && generation == token >>> RegionLayout.TOKEN_INDEX_BITS
                ? memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET)
                : 0;
    }

    /** "free", "held by pid N" or "held by dead process (pid N)", for messages and tools. */
    String describeOwner(int token) {
        if (token == 0) {
            return "free";
        }
        return ownerAlive(token)
                ? "held by pid " + pidOf(token)
                : "held by a dead process (entry " + processIndexOf(token) + ")";
    }

    private static final byte[] NO_META = new byte[0];

    private record Slot(MemorySegment memory) {}

    private static void checkLength(String slot, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("array slot '" + slot + "' needs a positive length, was " + length);
        }
    }

    private Slot ensureSlot(
            String slot, int type, long size, byte[] meta, long initLength, Consumer<MemorySegment> initializer) {
        checkSlotName(slot);
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Arena call = Arena.ofConfined()) {
                MemorySegment init = call.allocate(Math.max(initLength, 1));
                initializer.accept(init);
                MemorySegment metaSegment = meta.length == 0 ? MemorySegment.NULL : call.allocateFrom(JAVA_BYTE, meta);
                MemorySegment index = call.allocate(JAVA_INT);
                MemorySegment createdFlag = call.allocate(JAVA_INT);
                int rc = Native.slotEnsure(
                        handle,
                        call.allocateFrom(slot),
                        type,
                        size,
                        metaSegment,
                        meta.length,
                        initLength == 0 ? MemorySegment.NULL : init,
                        initLength,
                        index,
                        createdFlag);
                if (rc == RegionLayout.E_SLOTTYPE || rc == RegionLayout.E_SLOTSIZE || rc == RegionLayout.E_SLOTMETA) {
                    throw incompatibleSlot(rc, slot, type, size);
                }
                if (rc != 0) {
                    throw Errors.slot(rc, slot, name, size);
                }
                long entry = directoryEntry(index.get(JAVA_INT, 0));
                long offset = memory.get(JAVA_LONG, entry + RegionLayout.SLOT_VALUE_OFFSET_OFFSET);
                return new Slot(memory.asSlice(offset, size));
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private IncompatibleSlotException incompatibleSlot(int rc, String slot, int type, long size) {
        int index = findSlot(slot);
        long entry = directoryEntry(index);
        int storedType = memory.get(JAVA_INT, entry + RegionLayout.SLOT_TYPE_OFFSET);
        long storedSize = memory.get(JAVA_LONG, entry + RegionLayout.SLOT_SIZE_OFFSET);
        String message;
        if (rc == RegionLayout.E_SLOTTYPE) {
            message = "slot '" + slot + "' in region '" + name + "' is a " + Errors.typeName(storedType) + ", not a "
                    + Errors.typeName(type) + ": use the accessor of its type, or another slot name";
        } else if (rc == RegionLayout.E_SLOTSIZE) {
            message = "slot '" + slot + "' in region '" + name + "' is a " + Errors.typeName(storedType) + " of "
                    + storedSize + " bytes, not " + size + " (arrays keep the length they were created with)";
        } else {
            message = "slot '" + slot + "' in region '" + name + "' was created with other type metadata";
        }
        return new IncompatibleSlotException(message, rc);
    }

    private int findSlot(String slot) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment index = call.allocate(JAVA_INT);
            int rc = Native.slotFind(handle, call.allocateFrom(slot), index);
            if (rc != 0) {
                throw Errors.slot(rc, slot, name, 0);
            }
            return index.get(JAVA_INT, 0);
        }
    }

    private byte[] storedMeta(String slot) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            long entry = directoryEntry(findSlot(slot));
            long metaOffset = memory.get(JAVA_LONG, entry + RegionLayout.SLOT_META_OFFSET_OFFSET);
            int metaLength = memory.get(JAVA_INT, entry + RegionLayout.SLOT_META_LENGTH_OFFSET);
            return memory.asSlice(metaOffset, metaLength).toArray(JAVA_BYTE);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private long directoryEntry(int index) {
        return memory.get(JAVA_LONG, RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET)
                + index * RegionLayout.SLOT_ENTRY_SIZE;
    }

    /** The names of the slots in the region's directory, in creation order. */
    public List<String> slotNames() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            int count = (int) JAVA_INT.varHandle().getAcquire(memory, RegionLayout.HEADER_SLOT_COUNT_OFFSET);
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                names.add(memory.getString(directoryEntry(i) + RegionLayout.SLOT_NAME_OFFSET));
            }
            return names;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------------- lifecycle

    /** Records a new value object or lock word so that close retires it; fails if this instance is closed. */
    void register(SlotMemory addressHolder) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            synchronized (addressHolders) {
                addressHolders.add(addressHolder);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
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

    /**
     * Detaches this process from the region and lets go of its shared memory. Idempotent. Other processes
     * are not affected.
     *
     * <p>Value objects obtained from this instance throw {@link IllegalStateException} in every thread
     * that sees the close (an operation that happens after it, or any operation once the close has
     * become visible). An operation racing with the close takes effect either on the region or on
     * private memory that replaces the region's mapping until this instance is unreachable, and is then
     * lost: it never faults. Locks and the other coordination objects are detached as one step.
     */
    @Override
    public void close() {
        release(State.CLOSED);
    }

    /**
     * Removes the region's name so that no process can open it any more, then closes this instance.
     * Processes that have it open keep working on it until they close it.
     */
    public void unlink() {
        lifecycle.writeLock().lock();
        try {
            if (state == State.OPEN) {
                unlink(name, options);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        release(State.UNLINKED);
    }

    private void release(State newState) {
        if (state == State.OPEN) {
            // Leaving a barrier is not dying: unregister before the process-table entry goes.
            primitives.values().stream()
                    .filter(SharedBarrier.class::isInstance)
                    .map(SharedBarrier.class::cast)
                    .forEach(SharedBarrier::leave);
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

    @Override
    public String toString() {
        return "SharedMemory[" + name + ", " + size() + " bytes, " + options.location() + (isClosed() ? ", closed" : "")
                + "]";
    }

    /**
     * Releases the address ranges of closed regions once their {@code SharedMemory} is unreachable: then
     * no value object is reachable either, so no operation can still be touching the range.
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
