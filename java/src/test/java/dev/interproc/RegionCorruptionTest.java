package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.CorruptionCases.Case;
import dev.interproc.CorruptionCases.Setup;
import dev.interproc.CorruptionChildren.CaseRun;
import dev.interproc.CorruptionChildren.Step;
import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import dev.interproc.testing.TestRegions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Regions whose bytes another process damaged (issue #10): every field of docs/layout.md set to the values of
 * {@link CorruptionCases}, then inspected, listed, opened and used by a child JVM ({@link CorruptRegionExercise}).
 * Each case must end without a JVM crash or a hang, write nothing outside the bytes a legitimate use may change,
 * and refuse only with an exception of the library that names the damaged field (a harmless corruption may just
 * work).
 */
class RegionCorruptionTest {

    /** A small region, so that hundreds of them and their snapshots cost little: every slot kind fits. */
    private static final long REGION_SIZE = 64 * 1024;

    private static final int MAX_SLOTS = 20;
    private static final int MAX_PROCESSES = 8;
    /** Cases per child JVM: a child's start costs about half a second, a healthy case a tenth. */
    private static final int BATCH = 40;
    /** Children at once: the cases mostly wait on bounded timeouts, so a few run well on two cores. */
    private static final int PARALLEL_CHILDREN = 3;

    private static Path root;
    private static ExecutorService children;

    /** A case's region before the child: its healthy layout, and its bytes once corrupted. */
    private record Prepared(RegionImage healthy, byte[] corrupted) {}

    @BeforeAll
    static void createRoot() throws IOException {
        root = Files.createDirectory(Path.of("/dev/shm", TestRegions.uniqueName("corruption")));
        children = Executors.newFixedThreadPool(PARALLEL_CHILDREN);
    }

    @AfterAll
    static void removeRoot() throws IOException {
        children.shutdownNow();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @TestFactory
    Stream<DynamicContainer> everyCorruptionIsRefusedByNameOrHarmless() throws Exception {
        Map<Integer, Prepared> prepared = prepare(CorruptionCases.ALL, Files.createDirectory(root.resolve("cases")));
        Path errors = Files.createDirectory(root.resolve("crash-logs"));
        Map<String, List<Case>> groups = CorruptionCases.ALL.stream()
                .collect(Collectors.groupingBy(Case::group, LinkedHashMap::new, Collectors.toList()));
        Map<Integer, Future<Map<Integer, CaseRun>>> runs = new HashMap<>();
        for (List<Case> group : groups.values()) {
            for (int from = 0; from < group.size(); from += BATCH) {
                List<Integer> batch = group.subList(from, Math.min(from + BATCH, group.size())).stream()
                        .map(Case::number)
                        .toList();
                Future<Map<Integer, CaseRun>> run =
                        children.submit(() -> CorruptionChildren.run(root.resolve("cases"), batch, errors));
                batch.forEach(number -> runs.put(number, run));
            }
        }
        return groups.entrySet().stream()
                .map(group -> DynamicContainer.dynamicContainer(
                        group.getKey(),
                        group.getValue().stream()
                                .map(corruption -> DynamicTest.dynamicTest(
                                        corruption.toString(),
                                        () -> verify(
                                                corruption,
                                                prepared.get(corruption.number()),
                                                runs.get(corruption.number())
                                                        .get()
                                                        .get(corruption.number()))))));
    }

    /**
     * {@link SharedMemory#list} (what {@code interproc ls} prints) over a directory where most regions are damaged
     * (one per header case), in a child JVM: every healthy one is listed with its creator, nothing crashes or
     * hangs. The CLI's own test of the same (interproc-cli, CliCommandsTest) covers its exit status and rows.
     */
    @Test
    void listShowsTheHealthyRegionsBesideAnyNumberOfCorruptOnes() throws Exception {
        Path directory = Files.createDirectory(root.resolve("ls"));
        List<Case> headerCases = CorruptionCases.ALL.stream()
                .filter(corruption -> corruption.group().equals("header"))
                .toList();
        prepare(headerCases, directory);
        List<String> healthy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path caseDirectory = CorruptRegionExercise.caseDirectory(directory, -1 - i);
            createRegion(caseDirectory).close();
            healthy.add(caseDirectory.getFileName().toString());
        }
        Path errors = Files.createDirectory(root.resolve("ls-crash-logs"));
        // list() reads one directory: gather every case's region there under the case's name
        Path listed = Files.createDirectory(directory.resolve("all"));
        try (Stream<Path> cases = Files.list(directory)) {
            for (Path caseDirectory : cases.filter(path -> !path.equals(listed)).toList()) {
                Files.move(
                        caseDirectory.resolve(CorruptRegionExercise.REGION),
                        listed.resolve(caseDirectory.getFileName()));
            }
        }
        try (JavaProcess ls = ChildProcesses.child("list-regions", listed.toString())
                .jvmOptions(CorruptionChildren.crashLogOptions(errors))
                .start()) {
            int code;
            try {
                code = ls.waitFor(CorruptionChildren.STEP_BOUND.multipliedBy(3));
            } catch (TimeoutException hung) {
                throw new AssertionError(
                        "list() hung; its main thread:\n" + CorruptionChildren.mainThreadStack(ls.pid()), hung);
            }
            assertFalse(CorruptionChildren.hasCrashLog(errors), ls::transcript);
            assertEquals(0, code, ls::transcript);
            for (String name : healthy) {
                assertTrue(
                        ls.output().stream().anyMatch(line -> line.startsWith(name + " ") && line.contains("pid ")),
                        () -> name + " is not listed as a healthy region:\n" + ls.transcript());
            }
        }
    }

    /**
     * Creates every case's region in its own directory under {@code directory}, corrupts it and returns its healthy
     * layout and corrupted bytes. The regions of {@link Setup#DEAD_PROCESS} cases are first opened by a child that
     * is then killed.
     */
    private static Map<Integer, Prepared> prepare(List<Case> cases, Path directory) throws Exception {
        for (Case corruption : cases) {
            createRegion(CorruptRegionExercise.caseDirectory(directory, corruption.number()))
                    .close();
        }
        List<Integer> dead = cases.stream()
                .filter(corruption -> corruption.setup() == Setup.DEAD_PROCESS)
                .map(Case::number)
                .toList();
        if (!dead.isEmpty()) {
            Path errors = Files.createTempDirectory(root, "attach");
            try (JavaProcess attached = CorruptionChildren.start(errors, "attach-cases", directory, dead)) {
                StartHandshake.awaitReady(attached, ChildProcesses.STARTUP);
                attached.kill();
                attached.waitFor(ChildProcesses.RUN);
            }
        }
        Map<Integer, Prepared> prepared = new HashMap<>();
        for (Case corruption : cases) {
            Path file = regionFile(directory, corruption.number());
            RegionImage healthy = RegionImage.read(file);
            RawSlotWriter.editFile(file, memory -> corruption.corruption().apply(memory, healthy));
            prepared.put(corruption.number(), new Prepared(healthy, Files.readAllBytes(file)));
        }
        return prepared;
    }

    /** Creates a region holding one slot of every kind, and returns it open. */
    private static SharedMemory createRegion(Path caseDirectory) throws IOException {
        Files.createDirectory(caseDirectory);
        SharedMemory memory = SharedMemory.create(
                CorruptRegionExercise.REGION,
                RegionOptions.defaults()
                        .withDirectory(caseDirectory)
                        .withSize(REGION_SIZE)
                        .withMaxSlots(MAX_SLOTS)
                        .withMaxProcesses(MAX_PROCESSES));
        for (SlotKind<?> kind : SlotKind.ALL) {
            kind.create(memory, CorruptionCases.slotName(kind));
        }
        return memory;
    }

    private static Path regionFile(Path directory, int number) {
        return CorruptRegionExercise.caseDirectory(directory, number).resolve(CorruptRegionExercise.REGION);
    }

    private static void verify(Case corruption, Prepared prepared, CaseRun run) {
        List<String> problems = new ArrayList<>();
        if (run.abort() != null) {
            problems.add(run.abort());
        }
        for (Step step : run.steps()) {
            String problem = judge(corruption, step);
            if (problem != null) {
                problems.add("step " + step.name() + ": " + problem);
            }
        }
        boolean created = run.steps().contains(new Step("create", "ok"));
        byte[] after;
        try {
            after = Files.readAllBytes(regionFile(root.resolve("cases"), corruption.number()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        prepared
                .healthy()
                .changesOutside(
                        prepared.corrupted(),
                        after,
                        prepared.healthy()
                                .writable(
                                        created,
                                        MemorySegment.ofArray(prepared.corrupted())
                                                .get(JAVA_INT_UNALIGNED, RegionLayout.HEADER_SLOT_COUNT_OFFSET)))
                .stream()
                .map(change -> "wrote outside what its use may change: " + change)
                .forEach(problems::add);
        assertTrue(
                problems.isEmpty(),
                () -> corruption + " (" + corruption.setup() + "):\n  " + String.join("\n  ", problems)
                        + "\nsteps:\n  "
                        + run.steps().stream().map(Step::toString).collect(Collectors.joining("\n  ")));
    }

    /**
     * Null if the step's outcome is acceptable: it worked, or the library refused naming the field (an exception
     * of the library, or {@link UnreadableRegion}). A lock that
     * reports its previous owner dead ({@link OwnerDiedException}) took over a word naming no live process, as
     * documented.
     */
    private static String judge(Case corruption, Step step) {
        String outcome = step.outcome();
        if (outcome.equals("ok")) {
            return null;
        }
        String thrown = outcome.substring(0, Math.max(0, outcome.indexOf(':')));
        if (thrown.equals(UnreadableRegion.class.getName())) {
            return namesTheField(corruption, outcome);
        }
        if (thrown.equals(OwnerDiedException.class.getName())) {
            return null;
        }
        if (!isLibraryException(thrown)) {
            return "not an exception of the library: " + outcome;
        }
        return namesTheField(corruption, outcome);
    }

    private static boolean isLibraryException(String className) {
        try {
            return InterprocException.class.isAssignableFrom(Class.forName(className));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String namesTheField(Case corruption, String outcome) {
        return corruption.names().stream().anyMatch(outcome::contains)
                ? null
                : "the refusal does not name " + String.join(" or ", corruption.names()) + ": " + outcome;
    }
}
