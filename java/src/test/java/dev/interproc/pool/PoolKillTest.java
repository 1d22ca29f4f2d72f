package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random SIGKILLs of busy and idle workers while a pool runs many short tasks (the must-show 2): every task
 * ends, with its result or a {@link WorkerDiedException} naming pid, signal and task; the failed ones are exactly the
 * tasks a killed worker was running; the pool finishes and stays usable; with retries on, every task succeeds.
 *
 * <p>Each task appends its number to a file named for its worker's pid before it works, so the test knows, from the
 * workers' side, which task each killed worker ran last: that task, unless it succeeded, is the one to fail.
 *
 * <p>The scale is 8 workers, 10,000 tasks and 50 kills: {@code mvn -pl java verify -Dtest=PoolKillTest
 * -Dpool.kill.workers=8 -Dpool.kill.tasks=10000 -Dpool.kill.kills=50}. By default (CI, a shared two-core machine) a
 * quarter of it runs: 4 workers, 2,000 tasks, 12 kills. The time from each kill to its task's failure is printed.
 */
@Timeout(900)
class PoolKillTest {

    private static final Duration PATIENCE = Duration.ofSeconds(600);
    private static final int WORKERS = Integer.getInteger("pool.kill.workers", 4);
    private static final int TASKS = Integer.getInteger("pool.kill.tasks", 2_000);
    private static final int KILLS = Integer.getInteger("pool.kill.kills", 12);

    @TempDir
    Path markers;

    @Test
    void everyTaskEndsAndExactlyTheTasksUnderAKilledWorkerFail() throws Exception {
        Run run = killWhileRunning(Pool.builder().workers(WORKERS));
        Map<Long, Integer> failuresByPid = new HashMap<>();
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            try {
                run.tasks.get(i).join();
            } catch (CompletionException failed) {
                WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failed.getCause());
                Long killedAt = run.killedAt.get(died.pid());
                assertTrue(killedAt != null, died.pid() + " died but was not killed: " + died);
                assertEquals(137, died.exitCode(), died.getMessage());
                assertTrue(died.getMessage().contains("signal 9 (SIGKILL)"), died.getMessage());
                assertTrue(died.getMessage().contains("task "), died.getMessage());
                failuresByPid.merge(died.pid(), 1, Integer::sum);
                latencies.add(run.failedAt.get(i) - killedAt);
                List<Integer> started = startedOn(died.pid());
                // Killed after the task was sent and before it wrote its marker, it is in no file at all.
                assertTrue(
                        started.isEmpty() || started.getLast() == i || neverStarted(i),
                        "task " + i + " failed on " + died.pid() + ", which last started task " + started);
            }
        }
        for (long pid : run.killedAt.keySet()) {
            List<Integer> started = startedOn(pid);
            for (int k = 0; k < started.size(); k++) {
                int task = started.get(k);
                boolean last = k == started.size() - 1;
                if (!last
                        || run.tasks.get(task).isDone() && !run.tasks.get(task).isCompletedExceptionally()) {
                    assertEquals(pid, run.tasks.get(task).join(), "task " + task + " ran to its end on " + pid);
                } else {
                    WorkerDiedException died = assertInstanceOf(
                            WorkerDiedException.class,
                            assertThrowsCompletion(run.tasks.get(task)),
                            "the task " + pid + " ran when it was killed fails");
                    assertEquals(pid, died.pid());
                }
            }
        }
        int failed = failuresByPid.values().stream().mapToInt(Integer::intValue).sum();
        failuresByPid.forEach((pid, failures) ->
                assertEquals(1, failures, "a worker runs one task at a time, so only one can die under " + pid));
        latencies.sort(null);
        System.out.printf(
                "Pool kill test: %d tasks on %d workers, %d SIGKILLs: %d succeeded, %d failed (%d kills found the"
                        + " worker idle), %.1f s; kill to WorkerDiedException: median %.1f ms, max %.1f ms (target"
                        + " 100 ms)%n",
                TASKS,
                WORKERS,
                run.killedAt.size(),
                TASKS - failed,
                failed,
                run.killedAt.size() - failed,
                run.seconds,
                latencies.isEmpty() ? Double.NaN : latencies.get(latencies.size() / 2) / 1e6,
                latencies.isEmpty() ? Double.NaN : latencies.getLast() / 1e6);
    }

    @Test
    void withRetriesEveryTaskSucceeds() throws Exception {
        Run run = killWhileRunning(Pool.builder().workers(WORKERS).maxRetries(3));
        for (int i = 0; i < TASKS; i++) {
            long pid = run.tasks.get(i).join();
            assertTrue(!run.killedAt.containsKey(pid) || startedOn(pid).contains(i), "task " + i + " ran on " + pid);
        }
        long retried = run.killedAt.keySet().stream()
                .filter(pid -> {
                    List<Integer> started = startedOn(pid);
                    return !started.isEmpty()
                            && run.tasks.get(started.getLast()).join() != pid;
                })
                .count();
        System.out.printf(
                "Pool kill test with retries: %d tasks on %d workers, %d SIGKILLs: all succeeded, %d retried, %.1f s%n",
                TASKS, WORKERS, run.killedAt.size(), retried, run.seconds);
    }

    /** The tasks, when each failed, and when each worker was killed (by pid). */
    private record Run(
            List<CompletableFuture<Long>> tasks,
            Map<Integer, Long> failedAt,
            Map<Long, Long> killedAt,
            double seconds) {}

    private Run killWhileRunning(PoolBuilder builder) throws Exception {
        Random random = new Random(14);
        Semaphore completions = new Semaphore(0);
        Map<Long, Long> killedAt = new ConcurrentHashMap<>();
        Map<Integer, Long> failedAt = new ConcurrentHashMap<>();
        List<CompletableFuture<Long>> tasks = new ArrayList<>();
        long start = System.nanoTime();
        try (Pool pool = builder.build()) {
            String directory = markers.toString();
            int acquired = 0;
            // The tasks go in one wave per kill. A kill in an even wave comes when half of it has completed, so
            // that it finds its worker busy; one in an odd wave when all of it has, so that it finds it idle (its
            // slot replaces it when it sends the next wave's first task).
            for (int kill = 0; kill < KILLS; kill++) {
                int from = tasks.size();
                int to = kill == KILLS - 1 ? TASKS : (kill + 1) * (TASKS / KILLS);
                for (int i = from; i < to; i++) {
                    int index = i;
                    CompletableFuture<Long> task = pool.applyAsync(() -> markThenSpin(directory, index));
                    task.whenComplete((pid, failure) -> {
                        if (failure != null) {
                            failedAt.put(index, System.nanoTime());
                        }
                        completions.release();
                    });
                    tasks.add(task);
                }
                boolean idle = kill % 2 == 1;
                int target = idle ? to : from + (to - from) / 2;
                completions.acquire(target - acquired);
                acquired = target;
                List<Long> alive = notKilled(pool, killedAt);
                while (alive.isEmpty() && acquired < to) {
                    // Every listed worker is killed and not yet replaced: a replacement comes with the next task.
                    completions.acquire();
                    acquired++;
                    alive = notKilled(pool, killedAt);
                }
                if (alive.isEmpty()) {
                    throw new AssertionError("no live worker to kill: the pool lists " + pool.workerPids());
                }
                long victim = alive.get(random.nextInt(alive.size()));
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                killedAt.put(victim, System.nanoTime());
            }
            CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new))
                    .exceptionally(failure -> null)
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(KILLS, killedAt.size(), "each kill took a live worker");
            assertEquals(7, pool.apply(() -> 7), "the pool stays usable");
        }
        return new Run(tasks, failedAt, killedAt, (System.nanoTime() - start) / 1e9);
    }

    private static List<Long> notKilled(Pool pool, Map<Long, Long> killed) {
        return pool.workerPids().stream()
                .filter(pid -> !killed.containsKey(pid))
                .toList();
    }

    /** The tasks a worker started, in order, from its marker file. */
    private List<Integer> startedOn(long pid) {
        Path file = markers.resolve(Long.toString(pid));
        try {
            return Files.exists(file)
                    ? Files.readAllLines(file).stream().map(Integer::valueOf).toList()
                    : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private boolean neverStarted(int task) throws IOException {
        try (var files = Files.list(markers)) {
            for (Path file : files.toList()) {
                if (Files.readAllLines(file).contains(Integer.toString(task))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Throwable assertThrowsCompletion(CompletableFuture<Long> task) {
        try {
            task.join();
        } catch (CompletionException failed) {
            return failed.getCause();
        }
        throw new AssertionError("task did not fail");
    }

    /**
     * Appends the task's number to the file named for this worker's pid, then works two milliseconds (so that a
     * kill often finds the worker busy); returns the worker's pid.
     */
    private static long markThenSpin(String directory, int task) throws IOException {
        long pid = ProcessHandle.current().pid();
        Files.writeString(
                Path.of(directory, Long.toString(pid)),
                task + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        long end = System.nanoTime() + 2_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return pid;
    }
}
