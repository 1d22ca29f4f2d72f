package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SharedMemoryTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("memory");

    /** For the tests of creating and opening, which make the region themselves (or a file in its place). */
    @RegisterExtension
    final TestRegion unmade = TestRegion.nameOnly("memory-unmade");

    @Test
    void valuesAreSharedBetweenTwoMappings() {
        SharedMemory creator = region.memory();
        try (SharedMemory opener = SharedMemory.open(region.name())) {
            assertTrue(creator.isCreator());
            assertFalse(opener.isCreator());
            SharedLong a = creator.sharedLong("counter", 40);
            SharedLong b = opener.sharedLong("counter", 7);
            assertEquals(40, b.get(), "the initial value of an existing slot is ignored");
            assertEquals(42, a.addAndGet(2));
            assertEquals(42, b.get());
            assertTrue(b.compareAndSet(42, 100));
            assertFalse(a.compareAndSet(42, 1));
            assertEquals(100, a.getAndSet(5));
            assertEquals(6, b.incrementAndGet());
            assertEquals(6, a.getAndDecrement());
            assertEquals(50, a.updateAndGet(v -> v * 10));
            assertEquals(50, b.getAndAccumulate(3, Math::max));
            a.setRelease(9);
            assertEquals(9, b.getAcquire());
            a.setOpaque(11);
            assertEquals(11, b.getOpaque());
            assertEquals(java.util.List.of("counter"), opener.slotNames());
        }
    }

    /** The operations all numeric types share are AtomicContractTest's; here what only doubles do. */
    @Test
    void doublesAddFractionsAndCompareBitPatterns() {
        SharedMemory memory = region.memory();
        SharedDouble d = memory.sharedDouble("d", 1.5);
        assertEquals(1.5, d.getAndAdd(0.25));
        assertEquals(1.75, d.get());
        assertFalse(d.compareAndSet(-0.0, 3.0));
        d.set(0.0);
        assertFalse(d.compareAndSet(-0.0, 3.0), "compareAndSet compares bit patterns");
        assertTrue(d.compareAndSet(0.0, 3.0));
    }

    /** A slot of another type is refused in SlotContractTest. */
    @Test
    void arrayOfAnotherLengthAndBadNamesAreRefused() {
        SharedMemory memory = region.memory();
        memory.sharedLongArray("a", 4);
        IncompatibleSlotException length =
                assertThrows(IncompatibleSlotException.class, () -> memory.sharedLongArray("a", 5));
        assertTrue(length.getMessage().contains("is a SharedLongArray of 4 elements, not 5"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> memory.sharedLongArray("b", 0));
        assertThrows(IllegalArgumentException.class, () -> memory.sharedLong("bad name"));
        assertThrows(IllegalArgumentException.class, () -> memory.sharedLong("x".repeat(64)));
    }

    /** The slots' uses after close are SlotContractTest's; here the region's own. */
    @Test
    void closedRegionThrowsIllegalStateEverywhere() {
        SharedMemory memory = region.memory();
        memory.close();
        memory.close();
        assertTrue(memory.isClosed());
        IllegalStateException listing = assertThrows(IllegalStateException.class, memory::slotNames);
        assertTrue(listing.getMessage().contains("region '" + region.name() + "' is closed"), listing.getMessage());
        assertThrows(IllegalStateException.class, () -> memory.sharedLong("v"));
    }

    @Test
    void unlinkedRegionIsGoneForOpenersButOthersKeepWorking() {
        SharedMemory first = region.memory();
        try (SharedMemory second = SharedMemory.open(region.name())) {
            SharedLong kept = second.sharedLong("kept");
            first.sharedLong("kept").set(5);
            first.unlink();
            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> first.sharedLong("kept"));
            assertTrue(gone.getMessage().contains("was unlinked and closed"), gone.getMessage());
            assertThrows(RegionNotFoundException.class, () -> SharedMemory.open(region.name()));
            assertEquals(6, kept.incrementAndGet());
        }
        assertFalse(SharedMemory.unlink(region.name()));
    }

    /** Another process removed this instance's region and created a new one of the name: not ours to remove. */
    @Test
    void unlinkLeavesANewRegionOfTheSameNameAlone() {
        SharedMemory first = region.memory();
        assertTrue(SharedMemory.unlink(region.name()));
        try (SharedMemory second = SharedMemory.create(region.name())) {
            second.sharedLong("mark").set(7);
            first.unlink();
            assertTrue(first.isClosed());
            try (SharedMemory reopened = SharedMemory.open(region.name())) {
                assertEquals(7, reopened.sharedLong("mark").get());
            }
        }
    }

    @Test
    void createOpenAndNames() {
        RegionNotFoundException missing =
                assertThrows(RegionNotFoundException.class, () -> SharedMemory.open(unmade.name()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        try (SharedMemory created = SharedMemory.openOrCreate(unmade.name());
                SharedMemory opened = SharedMemory.openOrCreate(unmade.name())) {
            assertTrue(created.isCreator());
            assertFalse(opened.isCreator());
            assertNotSame(created, opened);
            assertThrows(RegionExistsException.class, () -> SharedMemory.create(unmade.name()));
        }
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create("has/slash"));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(".hidden"));
        assertThrows(IllegalArgumentException.class, () -> SharedMemory.create(""));
        assertThrows(
                IllegalArgumentException.class, () -> RegionOptions.defaults().withSize(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> SharedMemory.create(
                        unmade.name(), RegionOptions.defaults().withSize(100)));
    }

    @Test
    void modeIsApplied() throws IOException {
        try (SharedMemory _ =
                SharedMemory.create(unmade.name(), RegionOptions.defaults().withMode(0640))) {
            assertEquals(
                    "rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shmPath(unmade.name()))));
        }
    }

    @Test
    void foreignObjectIsRefused() throws IOException {
        Files.write(shmPath(unmade.name()), new byte[8192]);
        Files.write(
                shmPath(unmade.name()),
                "some other program's data, not a region".repeat(100).getBytes());
        IncompatibleRegionException foreign =
                assertThrows(IncompatibleRegionException.class, () -> SharedMemory.open(unmade.name()));
        assertTrue(foreign.getMessage().contains("is not an interproc region"), foreign.getMessage());
        Files.write(shmPath(unmade.name()), new byte[] {1, 2, 3});
        assertThrows(IncompatibleRegionException.class, () -> SharedMemory.open(unmade.name()));
        assertThrows(IncompatibleRegionException.class, () -> SharedMemory.openOrCreate(unmade.name()));
    }

    @Test
    void regionThatNeverFinishesInitialisingTimesOut() throws IOException {
        Files.write(shmPath(unmade.name()), new byte[0]);
        IncompatibleRegionException stuck = assertThrows(
                IncompatibleRegionException.class,
                () -> SharedMemory.open(
                        unmade.name(), RegionOptions.defaults().withOpenTimeout(Duration.ofMillis(100))));
        assertTrue(stuck.getMessage().contains("still initialising after 100 ms"), stuck.getMessage());
    }

    @Test
    void otherLayoutVersionIsRefusedNamingBoth() throws IOException {
        region.memory().sharedLong("x");
        region.memory().close();
        int other = RegionLayout.LAYOUT_VERSION + 1;
        try (FileChannel channel = FileChannel.open(shmPath(region.name()), StandardOpenOption.WRITE)) {
            ByteBuffer version =
                    ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, other);
            channel.write(version, RegionLayout.HEADER_LAYOUT_VERSION_OFFSET);
        }
        IncompatibleRegionException refused =
                assertThrows(IncompatibleRegionException.class, () -> SharedMemory.open(region.name()));
        assertTrue(
                refused.getMessage()
                        .contains("header field layout_version is " + other + ", this library reads layout version "
                                + RegionLayout.LAYOUT_VERSION),
                refused.getMessage());
    }

    @Test
    void regionLargerThanFreeSharedMemoryFailsAtCreation() throws IOException {
        long free = Files.getFileStore(Path.of("/dev/shm")).getUsableSpace();
        InsufficientSpaceException full = assertThrows(
                InsufficientSpaceException.class,
                () -> SharedMemory.create(
                        unmade.name(), RegionOptions.defaults().withSize(free + (1L << 30))));
        assertTrue(full.getMessage().contains("less free space"), full.getMessage());
        assertFalse(Files.exists(shmPath(unmade.name())), "a failed creation leaves no object behind");
    }

    @Test
    void fullDataAreaAndDirectory() {
        try (SharedMemory memory = SharedMemory.create(
                unmade.name(),
                RegionOptions.defaults().withSize(64 * 1024).withMaxSlots(2).withMaxProcesses(2))) {
            InsufficientSpaceException noRoom =
                    assertThrows(InsufficientSpaceException.class, () -> memory.sharedLongArray("big", 1 << 20));
            assertTrue(noRoom.getMessage().contains("withSize"), noRoom.getMessage());
            memory.sharedInt("a");
            memory.sharedInt("b");
            InsufficientSpaceException dirFull =
                    assertThrows(InsufficientSpaceException.class, () -> memory.sharedInt("c"));
            assertTrue(dirFull.getMessage().contains("withMaxSlots"), dirFull.getMessage());
            try (SharedMemory second = SharedMemory.open(unmade.name())) {
                InsufficientSpaceException tableFull =
                        assertThrows(InsufficientSpaceException.class, () -> SharedMemory.open(unmade.name()));
                assertTrue(tableFull.getMessage().contains("withMaxProcesses"), tableFull.getMessage());
                assertEquals(0, second.sharedInt("a").get());
            }
        }
    }

    static Path shmPath(String region) {
        return Path.of("/dev/shm", region);
    }
}
