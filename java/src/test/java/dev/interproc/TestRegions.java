package dev.interproc;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique region names for tests, so that runs and parallel forks never collide. */
final class TestRegions {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestRegions() {
    }

    static String uniqueName(String purpose) {
        return "ip-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + purpose;
    }
}
