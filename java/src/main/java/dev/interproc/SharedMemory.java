package dev.interproc;

import dev.interproc.codec.Codec;
import java.util.List;

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
 * <p>Every slot accessor blocks only briefly, on the region's directory lock, when it creates a slot, and
 * throws {@link IllegalArgumentException} for a slot name that is not 1 to 63 characters from
 * {@code A-Z a-z 0-9 . _ - : /}, {@link IncompatibleSlotException} for a slot of another type or shape,
 * {@link InsufficientSpaceException} when the region's data area or directory is full, and
 * {@link IllegalStateException} once this instance is closed.
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

    private final Region region;
    private final SlotDirectory slots;

    private SharedMemory(Region region) {
        this.region = region;
        this.slots = new SlotDirectory(region);
    }

    /**
     * Creates a new region with the default options.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @return the new region, attached to this process
     * @throws RegionExistsException if the name is taken
     */
    public static SharedMemory create(String name) {
        return create(name, RegionOptions.defaults());
    }

    /**
     * Creates a new region. The memory is allocated now, so too little free shared memory fails here, never later.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @param options the size, limits, mode, directory and open timeout
     * @return the new region, attached to this process
     * @throws RegionExistsException if the name is taken
     * @throws InsufficientSpaceException if the file system has too little free space
     */
    public static SharedMemory create(String name, RegionOptions options) {
        return new SharedMemory(Region.connect(name, options, Region.Mode.CREATE));
    }

    /**
     * Opens an existing region with the default options.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @return the region, attached to this process
     * @throws RegionNotFoundException if it does not exist
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged
     */
    public static SharedMemory open(String name) {
        return open(name, RegionOptions.defaults());
    }

    /**
     * Opens an existing region, waiting up to the options' open timeout for its creator to finish
     * initialising it.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @param options the size, limits, mode, directory and open timeout
     * @return the region, attached to this process
     * @throws RegionNotFoundException if it does not exist
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged, or still initialising after the timeout
     */
    public static SharedMemory open(String name, RegionOptions options) {
        return new SharedMemory(Region.connect(name, options, Region.Mode.OPEN));
    }

    /**
     * Opens the region, or creates it with the default options.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @return the region, attached to this process; {@link #isCreator()} says which happened
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged
     */
    public static SharedMemory openOrCreate(String name) {
        return openOrCreate(name, RegionOptions.defaults());
    }

    /**
     * Opens the region, or creates it with these options; of racing processes exactly one creates it.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @param options the size, limits, mode, directory and open timeout
     * @return the region, attached to this process; {@link #isCreator()} says which happened
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged
     */
    public static SharedMemory openOrCreate(String name, RegionOptions options) {
        return new SharedMemory(Region.connect(name, options, Region.Mode.OPEN_OR_CREATE));
    }

    /**
     * Removes the name of a region; processes that have it open keep using it until they close it.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @return true if it was removed, false if there was no such name
     */
    public static boolean unlink(String name) {
        return unlink(name, RegionOptions.defaults());
    }

    /**
     * As {@link #unlink(String)}, in the options' directory.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @param options the size, limits, mode, directory and open timeout
     * @return true if it was removed, false if there was no such name
     */
    public static boolean unlink(String name, RegionOptions options) {
        return Region.unlink(name, options);
    }

    /**
     * A snapshot of a region, read without attaching to it: this process does not appear in its process
     * table and takes no lock.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @return the header, the attached processes and every slot
     * @throws RegionNotFoundException if it does not exist
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged
     */
    public static RegionInfo inspect(String name) {
        return inspect(name, RegionOptions.defaults());
    }

    /**
     * As {@link #inspect(String)}, in the options' directory.
     *
     * @param name the region's name: 1 to 200 characters from {@code A-Z a-z 0-9 . _ -}, not starting with {@code .}
     * @param options the size, limits, mode, directory and open timeout
     * @return the header, the attached processes and every slot
     * @throws RegionNotFoundException if it does not exist
     * @throws IncompatibleRegionException if the object is not a region of this layout version, or is damaged
     */
    public static RegionInfo inspect(String name, RegionOptions options) {
        return RegionInspector.inspect(name, options);
    }

    /**
     * Every interproc region in /dev/shm, sorted by name. Other shared-memory objects are skipped: only
     * their header is read (never mapped), and one without the interproc magic is not listed.
     *
     * @return a {@link RegionInfo} for each region this library reads, an {@link UnreadableRegion} for each one of
     *     another layout version, not ready, or damaged
     */
    public static List<RegionListing> list() {
        return list(RegionOptions.defaults());
    }

    /**
     * As {@link #list()}, in the options' directory.
     *
     * @param options the size, limits, mode, directory and open timeout
     * @return the regions there, as {@link #list()} says
     */
    public static List<RegionListing> list(RegionOptions options) {
        return RegionInspector.list(options);
    }

    /**
     * Maps a region without attaching to it. The instance has owner token 0: it refuses locks (and every
     * slot accessor that would need one) with an {@link IllegalStateException}.
     */
    static SharedMemory openForInspection(String name, RegionOptions options) {
        return new SharedMemory(Region.connect(name, options, Region.Mode.INSPECT));
    }

    /** The region behind this instance, for tests that look at its internals. */
    Region region() {
        return region;
    }

    /** {@return the region's name} */
    public String name() {
        return region.name();
    }

    /** {@return the options this instance was opened or created with} */
    public RegionOptions options() {
        return region.options();
    }

    /** {@return the total bytes of the region, as its creator chose} */
    public long size() {
        return region.memory().byteSize();
    }

    /** {@return whether this instance created the region, rather than opening an existing one} */
    public boolean isCreator() {
        return region.isCreator();
    }

    /** {@return whether {@link #close()} or {@link #unlink()} was called on this instance} */
    public boolean isClosed() {
        return region.isClosed();
    }

    // ------------------------------------------------------------------------------------- values

    /**
     * {@return the int slot called {@code slot}, created with value 0 if it does not exist}
     *
     * @param slot the slot's name
     */
    public SharedInt sharedInt(String slot) {
        return sharedInt(slot, 0);
    }

    /**
     * {@return the int slot called {@code slot}, created with {@code initialValue} if it does not exist}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     */
    public SharedInt sharedInt(String slot, int initialValue) {
        return sharedInt(slot, initialValue, null);
    }

    /**
     * {@return the int slot called {@code slot}, guarded by {@code lock} (shared by several values, like the
     * state and job id of one worker) instead of its default lock}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     * @param lock the lock that guards the value, or null for its default lock
     */
    public SharedInt sharedInt(String slot, int initialValue, SharedMutex lock) {
        return SharedInt.find(slots, slot, initialValue, lock);
    }

    /**
     * {@return the long slot called {@code slot}, created with value 0 if it does not exist}
     *
     * @param slot the slot's name
     */
    public SharedLong sharedLong(String slot) {
        return sharedLong(slot, 0L);
    }

    /**
     * {@return the long slot called {@code slot}, created with {@code initialValue} if it does not exist}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     */
    public SharedLong sharedLong(String slot, long initialValue) {
        return sharedLong(slot, initialValue, null);
    }

    /**
     * {@return the long slot called {@code slot}, guarded by {@code lock} (shared by several values, like the
     * state and job id of one worker) instead of its default lock}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     * @param lock the lock that guards the value, or null for its default lock
     */
    public SharedLong sharedLong(String slot, long initialValue, SharedMutex lock) {
        return SharedLong.find(slots, slot, initialValue, lock);
    }

    /**
     * {@return the double slot called {@code slot}, created with value 0.0 if it does not exist}
     *
     * @param slot the slot's name
     */
    public SharedDouble sharedDouble(String slot) {
        return sharedDouble(slot, 0.0);
    }

    /**
     * {@return the double slot called {@code slot}, created with {@code initialValue} if it does not exist}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     */
    public SharedDouble sharedDouble(String slot, double initialValue) {
        return sharedDouble(slot, initialValue, null);
    }

    /**
     * {@return the double slot called {@code slot}, guarded by {@code lock} (shared by several values, like
     * the state and job id of one worker) instead of its default lock}
     *
     * @param slot the slot's name
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     * @param lock the lock that guards the value, or null for its default lock
     */
    public SharedDouble sharedDouble(String slot, double initialValue, SharedMutex lock) {
        return SharedDouble.find(slots, slot, initialValue, lock);
    }

    /**
     * {@return the int array slot called {@code slot} of exactly {@code length} elements, created zeroed}
     *
     * @param slot the slot's name
     * @param length the number of elements, positive; an existing slot must have the same
     */
    public SharedIntArray sharedIntArray(String slot, int length) {
        return sharedIntArray(slot, length, null);
    }

    /**
     * {@return the int array slot called {@code slot}, guarded by {@code lock} instead of its default lock}
     *
     * @param slot the slot's name
     * @param length the number of elements, positive; an existing slot must have the same
     * @param lock the lock that guards the value, or null for its default lock
     */
    public SharedIntArray sharedIntArray(String slot, int length, SharedMutex lock) {
        return SharedIntArray.find(slots, slot, length, lock);
    }

    /**
     * {@return the long array slot called {@code slot} of exactly {@code length} elements, created zeroed}
     *
     * @param slot the slot's name
     * @param length the number of elements, positive; an existing slot must have the same
     */
    public SharedLongArray sharedLongArray(String slot, int length) {
        return sharedLongArray(slot, length, null);
    }

    /**
     * {@return the long array slot called {@code slot}, guarded by {@code lock} instead of its default lock}
     *
     * @param slot the slot's name
     * @param length the number of elements, positive; an existing slot must have the same
     * @param lock the lock that guards the value, or null for its default lock
     */
    public SharedLongArray sharedLongArray(String slot, int length, SharedMutex lock) {
        return SharedLongArray.find(slots, slot, length, lock);
    }

    /**
     * The enum slot called {@code slot}, created with {@code initialValue} if it does not exist. The slot
     * records the enum's class name and every constant with its stored code (see {@link SharedEnum}); an
     * existing slot recorded for an incompatible enum is refused with an {@link IncompatibleSlotException}
     * that lists the differences.
     *
     * @param <E> the enum type
     * @param slot the slot's name
     * @param type the enum class; every process must use compatible constants and codes
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     * @return the enum slot
     */
    public <E extends Enum<E>> SharedEnum<E> sharedEnum(String slot, Class<E> type, E initialValue) {
        return sharedEnum(slot, type, initialValue, null);
    }

    /**
     * As {@link #sharedEnum(String, Class, Enum)}, guarded by {@code lock} (shared by several values, like
     * the state and job id of one worker) instead of the value's default lock.
     *
     * @param <E> the enum type
     * @param slot the slot's name
     * @param type the enum class; every process must use compatible constants and codes
     * @param initialValue the value a new slot starts with; ignored if the slot exists
     * @param lock the lock that guards the value, or null for its default lock
     * @return the enum slot
     */
    public <E extends Enum<E>> SharedEnum<E> sharedEnum(String slot, Class<E> type, E initialValue, SharedMutex lock) {
        return SharedEnum.find(slots, slot, type, initialValue, lock);
    }

    // ------------------------------------------------------------------------------------- locks

    /**
     * The non-reentrant lock called {@code slot}, created free if it does not exist. See {@link SharedMutex}
     * for the contract.
     *
     * @param slot the slot's name
     * @return the one instance of this lock in this process
     * @throws IllegalStateException if the region is closed, or was opened for inspection only
     */
    public SharedLock sharedLock(String slot) {
        return SharedLock.find(slots, slot);
    }

    /**
     * As {@link #sharedLock(String)}, with a handler that repairs the guarded state after an owner's death.
     *
     * @param slot the slot's name
     * @param handler repairs the guarded state after an owner's death
     * @return the one instance of this lock in this process
     */
    public SharedLock sharedLock(String slot, OwnerDeathHandler handler) {
        SharedLock lock = sharedLock(slot);
        lock.setOwnerDeathHandler(handler);
        return lock;
    }

    /**
     * The reentrant lock called {@code slot}, created free if it does not exist. See {@link SharedMutex}
     * for the contract.
     *
     * @param slot the slot's name
     * @return the one instance of this lock in this process
     * @throws IllegalStateException if the region is closed, or was opened for inspection only
     */
    public SharedRLock sharedRLock(String slot) {
        return SharedRLock.find(slots, slot);
    }

    /**
     * As {@link #sharedRLock(String)}, with a handler that repairs the guarded state after an owner's death.
     *
     * @param slot the slot's name
     * @param handler repairs the guarded state after an owner's death
     * @return the one instance of this lock in this process
     */
    public SharedRLock sharedRLock(String slot, OwnerDeathHandler handler) {
        SharedRLock lock = sharedRLock(slot);
        lock.setOwnerDeathHandler(handler);
        return lock;
    }

    // ------------------------------------------------------------------------------------- coordination

    /**
     * The counting semaphore called {@code slot}, created with {@code permits} permits if it does not
     * exist. See {@link SharedSemaphore}.
     *
     * @param slot the slot's name
     * @param permits the initial permits, at least 0; every process must name the same number
     * @return the one instance of this semaphore in this process
     */
    public SharedSemaphore sharedSemaphore(String slot, int permits) {
        return SharedSemaphore.find(slots, slot, permits, false);
    }

    /**
     * The bounded semaphore called {@code slot}: like {@link #sharedSemaphore} but a release beyond the
     * initial {@code permits} is refused, like Python's BoundedSemaphore.
     *
     * @param slot the slot's name
     * @param permits the initial permits, at least 0; every process must name the same number
     * @return the one instance of this semaphore in this process
     */
    public SharedSemaphore sharedBoundedSemaphore(String slot, int permits) {
        return SharedSemaphore.find(slots, slot, permits, true);
    }

    /**
     * {@return the event called {@code slot}, created unset if it does not exist} See {@link SharedEvent}.
     *
     * @param slot the slot's name
     */
    public SharedEvent sharedEvent(String slot) {
        return SharedEvent.find(slots, slot);
    }

    /**
     * The barrier called {@code slot}, created if it does not exist. This process becomes a member until
     * this instance is closed: its death breaks the barrier. See {@link SharedBarrier}.
     *
     * @param slot the slot's name
     * @param parties the parties that trip the barrier, at least 1; every process must name the same number
     * @return the one instance of this barrier in this process
     */
    public SharedBarrier sharedBarrier(String slot, int parties) {
        return SharedBarrier.find(slots, slot, parties);
    }

    /**
     * The message queue called {@code slot}, created empty if it does not exist, taking messages of up to half
     * its capacity (less 4 bytes). See {@link SharedQueue}.
     *
     * @param slot the slot's name
     * @param capacityBytes the ring's bytes, a power of two from 64 to 2^40; every process must name the same
     * @return the one instance of this queue in this process
     * @throws IllegalArgumentException if the capacity is out of range
     */
    public SharedQueue sharedQueue(String slot, long capacityBytes) {
        return sharedQueue(slot, capacityBytes, QueueGeometry.defaultMaxMessage(capacityBytes));
    }

    /**
     * The message queue called {@code slot}, created empty if it does not exist. See {@link SharedQueue}.
     *
     * @param slot the slot's name
     * @param capacityBytes the ring's bytes, a power of two from 64 to 2^40; every process must name the same
     * @param maxMessageBytes the largest message, whose record (4 + bytes, rounded up to 8) takes at most half the
     *     ring; every process must name the same
     * @return the one instance of this queue in this process
     * @throws IllegalArgumentException if the capacity or the maximum is out of range
     */
    public SharedQueue sharedQueue(String slot, long capacityBytes, int maxMessageBytes) {
        return SharedQueue.find(slots, slot, capacityBytes, maxMessageBytes);
    }

    /**
     * The joinable queue called {@code slot} (Python's {@code JoinableQueue}), created empty if it does not exist,
     * seen through {@code codec}. See {@link JoinableQueue}.
     *
     * @param <E> the element type
     * @param slot the slot's name
     * @param capacityBytes the ring's bytes, a power of two from 64 to 2^40; every process must name the same
     * @param maxMessageBytes the largest encoded element, whose record (4 + bytes, rounded up to 8) takes at most
     *     half the ring; every process must name the same
     * @param elementType the class of the elements ({@code Object.class} for any)
     * @param codec encodes and decodes the elements
     * @return a view of the queue; the task counts are this process's one instance of the slot
     * @throws IllegalArgumentException if the capacity or the maximum is out of range
     */
    public <E> JoinableQueue<E> joinableQueue(
            String slot, long capacityBytes, int maxMessageBytes, Class<E> elementType, Codec codec) {
        return JoinableQueue.find(slots, slot, capacityBytes, maxMessageBytes, elementType, codec);
    }

    /**
     * {@return the names of the slots in the region's directory, in creation order}
     *
     * @throws IllegalStateException if this instance is closed
     */
    public List<String> slotNames() {
        return slots.names();
    }

    // ------------------------------------------------------------------------------------- lifecycle

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
        region.release(Region.State.CLOSED);
    }

    /**
     * Removes the region's name so that no process can open it any more, then closes this instance.
     * Processes that have it open keep working on it until they close it.
     *
     * <p>Only this instance's own region is removed: if another process has removed it already and a new
     * region has taken its name since, the new region is left alone and this instance is just closed. The
     * name is compared with this region by device and inode and then removed in a second step, since POSIX
     * has no atomic "remove if it is this object": a region created under the name between the two steps
     * is still removed (docs/layout.md, "Removing a region").
     */
    public void unlink() {
        region.unlink();
    }

    @Override
    public String toString() {
        return "SharedMemory[" + name() + ", " + size() + " bytes, " + options().location()
                + (isClosed() ? ", closed" : "") + "]";
    }
}
