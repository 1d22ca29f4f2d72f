package dev.interproc;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh region for each test, created before it and removed after it:
 * {@code @RegisterExtension final TestRegion region = new TestRegion("lock");}.
 */
final class TestRegion implements BeforeEachCallback, AfterEachCallback {

    private final String name;
    private final RegionOptions options;
    private SharedMemory memory;

    TestRegion(String purpose) {
        this(purpose, RegionOptions.defaults());
    }

    TestRegion(String purpose, RegionOptions options) {
        this.name = TestRegions.uniqueName(purpose);
        this.options = options;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        memory = SharedMemory.create(name, options);
    }

    /** Closes this handle and removes the name, also when the test closed or unlinked the region itself. */
    @Override
    public void afterEach(ExtensionContext context) {
        memory.close();
        SharedMemory.unlink(name, options);
    }

    /** The region's name, for child processes to open it. */
    String name() {
        return name;
    }

    /** This test's handle on the region. */
    SharedMemory memory() {
        return memory;
    }
}
