package dev.interproc;

import static dev.interproc.ChildProcesses.assertExitsCleanly;
import static dev.interproc.ChildProcesses.child;
import static dev.interproc.ChildProcesses.closeAll;
import static dev.interproc.ChildProcesses.done;
import static dev.interproc.ChildProcesses.startTogether;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.interproc.ChildMain.Cycle;
import dev.interproc.process.JavaProcess;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several JVMs hammer one slot at once; not a single update may be lost. */
class MultiProcessAtomicsTest {

    private static final int PROCESSES = 4;
    private static final int OPERATIONS = 1_000_000;

    private final String name = TestRegions.uniqueName("atomics");

    @AfterEach
    void removeRegion() {
        SharedMemory.unlink(name);
    }

    private List<JavaProcess> startWorkers(String... args) throws InterruptedException, TimeoutException {
        return startTogether(Collections.nCopies(PROCESSES, child(args)));
    }

    @Test
    void getAndAddOnOneSharedLong() throws Exception {
        try (SharedMemory memory = SharedMemory.create(name)) {
            SharedLong counter = memory.sharedLong("counter");
            List<JavaProcess> workers = startWorkers("add-long", name, "counter", String.valueOf(OPERATIONS));
            try {
                for (JavaProcess worker : workers) {
                    assertEquals(String.valueOf(OPERATIONS), done(worker)[0]);
                    assertExitsCleanly(worker);
                }
            } finally {
                closeAll(workers);
            }
            assertEquals((long) PROCESSES * OPERATIONS, counter.get());
        }
    }

    @Test
    void compareAndSetLoopsOnOneSharedInt() throws Exception {
        try (SharedMemory memory = SharedMemory.create(name)) {
            SharedInt counter = memory.sharedInt("counter");
            List<JavaProcess> workers = startWorkers("cas-int", name, "counter", String.valueOf(OPERATIONS));
            try {
                for (JavaProcess worker : workers) {
                    assertEquals(String.valueOf(OPERATIONS), done(worker)[0]);
                    assertExitsCleanly(worker);
                }
            } finally {
                closeAll(workers);
            }
            assertEquals(PROCESSES * OPERATIONS, counter.get());
        }
    }

    @Test
    void doubleAndArraysAcrossProcesses() throws Exception {
        int perProcess = OPERATIONS / 4;
        try (SharedMemory memory = SharedMemory.create(name)) {
            SharedDouble sum = memory.sharedDouble("sum");
            SharedIntArray ints = memory.sharedIntArray("ints", 4);
            SharedLongArray longs = memory.sharedLongArray("longs", 4);
            List<JavaProcess> workers = startWorkers("add-double-and-arrays", name, String.valueOf(perProcess));
            try {
                for (JavaProcess worker : workers) {
                    assertEquals(String.valueOf(perProcess), done(worker)[0]);
                    assertExitsCleanly(worker);
                }
            } finally {
                closeAll(workers);
            }
            int perElement = PROCESSES * perProcess / 4;
            assertEquals(PROCESSES * (double) perProcess, sum.get(), "doubles are exact up to 2^53");
            assertArrayEquals(new int[] {perElement, perElement, perElement, perElement}, ints.toArray());
            assertArrayEquals(new long[] {perElement, perElement, perElement, perElement}, longs.toArray());
        }
    }

    /**
     * Each process makes a million successful compare-and-set steps around A -> B -> C -> A. If every step
     * is atomic across processes, the steps form one history starting at A, which fixes how many of them
     * left each state and where the cycle ends; two processes both winning the same step would break it.
     */
    @Test
    void compareAndSetStepsAroundASharedEnumCycle() throws Exception {
        try (SharedMemory memory = SharedMemory.create(name)) {
            SharedEnum<Cycle> cycle = memory.sharedEnum("cycle", Cycle.class, Cycle.A);
            List<JavaProcess> workers = startWorkers("cycle-enum", name, "cycle", String.valueOf(OPERATIONS));
            long[] fromState = new long[3];
            try {
                for (JavaProcess worker : workers) {
                    String[] counts = done(worker);
                    for (int state = 0; state < 3; state++) {
                        fromState[state] += Long.parseLong(counts[state]);
                    }
                    assertExitsCleanly(worker);
                }
            } finally {
                closeAll(workers);
            }
            long total = (long) PROCESSES * OPERATIONS;
            assertEquals(total, fromState[0] + fromState[1] + fromState[2]);
            long[] expected = new long[3];
            for (int state = 0; state < 3; state++) {
                // steps number 0, 1, 2, ... leave state (step mod 3)
                expected[state] = (total - state + 2) / 3;
            }
            assertEquals(
                    List.of(expected[0], expected[1], expected[2]),
                    List.of(fromState[0], fromState[1], fromState[2]),
                    "transitions out of A, B and C");
            assertEquals(Cycle.values()[(int) (total % 3)], cycle.get());
        }
    }

    @Test
    void racingOpenOrCreateAgreesOnOneCreator() throws Exception {
        List<JavaProcess> racers = startWorkers("open-or-create", name);
        List<String> creators = new ArrayList<>();
        List<Long> joined = new ArrayList<>();
        try {
            for (JavaProcess racer : racers) {
                String[] result = done(racer);
                creators.add(result[0]);
                joined.add(Long.parseLong(result[1].substring("joined=".length())));
                assertExitsCleanly(racer);
            }
        } finally {
            closeAll(racers);
        }
        assertEquals(1, creators.stream().filter("creator=true"::equals).count(), creators.toString());
        Collections.sort(joined);
        assertEquals(
                IntStream.rangeClosed(1, PROCESSES).asLongStream().boxed().toList(),
                joined,
                "every racer joined the same region and slot");
    }
}
