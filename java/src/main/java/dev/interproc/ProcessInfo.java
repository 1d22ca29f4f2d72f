package dev.interproc;

/**
 * An entry of a region's process table that a process is attached through, as seen by
 * {@link SharedMemory#inspect(String)}.
 *
 * <p><b>alive</b> means that the process that attached through this entry still holds the entry's
 * liveness mutex: it is running and has not closed the region. A process that died without closing
 * the region (SIGKILL, a crash) is <em>dead</em>: the kernel released its robust mutex, so the answer
 * does not depend on PIDs, which the system may have reused. The next process that attaches reclaims a
 * dead entry. Inspecting probes liveness without reclaiming anything.
 *
 * @param index the entry's index in the process table
 * @param pid the process id the entry recorded when the process attached
 * @param startTime the process's start time in clock ticks since boot (field 22 of /proc/PID/stat)
 * @param alive whether the process is alive and still attached
 */
public record ProcessInfo(int index, int pid, long startTime, boolean alive) {}
