package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.SharedLong;
import dev.interproc.SharedMemory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Pool} against Python's semantics and {@link java.util.concurrent.ExecutorService}'s, with real workers. */
@Timeout(120)
class PoolTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int WORKERS = 2;

    /** One pool for the tests that leave it running: worker JVMs cost a few hundred milliseconds each to start. */
    private static Pool shared;

    @BeforeAll
    static void startThePool() throws InterruptedException {
        long start = System.nanoTime();
        shared = Pool.create(WORKERS);
        System.out.printf("Pool: %d workers started in %.1f ms%n", WORKERS, (System.nanoTime() - start) / 1e6);
    }

    @AfterAll
    static void closeThePool() {
        shared.close();
    }

    @Test
    void applyRunsTheTaskInAWorker() throws Exception {
        long pid = shared.apply(() -> ProcessHandle.current().pid());
        assertTrue(shared.workerPids().contains(pid), pid + " is not one of " + shared.workerPids());
        assertFalse(pid == ProcessHandle.current().pid());
        assertEquals(42, shared.applyAsync(() -> 6 * 7).get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void applyRoundTripsArePrinted() throws Exception {
        int warmUp = 3000;
        long[] nanos = new long[1000];
        for (int i = -warmUp; i < nanos.length; i++) {
            int item = i;
            long start = System.nanoTime();
            assertEquals(item, shared.apply(() -> item));
            if (i >= 0) {
                nanos[i] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        System.out.printf(
                "Pool: apply round trip after %d warm-up calls: p50 %.1f us, p99 %.1f us%n",
                warmUp, nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 99 / 100] / 1e3);
    }

    /**
     * A task's timeout is dropped when the task ends, and a worker's start timeout when its handshake comes: a pool
     * running many short tasks with a long timeout holds no timeout per task done.
     */
    @Test
    void timeoutsOfEndedTasksAndStartedWorkersAreNotKept() throws Exception {
        int before = Deadlines.pending();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(shared.applyAsync(() -> 1, Duration.ofHours(1)));
        }
        for (CompletableFuture<Integer> future : futures) {
            assertEquals(1, future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
        awaitPendingTimeouts(before);
        try (Pool another = Pool.create(1)) {
            assertEquals(1, another.apply(() -> 1));
            awaitPendingTimeouts(before);
        }
    }

    /** Waits for the timeouts pending to fall to {@code expected}: a completed future drops its own just after. */
    private static void awaitPendingTimeouts(int expected) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (Deadlines.pending() > expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(expected, Deadlines.pending(), "timeouts still pending");
    }

    /**
     * Cancelling a map's future skips its chunks not started yet: a task queued behind them then comes before most
     * of them would have run. Chunks count their starts in a shared region.
     */
    @Test
    void cancellingAMapSkipsItsChunksNotStarted() throws Exception {
        String name = "pool-map-cancel-" + ProcessHandle.current().pid();
        try (SharedMemory memory = SharedMemory.create(name)) {
            SharedLong started = memory.sharedLong("started");
            List<Integer> items = IntStream.range(0, 40).boxed().toList();
            CompletableFuture<List<Integer>> map = shared.mapAsync(countedSlowly(name, "started", false), items, 1);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (started.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(map.cancel(false));
            assertThrows(CancellationException.class, map::join);
            assertEquals(1, shared.apply(() -> 1), "a task queued behind the map's chunks");
            long ran = started.get();
            System.out.printf("Pool: %d of %d chunks of a cancelled map started%n", ran, items.size());
            assertTrue(ran < items.size(), "every chunk of the cancelled map ran: " + ran);

            // A map that failed (its first chunk threw) still cancels the chunks left, though the cancel returns
            // false: it has completed.
            SharedLong laterStarts = memory.sharedLong("laterStarts");
            CompletableFuture<List<Integer>> failing =
                    shared.mapAsync(countedSlowly(name, "laterStarts", true), items, 1);
            assertThrows(CompletionException.class, failing::join);
            assertFalse(failing.cancel(false));
            assertEquals(1, shared.apply(() -> 1), "a task queued behind the failed map's chunks");
            long later = laterStarts.get();
            System.out.printf("Pool: %d of %d chunks of a failed, then cancelled map started%n", later, items.size());
            assertTrue(later < items.size() - 1, "every chunk of the failed map ran: " + later);
        } finally {
            SharedMemory.unlink(name);
        }
    }

    /**
     * A map function that counts its runs in the shared long {@code counter} of region {@code region}, then takes
     * 20 ms; with {@code failFirst}, item 0 throws instead.
     */
    private static SerializableFunction<Integer, Integer> countedSlowly(
            String region, String counter, boolean failFirst) {
        return item -> {
            if (failFirst && item == 0) {
                throw new IllegalStateException("the first chunk fails");
            }
            try (SharedMemory memory = SharedMemory.open(region)) {
                memory.sharedLong(counter).incrementAndGet();
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            return item;
        };
    }

    @Test
    void theDefaultChunkSizeIsPythons() {
        assertEquals(13, ChunkTask.defaultSize(100, 2), "ceil(100 / 8)");
        assertEquals(12, ChunkTask.defaultSize(96, 2));
        assertEquals(1, ChunkTask.defaultSize(8, 2));
        assertEquals(2, ChunkTask.defaultSize(9, 2));
        assertEquals(1, ChunkTask.defaultSize(0, 2));
        assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)), ChunkTask.split(List.of(1, 2, 3, 4, 5), 2));
        assertThrows(IllegalArgumentException.class, () -> ChunkTask.split(List.of(1), 0));
    }

    @Test
    void mapReturnsTheResultsInTheItemsOrder() throws Exception {
        List<Integer> items = IntStream.range(0, 100).boxed().toList();
        List<Integer> squares = items.stream().map(x -> x * x).toList();
        assertEquals(squares, shared.map(x -> x * x, items));
        assertEquals(squares, shared.mapAsync((Integer x) -> x * x, items, 7).get());
        assertEquals(List.of(), shared.map((Integer x) -> x, List.of()));
    }

    @Test
    void mapFailsWithTheTasksExceptionItsMessageAndTheWorkersStackTrace() {
        ExecutionException failed =
                assertThrows(ExecutionException.class, () -> shared.map(PoolTest::refuseFive, List.of(1, 5, 9)));
        IllegalStateException thrown = assertInstanceOf(IllegalStateException.class, failed.getCause());
        assertEquals("five refused", thrown.getMessage());
        RemoteTaskException trace = assertInstanceOf(RemoteTaskException.class, thrown.getCause());
        assertEquals("refuseFive", trace.getStackTrace()[0].getMethodName());
        assertTrue(trace.getMessage().contains("pid "), trace.getMessage());
    }

    private static int refuseFive(int item) {
        if (item == 5) {
            throw new IllegalStateException("five refused");
        }
        return item;
    }

    @Test
    void imapRaisesAFailedItemAtItsPositionAndGoesOn() throws Exception {
        ResultIterator<Integer> results = shared.imap(PoolTest::refuseFive, List.of(1, 5, 9), 1);
        assertEquals(1, results.next());
        CompletionException failed = assertThrows(CompletionException.class, results::next);
        assertEquals("five refused", failed.getCause().getMessage());
        assertEquals(9, results.next(PATIENCE));
        assertFalse(results.hasNext());
        assertThrows(java.util.NoSuchElementException.class, results::next);
    }

    @Test
    void starmapAppliesAFunctionOfTwoArgumentsToEveryPairInOrder() throws Exception {
        List<Map.Entry<String, Integer>> pairs =
                IntStream.range(0, 30).mapToObj(i -> Map.entry("x" + i, i % 3)).toList();
        List<String> expected =
                pairs.stream().map(p -> p.getKey().repeat(p.getValue())).toList();
        assertEquals(expected, shared.starmap(String::repeat, pairs));
        assertEquals(expected, shared.starmapAsync(String::repeat, pairs, 4).get());
        assertEquals(
                List.of(7, 12),
                shared.starmapAsync(Math::max, List.of(Map.entry(7, 3), Map.entry(2, 12)))
                        .get());
        ExecutionException failed = assertThrows(
                ExecutionException.class,
                () -> shared.starmap(Math::floorDiv, List.of(Map.entry(4, 2), Map.entry(1, 0))));
        assertInstanceOf(ArithmeticException.class, failed.getCause());
        assertThrows(IllegalArgumentException.class, () -> shared.starmapAsync(Math::max, List.of(Map.entry(1, 2)), 0));
    }

    @Test
    void imapWaitsAtMostItsTimeoutPerItemAndTheItemStillComes() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open()) {
            SerializableCallable<String> slow = rendezvous.reportAndWait("slow");
            ResultIterator<String> results =
                    shared.imap((Integer x) -> x == 1 ? call(slow) : "quick", List.of(0, 1, 2), 1);
            assertEquals("quick", results.next(PATIENCE));
            Rendezvous.Arrival arrival = rendezvous.await();
            assertThrows(TimeoutException.class, () -> results.next(Duration.ofMillis(20)));
            arrival.release();
            assertEquals("slow", results.next(PATIENCE), "a timed-out item is returned by a later call");
            assertEquals("quick", results.next(PATIENCE));
            assertFalse(results.hasNext());
        }
    }

    /** Calls a task inside another, in a worker: a test's rendezvous from within a map's function. */
    static <T> T call(SerializableCallable<T> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Python's callback and error_callback are the future's whenComplete: once per task, and for a map once in all,
     * with its first failure, however many chunks fail. A pool of its own, closed (so every chunk has ended) before
     * the counts are read.
     */
    @Test
    void callbacksRunExactlyOnceAndAMapsErrorCallbackOnItsFirstFailure() throws Exception {
        int tasks = 20;
        AtomicIntegerArray calls = new AtomicIntegerArray(tasks);
        AtomicInteger mapCallbacks = new AtomicInteger();
        AtomicReference<Throwable> mapFailure = new AtomicReference<>();
        AtomicInteger okCallbacks = new AtomicInteger();
        try (Pool pool = Pool.create(WORKERS)) {
            for (int i = 0; i < tasks; i++) {
                int item = i;
                pool.applyAsync(() -> refuseFive(item)).whenComplete((result, failure) -> calls.incrementAndGet(item));
            }
            pool.mapAsync(PoolTest::refuseFive, List.of(1, 5, 5, 5, 9), 1).whenComplete((results, failure) -> {
                mapCallbacks.incrementAndGet();
                mapFailure.set(failure);
            });
            pool.mapAsync(x -> x, List.of(1, 2, 3), 1).thenAccept(results -> okCallbacks.incrementAndGet());
        }
        for (int i = 0; i < tasks; i++) {
            assertEquals(1, calls.get(i), "callbacks of task " + i);
        }
        assertEquals(1, mapCallbacks.get());
        assertEquals("five refused", mapFailure.get().getMessage());
        assertEquals(1, okCallbacks.get());
    }

    @Test
    void imapUnorderedYieldsEveryResultOnce() {
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        ResultIterator<Integer> results = shared.imapUnordered(x -> x + 1000, items, 3);
        List<Integer> seen = new ArrayList<>();
        results.forEachRemaining(seen::add);
        assertEquals(20, seen.size());
        assertEquals(
                items.stream().map(x -> x + 1000).collect(java.util.stream.Collectors.toSet()), new HashSet<>(seen));
    }

    @Test
    void anUnserializableResultFailsThatTaskAndTheWorkerLivesOn() throws Exception {
        List<Long> before = shared.workerPids();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> shared.apply(Object::new));
        RemoteTaskException thrown = assertInstanceOf(RemoteTaskException.class, failed.getCause());
        assertTrue(thrown.getMessage().contains("class java.lang.Object, cannot be sent"), thrown.getMessage());
        assertEquals(7, shared.apply(() -> 7));
        assertEquals(before, shared.workerPids());
    }

    @Test
    void anUnserializableTaskIsRefusedAtSubmissionNamingTheCapturedValue() {
        Thread notSerializable = Thread.currentThread();
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> shared.applyAsync(() -> notSerializable.getName()));
        assertTrue(refused.getMessage().contains("captured value #0"), refused.getMessage());
        assertTrue(refused.getMessage().contains("class java.lang.Thread"), refused.getMessage());
        Callable<Integer> plainCallable = () -> 1;
        IllegalArgumentException plain =
                assertThrows(IllegalArgumentException.class, () -> shared.submit(plainCallable));
        assertTrue(plain.getMessage().contains("Serializable"), plain.getMessage());
    }

    /**
     * The ExecutorService methods. A pool of its own: invokeAny cancels the tasks that lost with cancel(true),
     * which kills the workers still running them, and their replacement must not overlap the other tests.
     */
    @Test
    void isAnExecutorServiceWithCompletableFutures() throws Exception {
        try (Pool pool = Pool.create(WORKERS)) {
            executorServiceContract(pool);
        }
    }

    private static void executorServiceContract(Pool shared) throws Exception {
        CompletableFuture<Integer> submitted = shared.submit(() -> 3);
        assertEquals(3, submitted.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(null, shared.submit(() -> {}).get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        List<SerializableCallable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> {
            throw new ArithmeticException("three");
        });
        List<Future<Integer>> all = shared.invokeAll(tasks);
        assertEquals(1, all.get(0).get());
        assertEquals(2, all.get(1).get());
        ExecutionException third =
                assertThrows(ExecutionException.class, () -> all.get(2).get());
        assertInstanceOf(ArithmeticException.class, third.getCause());
        assertTrue(Set.of(1, 2).contains(shared.invokeAny(tasks)));
        List<SerializableCallable<Integer>> failing = List.of(() -> {
            throw new ArithmeticException("none");
        });
        ExecutionException none = assertThrows(ExecutionException.class, () -> shared.invokeAny(failing));
        assertEquals("none", none.getCause().getMessage());
    }

    @Test
    void pythonsStateRulesAfterCloseAndTerminate() throws Exception {
        Pool pool = Pool.create(1);
        assertThrows(IllegalStateException.class, pool::join, "join before close");
        CompletableFuture<Integer> queued = pool.applyAsync(() -> 5);
        pool.shutdown();
        assertTrue(pool.isShutdown());
        RejectedExecutionException closed = assertThrows(RejectedExecutionException.class, () -> pool.apply(() -> 1));
        assertEquals("Pool not running", closed.getMessage());
        pool.join();
        assertEquals(5, queued.getNow(null), "tasks queued before close run");
        assertTrue(pool.isTerminated());
        pool.terminate();
        assertThrows(RejectedExecutionException.class, () -> pool.map(x -> x, List.of(1)));
        assertThrows(RejectedExecutionException.class, () -> pool.imap(x -> x, List.of(1), 1));
        assertThrows(RejectedExecutionException.class, () -> pool.imapUnordered(x -> x, List.of(1), 1));
        assertThrows(RejectedExecutionException.class, () -> pool.starmap(Math::max, List.of(Map.entry(1, 2))));
        assertThrows(RejectedExecutionException.class, () -> pool.applyAsync(() -> 1, PATIENCE));

        Pool terminated = Pool.create(1);
        terminated.terminate();
        assertThrows(RejectedExecutionException.class, () -> terminated.submit(() -> 1));
        terminated.join();
        assertTrue(terminated.awaitTermination(0, TimeUnit.SECONDS));
    }

    @Test
    void tryWithResourcesWaitsForTheQueuedTasks() throws Exception {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        try (Pool pool = Pool.create(1)) {
            for (int i = 0; i < 10; i++) {
                int item = i;
                futures.add(pool.applyAsync(() -> item));
            }
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(i, futures.get(i).getNow(null));
        }
    }

    @Test
    void shutdownNowReturnsTheTasksThatNeverStartedAndCancelsTheRest() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open()) {
            Pool pool = Pool.create(1);
            CompletableFuture<String> running = pool.applyAsync(rendezvous.reportAndWait("running"));
            rendezvous.await();
            CompletableFuture<Integer> queued = pool.applyAsync(() -> 1);
            List<Runnable> neverStarted = pool.shutdownNow();
            assertEquals(1, neverStarted.size());
            assertThrows(CancellationException.class, queued::join);
            assertThrows(CancellationException.class, running::join);
            assertTrue(pool.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void theInitializerRunsOnceInEachWorkerBeforeItsTasks() throws Exception {
        try (Pool pool = Pool.builder()
                .workers(2)
                .initializer(() -> System.setProperty(
                        "pool.initialized", String.valueOf(Integer.getInteger("pool.initialized", 0) + 1)))
                .build()) {
            List<Integer> items = IntStream.range(0, 20).boxed().toList();
            List<String> seen = pool.mapAsync(x -> System.getProperty("pool.initialized"), items, 1)
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(items.stream().map(x -> "1").toList(), seen);
        }
        try (Pool replaced = Pool.builder()
                .workers(1)
                .maxTasksPerWorker(2)
                .initializer(() -> System.setProperty(
                        "pool.initialized", String.valueOf(Integer.getInteger("pool.initialized", 0) + 1)))
                .build()) {
            List<String> seen = new ArrayList<>();
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(replaced.apply(() -> System.getProperty("pool.initialized")));
                pids.add(replaced.apply(() -> ProcessHandle.current().pid()));
            }
            assertEquals(List.of("1", "1", "1", "1", "1", "1"), seen, "each replacement runs it once, too");
            assertEquals(6, pids.size());
        }
    }

    @Test
    void aFailingInitializerFailsTheStartWithItsException() {
        PoolBuilder builder = Pool.builder().workers(1).initializer(() -> {
            throw new IllegalStateException("no database");
        });
        IllegalStateException refused = assertThrows(IllegalStateException.class, builder::build);
        Throwable initializerFailure = refused.getCause();
        assertTrue(initializerFailure.getMessage().contains("the initializer failed"), initializerFailure.getMessage());
        assertEquals("no database", initializerFailure.getCause().getMessage());
    }

    @Test
    void aWorkerIsReplacedAfterMaxTasksPerWorker() throws Exception {
        try (Pool pool = Pool.builder().workers(1).maxTasksPerWorker(2).build()) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                pids.add(pool.apply(() -> ProcessHandle.current().pid()));
            }
            assertEquals(pids.get(0), pids.get(1));
            assertEquals(pids.get(2), pids.get(3));
            assertEquals(pids.get(4), pids.get(5));
            assertEquals(3, new HashSet<>(pids).size(), pids.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().maxTasksPerWorker(0));
        assertThrows(IllegalArgumentException.class, () -> Pool.builder().workers(0));
    }

    @Test
    void aChunkOfThreeHundredThousandItemsTravelsWhole() throws Exception {
        List<Integer> items = IntStream.range(0, 300_000).boxed().toList();
        assertEquals(
                items.stream().map(x -> x + 1).toList(),
                shared.mapAsync(x -> x + 1, items, items.size()).get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }
}
