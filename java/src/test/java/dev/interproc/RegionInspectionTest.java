package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SharedMemory.inspect and list: snapshots taken without attaching, and inspection handles refuse locks. */
class RegionInspectionTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("inspect");

    @RegisterExtension
    final TestRegion damaged = new TestRegion("damaged");

    /**
     * A region whose header another process scribbled on is listed as unreadable, naming what broke, and the
     * healthy regions are still listed beside it.
     */
    @Test
    void listShowsHealthyRegionsBesideADamagedOne() {
        region.memory().sharedLong("healthy", 7);
        damaged.memory().sharedLong("victim", 1);
        RawSlotWriter.writeHeaderInt(
                damaged.name(), dev.interproc.internal.ffm.RegionLayout.HEADER_SLOT_COUNT_OFFSET, 0x7ffffff0);
        Map<String, RegionListing> listed =
                SharedMemory.list().stream().collect(Collectors.toMap(RegionListing::name, listing -> listing));
        RegionInfo healthy = assertInstanceOf(RegionInfo.class, listed.get(region.name()));
        assertEquals("7", healthy.slots().get(0).value());
        UnreadableRegion unreadable = assertInstanceOf(UnreadableRegion.class, listed.get(damaged.name()));
        assertTrue(unreadable.problem().contains("damaged"), unreadable.problem());
    }

    @Test
    void inspectionDoesNotAttachAndReadsTheHeader() {
        SharedMemory memory = region.memory();
        memory.sharedInt("count", 3);
        RegionInfo first = SharedMemory.inspect(region.name());
        RegionInfo second = SharedMemory.inspect(region.name());
        long pid = ProcessHandle.current().pid();
        assertEquals(
                List.of(new ProcessInfo(
                        0, (int) pid, first.processes().getFirst().startTime(), true)),
                second.processes(),
                "the inspector must not appear in the process table");
        assertEquals((int) pid, first.creatorPid());
        assertTrue(first.creatorAlive());
        assertEquals(RegionOptions.DEFAULT_SIZE, first.size());
        assertEquals(List.of(new SlotInfo("count", "SharedInt", 4, "3", null, List.of(3))), first.slots());
    }

    @Test
    void coordinationSlotsAreDescribedInWords() throws Exception {
        SharedMemory memory = region.memory();
        SharedSemaphore semaphore = memory.sharedBoundedSemaphore("permits", 3);
        semaphore.acquire();
        memory.sharedEvent("ready").set();
        memory.sharedEvent("stopping");
        SharedBarrier barrier = memory.sharedBarrier("start", 2);
        assertThrows(java.util.concurrent.TimeoutException.class, () -> barrier.await(java.time.Duration.ZERO));
        memory.sharedLock("queue").newCondition("not-empty");
        Map<String, String> described = SharedMemory.inspect(region.name()).slots().stream()
                .filter(slot -> !slot.name().contains("lock") && !slot.name().equals("queue"))
                .collect(Collectors.toMap(SlotInfo::name, SlotInfo::value));
        assertEquals(
                Map.of(
                        "permits",
                        "2 of 3 permits available (bounded)",
                        "ready",
                        "set",
                        "stopping",
                        "clear",
                        "start",
                        "broken",
                        "queue/not-empty",
                        "0 waiting"),
                described);
    }

    /** A directory entry whose size or offset does not fit its slot is reported, and the other slots still show. */
    @Test
    void aCorruptDirectoryEntryIsReportedNotFatal() {
        SharedMemory memory = region.memory();
        memory.sharedBarrier("shrunk", 2);
        memory.sharedSemaphore("moved", 1);
        memory.sharedInt("count", 7);
        RawSlotWriter.writeRecordedSize(region.name(), "shrunk", 8);
        RawSlotWriter.writeRecordedOffset(region.name(), "moved", memory.size() + 4096);
        Map<String, String> described = SharedMemory.inspect(region.name()).slots().stream()
                .collect(Collectors.toMap(SlotInfo::name, SlotInfo::value));
        assertTrue(
                described.get("shrunk").startsWith("unreadable: 8 bytes are too few for its type; words ["),
                described.get("shrunk"));
        assertEquals("unreadable: the directory places it outside the region", described.get("moved"));
        assertEquals("7", described.get("count"));
    }

    @Test
    void anInspectionHandleRefusesLocks() {
        SharedMemory memory = region.memory();
        try (SharedMemory inspection = SharedMemory.openForInspection(region.name(), RegionOptions.defaults())) {
            memory.sharedLock("lock");
            memory.sharedLong("value");
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> inspection.sharedLock("lock"));
            assertTrue(refused.getMessage().contains("opened for inspection only"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> inspection.sharedRLock("lock"));
            assertThrows(
                    IllegalStateException.class,
                    () -> inspection.sharedLong("value").getLock());
        }
    }

    @Test
    void listFindsRegionsAndInspectFailsForMissingOnes() {
        assertTrue(SharedMemory.list().stream().anyMatch(listed -> listed.name().equals(region.name())));
        region.memory().unlink();
        assertFalse(
                SharedMemory.list().stream().anyMatch(listed -> listed.name().equals(region.name())));
        assertThrows(RegionNotFoundException.class, () -> SharedMemory.inspect(region.name()));
    }
}
