package dev.interproc;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The absolute address of a slot's memory in this process, through which value objects and lock words
 * access it, and which the region's close retires.
 *
 * <p><b>The access path.</b> Operations are VarHandle accesses to {@link #ALL_MEMORY}, one
 * segment over the whole address space, at the slot's absolute {@link #address()}. That segment is a
 * constant to the JIT, so an access costs one field load (the address) and the memory operation itself:
 * no region segment's bounds, alignment and liveness checks run on every access.
 *
 * <p><b>Closing.</b> Since the arena's liveness check is not on this path, the region's close makes it
 * safe differently ({@link SharedMemory#close()}):
 * <pre>
 *   close(), under the region's lifecycle write lock
 *     1. every registered object's address := RETIRED (opaque store; negative, so an access is out of
 *        ALL_MEMORY's bounds and throws IndexOutOfBoundsException, reported as IllegalStateException)
 *     2. the shared mapping is replaced by private anonymous memory in one mmap(MAP_FIXED) step
 *        (ip_region_close_reserving): the address range stays valid
 *     3. the range is released (munmap) only once the SharedMemory is unreachable: every object holds
 *        its region, and every operation keeps its object reachable to its end
 * </pre>
 * An operation that read its address before step 1 and touches memory after step 2 reads zeros and
 * writes where no other process sees it (a futex call waits on private memory): it never faults. An
 * operation that starts after close() in a thread that saw the close (happens-before) throws
 * {@link IllegalStateException}; the address is read with opaque semantics, so every thread sees the
 * retirement eventually even without synchronising.
 */
abstract class SlotMemory {

    /** The whole address space as one segment, indexed by absolute address. */
    static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** The address of a slot whose region is closed: outside {@link #ALL_MEMORY}, and 8-byte aligned. */
    private static final long RETIRED = Long.MIN_VALUE;

    private static final VarHandle ADDRESS;

    static {
        try {
            ADDRESS = MethodHandles.lookup().findVarHandle(SlotMemory.class, "address", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SharedMemory region;
    @SuppressWarnings("unused") // accessed through ADDRESS
    private long address;

    /** Registers the new object with its region, which fails if the region is closed. */
    SlotMemory(SharedMemory region, MemorySegment memory) {
        this.region = region;
        this.address = memory.address();
        region.register(this);
    }

    /** The absolute address of the slot's memory in {@link #ALL_MEMORY}, or a negative one once closed. */
    final long address() {
        return (long) ADDRESS.getOpaque(this);
    }

    /** Makes every later operation throw: called by the region's close, before the mapping is replaced. */
    final void retire() {
        ADDRESS.setOpaque(this, RETIRED);
    }

    /** The exception for an operation on a closed region. */
    final IllegalStateException closedError() {
        return region.closedError(null);
    }
}
