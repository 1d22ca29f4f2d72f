package dev.interproc;

import dev.interproc.testing.TestRegions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh region for each test, created before it and removed after it:
 * {@code @RegisterExtension final TestRegion region = new TestRegion("lock");}. A test that creates the region
 * itself (with options of its own, in a child process, or once per round) takes {@link #nameOnly(String)}.
 */
final class TestRegion implements BeforeEachCallback, AfterEachCallback {

    private final String name;
    private final RegionOptions options;
    private final boolean create;
    private SharedMemory memory;

    TestRegion(String purpose) {
        this(purpose, RegionOptions.defaults());
    }

    TestRegion(String purpose, RegionOptions options) {
        this(purpose, options, true);
    }

    private TestRegion(String purpose, RegionOptions options, boolean create) {
        this.name = TestRegions.uniqueName(purpose);
        this.options = options;
        this.create = create;
    }

    /**
     * A fresh name, removed after each test, for a region that the test creates itself: {@link #memory()} is not
     * available.
     */
    static TestRegion nameOnly(String purpose) {
        return new TestRegion(purpose, RegionOptions.defaults(), false);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (create) {
            memory = SharedMemory.create(name, options);
        }
    }

    /** Closes this handle and removes the name, also when the test closed or unlinked the region itself. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (memory != null) {
            memory.close();
        }
        SharedMemory.unlink(name, options);
    }

    /** The region's name, for child processes to open it. */
    String name() {
        return name;
    }

    /** This test's handle on the region. */
    SharedMemory memory() {
        if (memory == null) {
            throw new IllegalStateException("TestRegion.nameOnly(\"" + name + "\") created no region");
        }
        return memory;
    }
}
