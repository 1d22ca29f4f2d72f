package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The region's process table as the Java side reads it: whether the process an owner token names is alive,
 * its pid, and the attached processes for tools. The table's layout and the meaning of an owner token
 * (entry index + 1 in the low {@code TOKEN_INDEX_BITS}, the entry's generation above) are specified in
 * docs/layout.md, "Process table"; every offset comes from {@link RegionLayout}.
 */
final class ProcessTable {

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int TOKEN_INDEX_MASK = (1 << RegionLayout.TOKEN_INDEX_BITS) - 1;
    private static final int TOKEN_GENERATION_MASK = (1 << RegionLayout.TOKEN_GENERATION_BITS) - 1;

    private final Region region;
    /** The table's geometry as the native side checked it at open, never re-read from the header. */
    private final int capacity;

    private final long tableOffset;

    ProcessTable(Region region) {
        this.region = region;
        this.capacity = Native.regionMaxProcesses(region.handle());
        this.tableOffset = Native.regionProcessTableOffset(region.handle());
    }

    /** The number of entries of the table, as its creator chose. */
    int capacity() {
        return capacity;
    }

    /** The table index an owner token names (it may lie outside the table if the token is corrupt). */
    static int indexOf(int token) {
        return (token & TOKEN_INDEX_MASK) - 1;
    }

    /** The owner token of entry {@code index} in its generation {@code generation}. */
    private static int tokenOf(int index, int generation) {
        return ((generation & TOKEN_GENERATION_MASK) << RegionLayout.TOKEN_INDEX_BITS) | (index + 1);
    }

    /**
     * Whether the process an owner token names is alive: its entry's liveness mutex is held.
     *
     * @throws IncompatibleRegionException if the token names no entry of the table, or the entry's liveness
     *     mutex is damaged
     * @throws IllegalStateException if the region is closed in this process
     */
    boolean isAlive(int token) {
        return region.whileOpen(() -> {
            int rc = Native.ownerAlive(region.handle(), token);
            if (rc < 0 && indexOf(token) >= 0 && indexOf(token) < capacity) {
                throw RegionDamage.whileOpen(region, rc, "check the owner of token " + token);
            }
            if (rc < 0) {
                throw new IncompatibleRegionException(
                        "region '" + region.name() + "' is damaged: an owner token (field word of a lock, token of a"
                                + " semaphore holder, or waiting[] or members[] of a barrier) is " + token
                                + ", which names no entry of the " + capacity + "-entry process table; remove the"
                                + " region (interproc rm) and create it again",
                        rc);
            }
            return rc == 1;
        });
    }

    /**
     * The pid recorded in the entry an owner token names, or 0 if the entry no longer belongs to that token:
     * freed (a dead process's entry is reclaimed by the next attach, which zeroes its pid), reused by another
     * process (another generation), or outside the table. For messages and tools only: it reads the entry
     * without its lock.
     */
    int pidOf(int token) {
        int index = indexOf(token);
        if (index < 0 || index >= capacity()) {
            return 0;
        }
        MemorySegment memory = region.memory();
        long entry = entry(index);
        int generation = (int) INT.getVolatile(memory, entry + RegionLayout.PROCESS_GENERATION_OFFSET);
        boolean sameOwner = isAttached(entry) && tokenOf(index, generation) == token;
        return sameOwner ? memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET) : 0;
    }

    /** "free", "held by pid N" or "held by a dead process (entry N)", for messages and tools. */
    String describeOwner(int token) {
        if (token == 0) {
            return "free";
        }
        return isAlive(token) ? "held by pid " + pidOf(token) : "held by a dead process (entry " + indexOf(token) + ")";
    }

    /** The processes attached now, with their liveness, for tools (a snapshot read without locks). */
    List<ProcessInfo> attached() {
        MemorySegment memory = region.memory();
        List<ProcessInfo> attached = new ArrayList<>();
        for (int index = 0, max = capacity(); index < max; index++) {
            long entry = entry(index);
            if (!isAttached(entry)) {
                continue;
            }
            int generation = (int) INT.getVolatile(memory, entry + RegionLayout.PROCESS_GENERATION_OFFSET);
            attached.add(new ProcessInfo(
                    index,
                    memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET),
                    memory.get(JAVA_LONG, entry + RegionLayout.PROCESS_START_TIME_OFFSET),
                    isAlive(tokenOf(index, generation))));
        }
        return attached;
    }

    private boolean isAttached(long entry) {
        return (int) INT.getAcquire(region.memory(), entry + RegionLayout.PROCESS_STATE_OFFSET)
                == RegionLayout.PROCESS_ATTACHED;
    }

    private long entry(int index) {
        return tableOffset + (long) index * RegionLayout.PROCESS_ENTRY_SIZE;
    }
}
