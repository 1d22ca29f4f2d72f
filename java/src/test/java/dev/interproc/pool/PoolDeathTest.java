package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers SIGKILLed under a {@link Pool}, busy or idle, and a pool terminated while its workers run tasks that never
 * end: the tasks concerned fail at once, every other completes, the pool goes on. Timings are printed, not asserted.
 */
@Timeout(180)
class PoolDeathTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void aWorkerKilledMidTaskFailsOnlyThatTaskAndIsReplaced() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                Pool pool = Pool.create(2)) {
            CompletableFuture<String> victim = pool.applyAsync(rendezvous.reportAndWait("victim"));
            CompletableFuture<String> survivor = pool.applyAsync(rendezvous.reportAndWait("survivor"));
            Map<String, Rendezvous.Arrival> arrivals = rendezvous.await(2);
            Rendezvous.Arrival victimArrival = arrivals.get("victim");
            Rendezvous.Arrival survivorArrival = arrivals.get("survivor");
            List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int item = i;
                queued.add(pool.applyAsync(() -> item));
            }

            long killed = System.nanoTime();
            ProcessHandle.of(victimArrival.pid()).orElseThrow().destroyForcibly();
            ExecutionException failed =
                    assertThrows(ExecutionException.class, () -> victim.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            System.out.printf(
                    "Pool: busy worker SIGKILLed, its task failed after %.1f ms%n", (System.nanoTime() - killed) / 1e6);
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failed.getCause());
            assertEquals(victimArrival.pid(), died.pid());
            assertEquals(137, died.exitCode());
            assertTrue(died.getMessage().contains("signal 9 (SIGKILL)"), died.getMessage());
            assertTrue(died.getMessage().contains("Rendezvous"), "names the task: " + died.getMessage());

            survivorArrival.release();
            assertEquals("survivor", survivor.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            for (int i = 0; i < queued.size(); i++) {
                assertEquals(i, queued.get(i).get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(2, pool.map(x -> x, List.of(1, 2)).size());
            assertAllReplaced(pool, rendezvous, List.of(victimArrival.pid()));
        }
    }

    @Test
    void aTaskCallingSystemExitFailsWithItsExitCodeAndTheWorkerIsReplaced() throws Exception {
        try (Pool pool = Pool.create(1)) {
            long before = pool.workerPids().getFirst();
            CompletableFuture<Object> exits = pool.applyAsync(() -> {
                System.exit(3);
                return null;
            });
            WorkerDiedException died = assertInstanceOf(
                    WorkerDiedException.class,
                    assertThrows(CompletionException.class, exits::join).getCause());
            assertEquals(before, died.pid());
            assertEquals(3, died.exitCode());
            assertTrue(died.getMessage().contains("(exit code 3)"), died.getMessage());
            long after = pool.apply(() -> ProcessHandle.current().pid());
            assertFalse(after == before, "a new worker runs the next task");
        }
    }

    /**
     * A task run again after its worker died gets its timeout anew, counted from the new start: the first attempt's
     * timeout, which would come during the second attempt, no longer counts. The first run halts its worker after
     * 2 s, the second takes 2 s, the timeout is 3 s.
     */
    @Test
    void aRetriedTaskHasATimeoutOfItsOwn(@TempDir Path runs) throws Exception {
        String started = runs.resolve("started").toString();
        try (Pool pool = Pool.builder().workers(1).maxRetries(1).build()) {
            CompletableFuture<String> retried = pool.applyAsync(
                    () -> {
                        boolean first = !Files.exists(Path.of(started));
                        Files.writeString(
                                Path.of(started), "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        Thread.sleep(2_000);
                        if (first) {
                            Runtime.getRuntime().halt(9);
                        }
                        return "second run";
                    },
                    Duration.ofSeconds(3));
            assertEquals("second run", retried.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(2, Files.readAllLines(Path.of(started)).size(), "run once, then again");
        }
    }

    /**
     * Retries re-run a task whose worker died, and only such a task: one that threw runs once, one whose timeout
     * killed its worker is not run again. Each run appends a line to a file, so the runs are counted in the workers.
     */
    @Test
    void retriesReRunOnlyATaskWhoseWorkerDied(@TempDir Path runs) throws Exception {
        String exits = runs.resolve("exits").toString();
        String throwsOnce = runs.resolve("throws").toString();
        String sleeps = runs.resolve("sleeps").toString();
        try (Pool pool = Pool.builder().workers(1).maxRetries(2).build()) {
            CompletableFuture<Object> exiting = pool.applyAsync(() -> {
                Files.writeString(Path.of(exits), "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.exit(3);
                return null;
            });
            WorkerDiedException died = assertInstanceOf(
                    WorkerDiedException.class,
                    assertThrows(CompletionException.class, exiting::join).getCause());
            assertEquals(3, died.exitCode());
            assertEquals(2, died.getSuppressed().length, "the two earlier deaths");
            assertEquals(3, Files.readAllLines(Path.of(exits)).size(), "run once and retried twice");

            CompletableFuture<Object> throwing = pool.applyAsync(() -> {
                Files.writeString(Path.of(throwsOnce), "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                throw new IllegalStateException("thrown");
            });
            assertInstanceOf(
                    IllegalStateException.class,
                    assertThrows(CompletionException.class, throwing::join).getCause());
            assertEquals(1, Files.readAllLines(Path.of(throwsOnce)).size(), "a task that threw is not retried");

            CompletableFuture<Object> timedOut = pool.applyAsync(
                    () -> {
                        Files.writeString(
                                Path.of(sleeps), "run\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        Thread.sleep(Long.MAX_VALUE);
                        return null;
                    },
                    Duration.ofMillis(200));
            assertInstanceOf(
                    TimeoutException.class,
                    assertThrows(CompletionException.class, timedOut::join).getCause());
            assertEquals(7, pool.apply(() -> 7), "the next task runs after the killed worker is replaced");
            assertEquals(1, Files.readAllLines(Path.of(sleeps)).size(), "a timed-out task is not retried");
        }
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxRetries(-1));
    }

    @Test
    void anIdleWorkerKilledLosesNothingAndHangsNothing() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                Pool pool = Pool.create(2)) {
            List<Long> killed = List.of(pool.workerPids().getFirst());
            ProcessHandle victim = ProcessHandle.of(killed.getFirst()).orElseThrow();
            CompletableFuture<ProcessHandle> exited = victim.onExit();
            victim.destroyForcibly();
            exited.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            List<Integer> items = IntStream.range(0, 200).boxed().toList();
            long start = System.nanoTime();
            assertEquals(
                    items.stream().map(x -> x * 3).toList(),
                    pool.mapAsync(x -> x * 3, items, 1).get());
            System.out.printf(
                    "Pool: map of 200 after an idle worker was SIGKILLed (one replacement) %.1f ms%n",
                    (System.nanoTime() - start) / 1e6);
            assertAllReplaced(pool, rendezvous, killed);
        }
    }

    @Test
    void terminateReturnsAtOnceWhateverTheWorkersDo() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open()) {
            Pool pool = Pool.create(2);
            List<Long> workers = pool.workerPids();
            List<CompletableFuture<String>> endless = List.of(
                    pool.applyAsync(rendezvous.reportAndWait("one")), pool.applyAsync(rendezvous.reportAndWait("two")));
            CompletableFuture<Integer> queued = pool.applyAsync(() -> 3);
            rendezvous.await();
            rendezvous.await();

            long start = System.nanoTime();
            pool.terminate();
            System.out.printf(
                    "Pool: terminate() with 2 busy workers returned after %.1f ms%n",
                    (System.nanoTime() - start) / 1e6);
            for (CompletableFuture<String> task : endless) {
                assertThrows(CancellationException.class, task::join);
            }
            assertThrows(CancellationException.class, queued::join);
            assertTrue(pool.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            for (long pid : workers) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), pid + " still runs");
            }
        }
    }

    @Test
    void cancelOfARunningTaskKillsExactlyItsWorker() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                Pool pool = Pool.create(2)) {
            CompletableFuture<String> doomed = pool.applyAsync(rendezvous.reportAndWait("doomed"));
            CompletableFuture<String> other = pool.applyAsync(rendezvous.reportAndWait("other"));
            Map<String, Rendezvous.Arrival> arrivals = rendezvous.await(2);
            Rendezvous.Arrival doomedArrival = arrivals.get("doomed");
            Rendezvous.Arrival otherArrival = arrivals.get("other");

            CompletableFuture<ProcessHandle> doomedExit =
                    ProcessHandle.of(doomedArrival.pid()).orElseThrow().onExit();
            long cancelled = System.nanoTime();
            assertTrue(doomed.cancel(true));
            doomedExit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            System.out.printf(
                    "Pool: cancel(true) to the worker's exit %.1f ms%n", (System.nanoTime() - cancelled) / 1e6);
            assertTrue(doomed.isCancelled());
            assertFalse(other.isDone(), "the other worker goes on with its task");
            otherArrival.release();
            assertEquals("other", other.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertAllReplaced(pool, rendezvous, List.of(doomedArrival.pid()));
        }
    }

    /**
     * A chunk of a map goes ahead, behind the running one of the same map: if the worker is killed under the first,
     * the one behind never started and runs on the replacement, its result at its position.
     */
    @Test
    void aChunkSentBehindAnotherIsNotLostWhenTheWorkerDiesUnderTheFirst() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                Pool pool = Pool.create(1)) {
            SerializableCallable<String> wait = rendezvous.reportAndWait("killed");
            ResultIterator<Long> results = pool.imap(
                    (Integer x) -> {
                        if (x == 0) {
                            PoolTest.call(wait);
                        }
                        return ProcessHandle.current().pid();
                    },
                    List.of(0, 1, 2),
                    1);
            Rendezvous.Arrival arrival = rendezvous.await();
            ProcessHandle.of(arrival.pid()).orElseThrow().destroyForcibly();
            assertInstanceOf(
                    WorkerDiedException.class,
                    assertThrows(CompletionException.class, results::next).getCause());
            long behind = results.next(PATIENCE);
            assertFalse(behind == arrival.pid(), "the chunk behind ran on the replacement");
            assertEquals(behind, results.next(PATIENCE));
        }
    }

    @Test
    void aTaskOverItsTimeoutFailsAndOnlyItsWorkerIsKilled() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                Pool pool = Pool.create(2)) {
            List<Long> workers = pool.workerPids();
            // The slow task reports nowhere: on a loaded machine its timeout may pass before it could.
            CompletableFuture<Object> slow = pool.applyAsync(
                    () -> {
                        Thread.sleep(Long.MAX_VALUE);
                        return null;
                    },
                    Duration.ofMillis(300));
            CompletableFuture<String> other = pool.applyAsync(rendezvous.reportAndWait("other"));
            Rendezvous.Arrival otherArrival = rendezvous.await();
            long slowPid = workers.stream()
                    .filter(pid -> pid != otherArrival.pid())
                    .findFirst()
                    .orElseThrow();

            ExecutionException failed =
                    assertThrows(ExecutionException.class, () -> slow.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            TimeoutException timedOut = assertInstanceOf(TimeoutException.class, failed.getCause());
            assertTrue(timedOut.getMessage().contains("PT0.3S"), timedOut.getMessage());
            ProcessHandle.of(slowPid)
                    .map(ProcessHandle::onExit)
                    .orElse(CompletableFuture.completedFuture(null))
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertFalse(other.isDone(), "the other worker goes on with its task");
            otherArrival.release();
            assertEquals("other", other.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(1, pool.applyAsync(() -> 1, PATIENCE).get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertAllReplaced(pool, rendezvous, List.of(slowPid));
        }
    }

    @Test
    void maxTasksPerWorkerWithADeathAndCloseDoesNotDeadlock() throws Exception {
        List<CompletableFuture<Integer>> quick = new ArrayList<>();
        CompletableFuture<String> victim;
        CompletableFuture<String> survivor;
        try (Rendezvous rendezvous = Rendezvous.open()) {
            Pool pool = Pool.builder().workers(2).maxTasksPerWorker(1).build();
            victim = pool.applyAsync(rendezvous.reportAndWait("victim"));
            survivor = pool.applyAsync(rendezvous.reportAndWait("survivor"));
            for (int i = 0; i < 10; i++) {
                int item = i;
                quick.add(pool.applyAsync(() -> item));
            }
            Map<String, Rendezvous.Arrival> arrivals = rendezvous.await(2);
            ProcessHandle.of(arrivals.get("victim").pid()).orElseThrow().destroyForcibly();
            arrivals.get("survivor").release();
            pool.close();
            assertTrue(pool.isTerminated());
        }
        assertInstanceOf(
                WorkerDiedException.class,
                assertThrows(CompletionException.class, victim::join).getCause());
        assertEquals("survivor", survivor.join());
        for (int i = 0; i < quick.size(); i++) {
            assertEquals(i, quick.get(i).join());
        }
    }

    /** Starts a pool of 4 workers, has each run a task that never ends, prints their pids and waits to be killed. */
    static final class ParentOfABusyPool {

        public static void main(String[] args) throws Exception {
            Rendezvous rendezvous = Rendezvous.open();
            Pool pool = Pool.create(4);
            for (int i = 0; i < 4; i++) {
                pool.applyAsync(rendezvous.reportAndWait("endless" + i));
            }
            for (int i = 0; i < 4; i++) {
                System.out.println("worker " + rendezvous.await().pid());
            }
            System.out.println("all busy");
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void theWorkersExitWhenTheParentIsKilled() throws Exception {
        try (JavaProcess parent = JavaProcess.builder(ParentOfABusyPool.class).start()) {
            parent.awaitLine("all busy"::equals, PATIENCE);
            List<CompletableFuture<ProcessHandle>> exits = new ArrayList<>();
            for (String line : parent.output()) {
                if (line.startsWith("worker ")) {
                    exits.add(ProcessHandle.of(Long.parseLong(line.substring(7)))
                            .orElseThrow()
                            .onExit());
                }
            }
            assertEquals(4, exits.size(), parent::transcript);
            long killed = System.nanoTime();
            parent.kill();
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new))
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            // ProcessHandle polls a process that is not its child, every 300 ms and slower, and an orphan's zombie
            // waits for
            // init to reap it: an upper bound (watching /proc saw them dead or zombies within about 200 ms).
            System.out.printf(
                    "Pool: parent SIGKILLed, its 4 busy workers gone within %.1f ms%n",
                    (System.nanoTime() - killed) / 1e6);
        }
    }

    /**
     * Checks that the pool has as many live workers as it should keep, none of them one of {@code dead}: as many
     * tasks as workers report at once, each from a live worker, which only a replacement makes possible.
     */
    private static void assertAllReplaced(Pool pool, Rendezvous rendezvous, List<Long> dead) throws Exception {
        List<CompletableFuture<String>> probes = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            probes.add(pool.applyAsync(rendezvous.reportAndWait("probe" + i)));
        }
        Collection<Rendezvous.Arrival> arrivals = rendezvous.await(pool.size()).values();
        Set<Long> reported = new HashSet<>();
        for (Rendezvous.Arrival arrival : arrivals) {
            reported.add(arrival.pid());
            arrival.release();
        }
        CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(pool.size(), reported.size(), "each probe ran on its own worker: " + reported);
        assertEquals(reported, new HashSet<>(pool.workerPids()));
        for (long pid : reported) {
            assertFalse(dead.contains(pid), pid + " was killed but runs tasks: " + reported);
        }
    }
}
