package dev.interproc;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a region, read by {@link SharedMemory#inspect(String)} or {@link SharedMemory#list()}
 * without attaching to it. Values may change right after the snapshot; each is read atomically on its
 * own, but the snapshot as a whole is not taken under any lock.
 *
 * @param name the region's name
 * @param location where it lives: /dev/shm or the directory of {@link RegionOptions#withDirectory}
 * @param size total bytes of the region
 * @param layoutVersion the layout version of its header
 * @param creatorPid the pid of the process that created it
 * @param creatorStartTime the creator's start time in clock ticks since boot (tells a reused pid apart)
 * @param created when it was created (wall clock)
 * @param maxProcesses entries of its process table
 * @param maxSlots entries of its slot directory
 * @param processes the attached processes, alive or dead (see {@link ProcessInfo} for what alive means)
 * @param slots its slots, in creation order
 */
public record RegionInfo(
        String name,
        String location,
        long size,
        int layoutVersion,
        int creatorPid,
        long creatorStartTime,
        Instant created,
        int maxProcesses,
        int maxSlots,
        List<ProcessInfo> processes,
        List<SlotInfo> slots)
        implements RegionListing {

    /** Copies the lists, so that the snapshot is immutable. */
    public RegionInfo {
        processes = List.copyOf(processes);
        slots = List.copyOf(slots);
    }

    /**
     * The attached processes that are alive.
     *
     * @return the entries of {@link #processes()} whose process is alive, in table order
     */
    public List<ProcessInfo> liveProcesses() {
        return processes.stream().filter(ProcessInfo::alive).toList();
    }

    /**
     * Whether the creator is among the live attached processes (same pid and start time).
     *
     * @return {@code true} if a live entry has the creator's pid and start time
     */
    public boolean creatorAlive() {
        return processes.stream()
                .anyMatch(p -> p.alive() && p.pid() == creatorPid && p.startTime() == creatorStartTime);
    }
}
