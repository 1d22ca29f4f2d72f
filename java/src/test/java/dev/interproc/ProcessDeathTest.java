package dev.interproc;

import static dev.interproc.ChildProcesses.STARTUP;
import static dev.interproc.ChildProcesses.child;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A process killed with SIGKILL, whatever it was doing, leaves a region the others can go on using. */
class ProcessDeathTest {

    /** Exit code of a process killed by SIGKILL (128 + 9). */
    private static final int KILLED = 137;

    /** Room for this process and one child: killedProcessFreesItsProcessTableEntry fills the table. */
    @RegisterExtension
    final TestRegion region = new TestRegion("death", RegionOptions.defaults().withMaxProcesses(2));

    private static void killAndReap(JavaProcess child) throws Exception {
        child.kill();
        assertEquals(KILLED, child.waitFor(ChildProcesses.RUN), child::transcript);
    }

    @Test
    void processKilledWhileHoldingTheDirectoryLock() throws Exception {
        SharedMemory memory = region.memory();
        memory.sharedLong("before", 42);
        try (JavaProcess child =
                child("pause-in-directory", region.name(), "half-written").start()) {
            StartHandshake.awaitReady(child, STARTUP);
            child.awaitErrorLine("interproc-debug: pausing with the directory lock held"::equals, STARTUP);
            killAndReap(child);
        }
        SharedLong after = memory.sharedLong("after", 5);
        assertEquals(List.of("before", "after"), memory.slotNames(), "the half-written slot stays invisible");
        assertEquals(42, memory.sharedLong("before").get());
        assertEquals(5, after.get());
        SharedLong recreated = memory.sharedLong("half-written", 9);
        assertEquals(9, recreated.get(), "a slot of the dead writer's name is created afresh");
        assertEquals(List.of("before", "after", "half-written"), memory.slotNames());
    }

    @Test
    void killedProcessFreesItsProcessTableEntry() throws Exception {
        try (JavaProcess child = child("attach", region.name()).start()) {
            StartHandshake.awaitReady(child, STARTUP);
            InsufficientSpaceException full =
                    assertThrows(InsufficientSpaceException.class, () -> SharedMemory.open(region.name()));
            assertEquals(RegionLayout.E_PROCFULL, full.errorCode());
            assertTrue(full.getMessage().contains("process table is full of live processes"), full.getMessage());
            killAndReap(child);
        }
        try (SharedMemory third = SharedMemory.open(region.name())) {
            assertFalse(third.isCreator());
            third.sharedLong("works").incrementAndGet();
            assertEquals(1, region.memory().sharedLong("works").get());
        }
    }
}
