package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.RegionOptions;
import dev.interproc.SharedLock;
import dev.interproc.SharedMemory;
import dev.interproc.codec.BytesCodec;
import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.testing.CodedPhase;
import dev.interproc.testing.TestRegions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * interproc ls, show and rm through picocli, on regions these tests create: in a private directory on
 * /dev/shm's tmpfs (so that {@code rm --dead} never touches anyone else's regions), and in /dev/shm itself
 * for the foreign-object case.
 */
class CliCommandsTest {

    private static final long PID = ProcessHandle.current().pid();

    private Path directory;
    private RegionOptions options;

    @BeforeEach
    void createDirectory() throws IOException {
        directory = Files.createDirectory(Path.of("/dev/shm", TestRegions.uniqueName("cli")));
        options = RegionOptions.defaults().withSize(64 * 1024).withDirectory(directory);
    }

    @AfterEach
    void removeDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private String dir() {
        return directory.toString();
    }

    @Test
    void lsListsRegionsWithProcessesAndSlots() {
        try (SharedMemory memory = SharedMemory.create("listed", options)) {
            memory.sharedLong("a");
            memory.sharedInt("b");
            CommandRun table = CommandRun.of("ls", "--dir", dir());
            assertEquals(0, table.exitCode(), table.err());
            String row = row(table.out(), "listed");
            assertTrue(row.contains("64.0 KiB") && row.contains("pid " + PID) && row.endsWith(" 2"), row);

            CommandRun json = CommandRun.of("ls", "--dir", dir(), "--json");
            assertEquals(0, json.exitCode(), json.err());
            assertTrue(json.out().contains("\"location\": \"" + dir() + "\""), json.out());
            assertTrue(json.out().contains("\"name\": \"listed\""), json.out());
            assertTrue(json.out().contains("\"readable\": true"), json.out());
            assertTrue(json.out().contains("\"pid\": " + PID + ",\n          \"alive\": true"), json.out());
            assertTrue(json.out().contains("\"slotCount\": 2"), json.out());
        }
    }

    @Test
    void lsOfAnEmptyDirectorySaysSo() {
        CommandRun result = CommandRun.of("ls", "--dir", dir());
        assertEquals(0, result.exitCode());
        assertEquals("no interproc regions in " + dir() + "\n", result.out());
    }

    @Test
    void showRendersEveryTypeOfSlot() throws Exception {
        try (SharedMemory memory = SharedMemory.create("shown", options)) {
            memory.sharedLong("jobs", 42);
            memory.sharedDouble("ratio", 0.5);
            memory.sharedEnum("mode", CodedPhase.class, CodedPhase.RUNNING);
            var array = memory.sharedLongArray("samples", 20);
            array.set(0, 3);
            memory.sharedLock("free");
            memory.sharedSemaphore("permits", 2);
            memory.sharedEvent("done");
            memory.sharedBarrier("meet", 1);
            memory.sharedQueue("work", 1024, 100).offer(new byte[10]);
            var tasks = memory.joinableQueue("tasks", 1024, 100, byte[].class, BytesCodec.INSTANCE);
            tasks.put(new byte[10]);
            tasks.put(new byte[20]);
            tasks.take();
            SharedLock held = memory.sharedLock("busy");
            held.lock();
            try {
                CommandRun text = CommandRun.of("show", "--dir", dir(), "shown");
                assertEquals(0, text.exitCode(), text.err());
                assertTrue(
                        text.out()
                                .startsWith("region shown in " + dir() + ": 64.0 KiB, layout version "
                                        + RegionLayout.LAYOUT_VERSION),
                        text.out());
                assertSlot(text.out(), "jobs", "SharedLong", "42");
                assertSlot(text.out(), "ratio", "SharedDouble", "0.5");
                assertSlot(text.out(), "mode", "SharedEnum<" + CodedPhase.class.getName() + ">", "RUNNING");
                assertSlot(text.out(), "samples", "SharedLongArray", "[3, 0, 0, 0, 0, 0, 0, 0, ... (20 elements)]");
                assertSlot(text.out(), "free", "SharedLock", "free");
                assertSlot(text.out(), "busy", "SharedLock", "held by pid " + PID);
                assertSlot(text.out(), "permits", "SharedSemaphore", "2 of 2 permits available");
                assertSlot(text.out(), "done", "SharedEvent", "clear");
                assertSlot(text.out(), "meet", "SharedBarrier", "0 of 1 parties waiting, 0 trips");
                assertSlot(
                        text.out(),
                        "work",
                        "SharedQueue",
                        "1 message, 16 of 1024 bytes held, messages up to 100 bytes");
                String tasksState = "1 message, 24 of 1024 bytes held, messages up to 100 bytes; 1 task in flight"
                        + " (pid " + PID + ": 1)";
                assertSlot(text.out(), "tasks", "JoinableQueue", tasksState);

                CommandRun json = CommandRun.of("show", "--dir", dir(), "shown", "--json");
                assertEquals(0, json.exitCode(), json.err());
                assertTrue(
                        json.out()
                                .contains("\"name\": \"mode\",\n      \"type\": \"SharedEnum<"
                                        + CodedPhase.class.getName()
                                        + ">\",\n      \"size\": 4,\n      \"value\": \"RUNNING\""),
                        json.out());
                assertTrue(
                        json.out()
                                .contains("\"state\": \"held\",\n        \"ownerPid\": " + PID
                                        + ",\n        \"waiters\": false,\n        \"fencingToken\": 1"),
                        json.out());
                assertTrue(json.out().contains("\"state\": \"free\""), json.out());
                assertTrue(
                        json.out()
                                .contains(
                                        "\"name\": \"work\",\n      \"type\": \"SharedQueue\",\n      \"size\": 1344,\n"
                                                + "      \"value\": \"1 message, 16 of 1024 bytes held, messages up to 100 bytes\""),
                        json.out());
                assertTrue(
                        json.out()
                                .contains("\"name\": \"tasks\",\n      \"type\": \"JoinableQueue\",\n      \"size\": "),
                        json.out());
                assertTrue(json.out().contains("\"value\": \"" + tasksState + "\""), json.out());
                assertTrue(
                        json.out()
                                .contains(
                                        "\"name\": \"jobs\",\n      \"type\": \"SharedLong\",\n      \"size\": 8,\n      \"value\": 42\n"),
                        json.out());
                assertTrue(
                        json.out().contains("\"type\": \"SharedDouble\",\n      \"size\": 8,\n      \"value\": 0.5\n"),
                        json.out());
                assertTrue(
                        json.out()
                                .contains("\"value\": [\n        3,\n" + "        0,\n".repeat(18)
                                        + "        0\n      ]"),
                        json.out());
            } finally {
                held.unlock();
            }
        }
    }

    @Test
    void showSaysWhenThreadsWaitForALock() throws Exception {
        try (SharedMemory memory = SharedMemory.create("contended", options)) {
            SharedLock lock = memory.sharedLock("queue");
            lock.lock();
            Thread waiter = Thread.ofPlatform().start(() -> {
                lock.lock();
                lock.unlock();
            });
            try {
                awaitWaitersBit("contended", "queue");
                CommandRun text = CommandRun.of("show", "--dir", dir(), "contended");
                assertSlot(text.out(), "queue", "SharedLock", "held by pid " + PID + ", waiters");
                CommandRun json = CommandRun.of("show", "--dir", dir(), "contended", "--json");
                assertTrue(json.out().contains("\"waiters\": true"), json.out());
            } finally {
                lock.unlock();
                waiter.join();
            }
            assertSlot(CommandRun.of("show", "--dir", dir(), "contended").out(), "queue", "SharedLock", "free");
        }
    }

    /** Waits until the waiter has set the lock word's waiters bit: the event the test needs, read from memory. */
    private void awaitWaitersBit(String region, String slot) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (SharedMemory.inspect(region, options).slots().stream()
                .noneMatch(s -> s.name().equals(slot) && s.lock().waiters())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the waiting thread never set the waiters bit of " + slot);
            }
            Thread.onSpinWait();
        }
    }

    /** The line of a table printed by a command whose first cell is {@code first}. */
    private static String row(String output, String first) {
        return output.lines()
                .filter(line -> line.startsWith(first + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + first + " in:\n" + output));
    }

    private static void assertSlot(String output, String slot, String type, String value) {
        String row = row(output, slot);
        String[] cells = row.split(" {2,}", 4);
        assertEquals(slot, cells[0], row);
        assertEquals(type, cells[1], row);
        assertEquals(value, cells[3], row);
    }

    @Test
    void aKilledCreatorIsShownDeadAndItsRegionRemovedByRmDead() throws Exception {
        try (JavaProcess holder = JavaProcess.builder(RegionHolder.class)
                        .args("abandoned", dir())
                        .start();
                SharedMemory _ = SharedMemory.create("in-use", options)) {
            holder.awaitLine(RegionHolder.READY::equals, Duration.ofSeconds(60));
            long childPid = holder.pid();
            CommandRun whileAlive = CommandRun.of("show", "--dir", dir(), "abandoned");
            assertSlot(whileAlive.out(), "held", "SharedLock", "held by pid " + childPid);
            CommandRun refused = CommandRun.of("rm", "--dir", dir(), "abandoned");
            assertEquals(1, refused.exitCode());
            assertTrue(refused.err().contains("in use by 1 live process (pid " + childPid + ")"), refused.err());

            holder.kill();
            holder.waitFor(Duration.ofSeconds(30));

            CommandRun ls = CommandRun.of("ls", "--dir", dir());
            String row = row(ls.out(), "abandoned");
            assertTrue(row.contains("pid " + childPid + " (gone)") && row.contains(childPid + " (dead)"), row);
            CommandRun shown = CommandRun.of("show", "--dir", dir(), "abandoned");
            assertTrue(shown.out().contains("processes: " + childPid + " (dead)"), shown.out());
            assertSlot(shown.out(), "held", "SharedLock", "owner dead (pid " + childPid + ")");
            assertSlot(shown.out(), "phase", "SharedEnum<" + CodedPhase.class.getName() + ">", "RUNNING");
            CommandRun json = CommandRun.of("show", "--dir", dir(), "abandoned", "--json");
            assertTrue(json.out().contains("\"state\": \"owner_dead\""), json.out());
            assertTrue(json.out().contains("\"pid\": " + childPid + ",\n      \"alive\": false"), json.out());

            CommandRun removed = CommandRun.of("rm", "--dir", dir(), "--dead");
            assertEquals(0, removed.exitCode(), removed.err());
            assertTrue(removed.out().contains("removed abandoned (no live process; 1 dead)"), removed.out());
            assertTrue(removed.out().contains("kept in-use: 1 live process"), removed.out());
            assertEquals(1, CommandRun.of("show", "--dir", dir(), "abandoned").exitCode());
            assertEquals(0, CommandRun.of("show", "--dir", dir(), "in-use").exitCode());
        }
    }

    @Test
    void rmRefusesARegionInUseUnlessForced() {
        try (SharedMemory _ = SharedMemory.create("busy", options)) {
            CommandRun refused = CommandRun.of("rm", "--dir", dir(), "busy");
            assertEquals(1, refused.exitCode());
            assertTrue(
                    refused.err().contains("in use by 1 live process (pid " + PID + "); not removed"), refused.err());
            CommandRun forced = CommandRun.of("rm", "--dir", dir(), "--force", "busy");
            assertEquals(0, forced.exitCode(), forced.err());
            assertEquals("removed busy\n", forced.out());
            assertFalse(Files.exists(directory.resolve("busy")));
            assertEquals(1, CommandRun.of("rm", "--dir", dir(), "busy").exitCode());
        }
    }

    @Test
    void aForeignObjectInDevShmIsSkippedAndNeverRemoved() throws IOException {
        String foreign = TestRegions.uniqueName("foreign");
        Path file = Path.of("/dev/shm", foreign);
        Files.write(
                file,
                "not an interproc region\n".repeat(400).getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        String region = TestRegions.uniqueName("beside-foreign");
        try (SharedMemory _ = SharedMemory.create(region)) {
            CommandRun ls = CommandRun.of("ls");
            assertEquals(0, ls.exitCode(), ls.err());
            assertTrue(ls.out().contains(region + " "), ls.out());
            assertFalse(ls.out().contains(foreign), ls.out());
            assertFalse(CommandRun.of("ls", "--json").out().contains(foreign));

            CommandRun show = CommandRun.of("show", foreign);
            assertEquals(1, show.exitCode());
            assertEquals(
                    "interproc show: '" + foreign + "' in /dev/shm is not an interproc region (another program made "
                            + "it); nothing to show\n",
                    show.err());
            CommandRun rm = CommandRun.of("rm", "--force", foreign);
            assertEquals(1, rm.exitCode());
            assertTrue(
                    rm.err().contains("is not an interproc region (another program made it); not removed"), rm.err());
            assertTrue(Files.exists(file));
        } finally {
            Files.delete(file);
            SharedMemory.unlink(region);
        }
    }

    @Test
    void aRegionOfAnotherLayoutVersionIsListedButNotRead() throws IOException {
        int otherVersion = RegionLayout.LAYOUT_VERSION + 98;
        Path file = directory.resolve("future");
        try (FileChannel channel = FileChannel.open(
                        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
                Arena arena = Arena.ofConfined()) {
            MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, 64 * 1024, arena);
            MemorySegment.copy(
                    "interprc".getBytes(StandardCharsets.US_ASCII),
                    0,
                    header,
                    ValueLayout.JAVA_BYTE,
                    RegionLayout.HEADER_MAGIC_OFFSET,
                    RegionLayout.MAGIC_LENGTH);
            header.set(ValueLayout.JAVA_INT, RegionLayout.HEADER_LAYOUT_VERSION_OFFSET, otherVersion);
        }
        CommandRun ls = CommandRun.of("ls", "--dir", dir());
        assertEquals(0, ls.exitCode(), ls.err());
        String row = row(ls.out(), "future");
        assertTrue(
                row.contains(" " + otherVersion + " ")
                        && row.contains("unreadable: header field layout_version is " + otherVersion
                                + "; this library reads layout version " + RegionLayout.LAYOUT_VERSION),
                row);
        CommandRun show = CommandRun.of("show", "--dir", dir(), "future");
        assertEquals(1, show.exitCode());
        assertTrue(show.err().contains("header field layout_version is " + otherVersion), show.err());
        CommandRun dead = CommandRun.of("rm", "--dir", dir(), "--dead");
        assertTrue(dead.out().contains("kept future: header field layout_version is " + otherVersion), dead.out());
        assertEquals(1, CommandRun.of("rm", "--dir", dir(), "future").exitCode());
        assertEquals(0, CommandRun.of("rm", "--dir", dir(), "--force", "future").exitCode());
        assertFalse(Files.exists(file));
    }

    /** One way of damaging a region's header: the field, as the listing must name it, and the damage. */
    private record Damage(String field, long offset, int value) {}

    /**
     * {@code interproc ls} over healthy regions and regions damaged in every header field it reads: it succeeds,
     * lists the healthy ones as usual and marks each damaged one unreadable, naming the field (the library's
     * suite, RegionCorruptionTest, runs every corruption case through {@code SharedMemory.list}).
     */
    @Test
    void lsListsHealthyRegionsBesideAnyNumberOfDamagedOnes() throws IOException {
        List<Damage> damages = List.of(
                new Damage("state", RegionLayout.HEADER_STATE_OFFSET, 7),
                new Damage("max_slots", RegionLayout.HEADER_MAX_SLOTS_OFFSET, 0),
                new Damage("max_processes", RegionLayout.HEADER_MAX_PROCESSES_OFFSET, -1),
                new Damage("data_offset", RegionLayout.HEADER_DATA_OFFSET_OFFSET, 64),
                new Damage("directory_offset", RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET, 8),
                new Damage("slot_count", RegionLayout.HEADER_SLOT_COUNT_OFFSET, 0x7ffffff0));
        for (String healthy : List.of("healthy-a", "healthy-b")) {
            try (SharedMemory memory = SharedMemory.create(healthy, options)) {
                memory.sharedLong("counter", 1);
            }
        }
        for (Damage damage : damages) {
            String name = "damaged-" + damage.field().replace('_', '-');
            try (SharedMemory memory = SharedMemory.create(name, options)) {
                memory.sharedLong("counter", 1);
            }
            try (FileChannel channel = FileChannel.open(
                            directory.resolve(name), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    Arena arena = Arena.ofConfined()) {
                MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
                header.set(ValueLayout.JAVA_INT, damage.offset(), damage.value());
            }
        }
        CommandRun ls = CommandRun.of("ls", "--dir", dir());
        assertEquals(0, ls.exitCode(), ls.err());
        for (String healthy : List.of("healthy-a", "healthy-b")) {
            String row = row(ls.out(), healthy);
            assertFalse(row.contains("unreadable"), row);
            assertTrue(row.contains(String.valueOf(PID)), row);
        }
        for (Damage damage : damages) {
            String row = row(ls.out(), "damaged-" + damage.field().replace('_', '-'));
            assertTrue(row.contains("unreadable") && row.contains(damage.field()), row);
        }
    }

    @Test
    void usageErrorsExitWithTwoAndMissingRegionsWithOne() {
        assertEquals(2, CommandRun.of("rm", "--dir", dir()).exitCode());
        assertEquals(2, CommandRun.of("rm", "--dir", dir(), "--dead", "x").exitCode());
        assertEquals(2, CommandRun.of("rm", "--dir", dir(), "--dead", "--force").exitCode());
        assertEquals(2, CommandRun.of("show").exitCode());
        assertEquals(2, CommandRun.of("frobnicate").exitCode());
        assertEquals(2, CommandRun.of("show", "--dir", dir(), "bad/name").exitCode());
        CommandRun noDirectory = CommandRun.of("ls", "--dir", dir() + "/absent");
        assertEquals(1, noDirectory.exitCode());
        assertTrue(
                noDirectory
                        .err()
                        .startsWith("interproc ls: cannot list the shared-memory objects in " + dir()
                                + "/absent (java.nio.file.NoSuchFileException"),
                noDirectory.err());
        CommandRun missing = CommandRun.of("show", "--dir", dir(), "missing");
        assertEquals(1, missing.exitCode());
        assertEquals("interproc show: no region 'missing' in " + dir() + "\n", missing.err());
        for (String command : new String[] {"ls", "show", "rm", "demo"}) {
            CommandRun help = CommandRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: interproc " + command), help.out());
            assertFalse(help.out().contains("docs/"), "help must not need the repository's docs: " + help.out());
        }
    }

    @Test
    void noCommandPrintsTheUsageOnStandardErrorAndExitsWithTwo() {
        CommandRun bare = CommandRun.of();
        assertEquals(2, bare.exitCode());
        assertEquals("", bare.out());
        assertTrue(bare.err().startsWith("Usage: interproc "), bare.err());
        assertTrue(bare.err().contains("Exit codes:"), bare.err());
    }

    @Test
    void jsonHelpDescribesTheShapesItPrints() {
        assertTrue(CommandRun.of("ls", "--help").out().contains("slotCount"));
        String show = CommandRun.of("show", "--help").out().replaceAll("\\s+", " "); // help wraps its lines
        assertTrue(show.contains("an array of every element for the arrays"), show);
        assertTrue(show.contains("owner_dead"), show);
    }
}
