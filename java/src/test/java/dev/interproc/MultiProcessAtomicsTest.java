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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several JVMs hammer one slot at once; not a single update may be lost. */
class MultiProcessAtomicsTest {

    private static final int PROCESSES = 4;
    private static final int OPERATIONS = 1_000_000;

    @RegisterExtension
    final TestRegion region = new TestRegion("atomics");

    /**
     * Runs {@code PROCESSES} children of {@link ChildMain} with these arguments, started together, and returns what
     * each reported on its DONE line, once all of them have exited cleanly.
     */
    private static List<String[]> runWorkers(String... args) throws InterruptedException, TimeoutException {
        List<JavaProcess> workers = startTogether(Collections.nCopies(PROCESSES, child(args)));
        try {
            List<String[]> reports = new ArrayList<>();
            for (JavaProcess worker : workers) {
                reports.add(done(worker));
                assertExitsCleanly(worker);
            }
            return reports;
        } finally {
            closeAll(workers);
        }
    }

    /** Runs the workers and asserts that each reports {@code operations} done. */
    private void assertEachWorkerDid(int operations, String... args) throws InterruptedException, TimeoutException {
        for (String[] report : runWorkers(args)) {
            assertEquals(String.valueOf(operations), report[0]);
        }
    }

    @Test
    void getAndAddOnOneSharedLong() throws Exception {
        SharedLong counter = region.memory().sharedLong("counter");
        assertEachWorkerDid(OPERATIONS, "add-long", region.name(), "counter", String.valueOf(OPERATIONS));
        assertEquals((long) PROCESSES * OPERATIONS, counter.get());
    }

    @Test
    void compareAndSetLoopsOnOneSharedInt() throws Exception {
        SharedInt counter = region.memory().sharedInt("counter");
        assertEachWorkerDid(OPERATIONS, "cas-int", region.name(), "counter", String.valueOf(OPERATIONS));
        assertEquals(PROCESSES * OPERATIONS, counter.get());
    }

    @Test
    void doubleAndArraysAcrossProcesses() throws Exception {
        int perProcess = OPERATIONS / 4;
        SharedDouble sum = region.memory().sharedDouble("sum");
        SharedIntArray ints = region.memory().sharedIntArray("ints", 4);
        SharedLongArray longs = region.memory().sharedLongArray("longs", 4);
        assertEachWorkerDid(perProcess, "add-double-and-arrays", region.name(), String.valueOf(perProcess));
        int perElement = PROCESSES * perProcess / 4;
        assertEquals(PROCESSES * (double) perProcess, sum.get(), "doubles are exact up to 2^53");
        assertArrayEquals(new int[] {perElement, perElement, perElement, perElement}, ints.toArray());
        assertArrayEquals(new long[] {perElement, perElement, perElement, perElement}, longs.toArray());
    }

    /**
     * Each process makes a million successful compare-and-set steps around A -> B -> C -> A. If every step
     * is atomic across processes, the steps form one history starting at A, which fixes how many of them
     * left each state and where the cycle ends; two processes both winning the same step would break it.
     */
    @Test
    void compareAndSetStepsAroundASharedEnumCycle() throws Exception {
        SharedEnum<Cycle> cycle = region.memory().sharedEnum("cycle", Cycle.class, Cycle.A);
        long[] fromState = new long[3];
        for (String[] counts : runWorkers("cycle-enum", region.name(), "cycle", String.valueOf(OPERATIONS))) {
            for (int state = 0; state < 3; state++) {
                fromState[state] += Long.parseLong(counts[state]);
            }
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

    @Test
    void racingOpenOrCreateAgreesOnOneCreator() throws Exception {
        region.memory().unlink(); // the racers create it anew
        List<String> creators = new ArrayList<>();
        List<Long> joined = new ArrayList<>();
        for (String[] result : runWorkers("open-or-create", region.name())) {
            creators.add(result[0]);
            joined.add(Long.parseLong(result[1].substring("joined=".length())));
        }
        assertEquals(1, creators.stream().filter("creator=true"::equals).count(), creators.toString());
        Collections.sort(joined);
        assertEquals(
                IntStream.rangeClosed(1, PROCESSES).asLongStream().boxed().toList(),
                joined,
                "every racer joined the same region and slot");
    }
}
