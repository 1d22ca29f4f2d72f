package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JoinableQueue}: Python's task_done and join, within one process and across JVMs, and a consumer JVM killed
 * with unfinished tasks.
 */
@Timeout(300)
class JoinableQueueTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final Duration SHORT = Duration.ofMillis(20);

    @RegisterExtension
    final TestRegion region = new TestRegion("qjoin");

    private JoinableQueue<String> queue() {
        return QueueChild.joinable(region.memory());
    }

    @Test
    void joinReturnsOnceEveryTakenTaskIsMarkedDone() throws Exception {
        JoinableQueue<String> queue = queue();
        assertTrue(queue.join(SHORT), "an empty queue with nothing in flight is joined at once");
        queue.put("a");
        queue.put("b");
        assertEquals(2, queue.unfinishedTasks());
        assertFalse(queue.join(SHORT), "two messages are still held");
        assertEquals("a", queue.take());
        assertEquals("b", queue.poll());
        assertEquals(2, queue.unfinishedTasks(), "taken is not done");
        assertFalse(queue.join(SHORT));
        try (ExecutorService threads = Executors.newCachedThreadPool()) {
            Future<?> joiner = threads.submit(() -> {
                queue.join();
                return null;
            });
            queue.taskDone();
            assertEquals(1, queue.unfinishedTasks(), "one task is still in flight");
            queue.taskDone();
            joiner.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(0, queue.unfinishedTasks());
        assertEquals(0, queue.abandonedTasks());
    }

    @Test
    void taskDoneMoreTimesThanTasksTakenIsRefused() throws InterruptedException {
        JoinableQueue<String> queue = queue();
        IllegalStateException none = assertThrows(IllegalStateException.class, queue::taskDone);
        assertTrue(none.getMessage().contains("task_done() called too many times"), none.getMessage());
        queue.put("a");
        queue.take();
        queue.taskDone();
        assertThrows(IllegalStateException.class, queue::taskDone);
    }

    @Test
    void everyKindOfTakeCountsATaskAndClearMarksItsTasksDone() throws InterruptedException {
        JoinableQueue<String> queue = queue();
        for (String element : List.of("a", "b", "c", "d")) {
            queue.put(element);
        }
        List<String> drained = new ArrayList<>();
        assertEquals(1, queue.drainTo(drained, 1));
        assertTrue(queue.bytes().read(message -> {}));
        assertEquals("c", queue.getNowait());
        assertEquals(4, queue.unfinishedTasks(), "3 taken, 1 held");
        queue.clear();
        assertEquals(3, queue.unfinishedTasks(), "clear marked its task done");
        for (int i = 0; i < 3; i++) {
            queue.taskDone();
        }
        assertTrue(queue.join(SHORT));
    }

    @Test
    void aBatchCountsATaskPerMessageItConsumes() throws InterruptedException {
        JoinableQueue<String> queue = queue();
        for (int i = 0; i < 6; i++) {
            queue.put("task " + i);
        }
        assertEquals(3, queue.bytes().drain(message -> {}, 3));
        assertEquals(6, queue.unfinishedTasks(), "3 taken in one batch, 3 held");
        int[] handled = {0};
        assertThrows(IllegalStateException.class, () -> queue.bytes()
                .drain(
                        message -> {
                            if (handled[0]++ == 1) {
                                throw new IllegalStateException("the second fails");
                            }
                        },
                        10));
        assertEquals(6, queue.unfinishedTasks(), "4 taken (the failed one is not), 2 held");
        assertEquals(2, queue.bytes().drainTo(new ArrayList<>(), 10));
        for (int i = 0; i < 5; i++) {
            queue.taskDone();
        }
        assertFalse(queue.join(SHORT), "one task is still in flight");
        queue.taskDone();
        assertThrows(IllegalStateException.class, queue::taskDone, "6 tasks taken, 6 done");
        assertTrue(queue.join(SHORT));
    }

    @Test
    void theInspectionShowsTheTasksInFlightPerProcess() throws InterruptedException {
        JoinableQueue<String> queue = queue();
        queue.put("a");
        queue.put("b");
        queue.take();
        String state = state();
        assertTrue(state.startsWith("1 message, "), state);
        assertTrue(
                state.endsWith(
                        "; 1 task in flight (pid " + ProcessHandle.current().pid() + ": 1)"),
                state);
        SlotInfo slot = SharedMemory.inspect(region.name()).slots().stream()
                .filter(info -> info.name().equals("j"))
                .findFirst()
                .orElseThrow();
        assertEquals("JoinableQueue", slot.type());
    }

    /**
     * A consumer JVM takes 3 tasks, marks 1 done and is killed: a join waiting meanwhile throws naming its pid and
     * the 2 tasks it left, which are counted done, so the next join returns; the inspection reports them.
     */
    @Test
    void aJoinWhoseConsumerDiedWithUnfinishedTasksReportsTheDeathInsteadOfHanging() throws Exception {
        JoinableQueue<String> queue = queue();
        for (int i = 0; i < 3; i++) {
            queue.put("task " + i);
        }
        long pid;
        try (ExecutorService threads = Executors.newCachedThreadPool();
                JavaProcess consumer = JavaProcess.builder(QueueChild.class)
                        .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                        .args("joinable-take", region.name(), "q", "3")
                        .start()) {
            StartHandshake.awaitReady(consumer, PATIENCE);
            StartHandshake.go(consumer);
            consumer.awaitLine("TOOK 3, DONE 1"::equals, PATIENCE);
            pid = consumer.pid();
            assertTrue(state().endsWith("2 tasks in flight (pid " + consumer.pid() + ": 2)"), state());
            Future<?> joiner = threads.submit(() -> {
                queue.join();
                return null;
            });
            assertFalse(queue.join(SHORT), "the live consumer's 2 tasks are unfinished");
            long killedAt = System.nanoTime();
            consumer.kill();
            consumer.waitFor(PATIENCE);
            Exception failed = assertThrows(Exception.class, () -> joiner.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            System.out.printf(
                    "joinable queue: a join saw its consumer's death %d us after the kill%n",
                    TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - killedAt));
            TasksAbandonedException abandoned = (TasksAbandonedException) failed.getCause();
            assertEquals(consumer.pid(), abandoned.pid());
            assertEquals(2, abandoned.tasks());
            assertTrue(
                    abandoned
                            .getMessage()
                            .contains("process " + consumer.pid() + " died with 2 task(s) taken and not marked done"),
                    abandoned.getMessage());
        }
        assertTrue(queue.join(PATIENCE), "the dead consumer's tasks were counted done");
        assertEquals(2, queue.abandonedTasks());
        assertTrue(state().endsWith("; 0 tasks in flight, 2 given up (last: pid " + pid + " died with 2)"), state());
    }

    /**
     * The tasks left in this process's entry by a dead earlier owner of the entry (a token of another generation) are
     * given up by a join, which reports them, and by this process's first take, which replaces the word.
     */
    @Test
    void tasksOfADeadEarlierOwnerOfThisProcesssEntryAreGivenUpByAJoinAndByATake() throws InterruptedException {
        JoinableQueue<String> queue = queue();
        int token = region.memory().region().ownerToken();
        int earlier = token + (1 << RegionLayout.TOKEN_INDEX_BITS); // same entry, another generation
        long word = RegionLayout.QUEUE_RING_OFFSET
                + QueueChild.CAPACITY
                + RegionLayout.TASKS_IN_FLIGHT_OFFSET
                + (long) Long.BYTES * ProcessTable.indexOf(token);
        MemorySegment slot = new SlotDirectory(region.memory().region())
                .entries().stream()
                        .filter(entry -> entry.name().equals("j"))
                        .findFirst()
                        .orElseThrow()
                        .value();
        slot.set(JAVA_LONG, word, ((long) earlier << 32) | 3);
        TasksAbandonedException joined = assertThrows(TasksAbandonedException.class, () -> queue.join(PATIENCE));
        assertEquals(3, joined.tasks());
        assertTrue(
                joined.getMessage().contains("a process whose entry was reused died with 3 task(s)"),
                joined.getMessage());
        assertTrue(queue.join(SHORT), "given up, they are counted done");

        slot.set(JAVA_LONG, word, ((long) earlier << 32) | 2);
        queue.put("a");
        assertEquals("a", queue.take());
        assertEquals(5, queue.abandonedTasks(), "the take gave the 2 up");
        assertEquals(((long) token << 32) | 1, slot.get(JAVA_LONG, word), "and counts its own task");
        queue.taskDone();
        assertTrue(queue.join(SHORT));
    }

    private String state() {
        return SharedMemory.inspect(region.name()).slots().stream()
                .filter(slot -> slot.name().equals("j"))
                .findFirst()
                .orElseThrow()
                .value();
    }
}
