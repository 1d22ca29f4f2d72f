package dev.interproc.testing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique names for what tests create in a shared namespace (regions and directories in /dev/shm, abstract socket
 * addresses), so that parallel forks, repeated runs and the leftovers of a killed run never collide.
 */
public final class TestRegions {

    /** The pid alone repeats: a killed run's leftovers can carry the pid that a later run gets. */
    private static final String RUN = ProcessHandle.current().pid() + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong());

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestRegions() {}

    /** A name no other call returns, in this run or another: {@code ip-test-<pid>-<random>-<n>-<purpose>}. */
    public static String uniqueName(String purpose) {
        return "ip-test-" + RUN + "-" + COUNTER.incrementAndGet() + "-" + purpose;
    }
}
