package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ChildTask}: a task in a child JVM, its result, its failure, its death, and its parent's death. */
@Timeout(120)
class ChildTaskTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void runsTheTaskInAChildAndExitsWithZero() throws Exception {
        int base = 40;
        try (ChildTask<String> task = new ChildTask<>(
                "adder", () -> (base + 2) + " from " + ProcessHandle.current().pid())) {
            assertFalse(task.isAlive());
            assertEquals(OptionalInt.empty(), task.exitCode());
            long start = System.nanoTime();
            task.start();
            long started = System.nanoTime();
            String result = task.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            System.out.printf(
                    "ChildTask: start and handshake %.1f ms, task and exit %.1f ms%n",
                    (started - start) / 1e6, (System.nanoTime() - started) / 1e6);
            assertEquals("42 from " + task.pid(), result);
            assertNotThisJvm(task.pid());
            assertEquals("adder", task.name());
            assertTrue(task.join(PATIENCE));
            assertFalse(task.isAlive());
            assertEquals(OptionalInt.of(0), task.exitCode());
        }
    }

    @Test
    void theTasksExceptionArrivesWithItsTypeMessageAndTheChildsStackTrace() throws Exception {
        try (ChildTask<Integer> task = new ChildTask<>(ChildTaskTest::failInTheChild)) {
            task.start();
            ExecutionException failed = assertThrows(
                    ExecutionException.class, () -> task.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            IllegalArgumentException thrown = assertInstanceOf(IllegalArgumentException.class, failed.getCause());
            assertEquals("no such thing", thrown.getMessage());
            RemoteTaskException trace = assertInstanceOf(RemoteTaskException.class, thrown.getCause());
            assertTrue(trace.getMessage().contains("pid " + task.pid()), trace.getMessage());
            assertEquals("failInTheChild", trace.getStackTrace()[0].getMethodName());
            assertTrue(task.join(PATIENCE));
            assertEquals(OptionalInt.of(1), task.exitCode());
        }
    }

    private static int failInTheChild() {
        throw new IllegalArgumentException("no such thing");
    }

    @Test
    void aTaskCapturingAnUnserializableValueIsRefusedNamingIt() {
        Object unserializable = new Object();
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> new ChildTask<>(() -> unserializable.hashCode()));
        assertTrue(refused.getMessage().contains("captured value #0"), refused.getMessage());
        assertTrue(refused.getMessage().contains("class java.lang.Object"), refused.getMessage());
    }

    @Test
    void killedWhileRunningItsTaskFailsWithWorkerDiedNamingPidSignalAndTask() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                ChildTask<String> task = new ChildTask<>("victim", rendezvous.reportAndWait("blocked"))) {
            task.start();
            Rendezvous.Arrival running = rendezvous.await();
            assertEquals(task.pid(), running.pid());
            assertFalse(task.join(Duration.ofMillis(50)), "the task waits to be released");
            assertTrue(task.isAlive());
            long killed = System.nanoTime();
            task.kill();
            ExecutionException failed = assertThrows(
                    ExecutionException.class, () -> task.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            System.out.printf("ChildTask: SIGKILL to failed future %.1f ms%n", (System.nanoTime() - killed) / 1e6);
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failed.getCause());
            assertEquals(task.pid(), died.pid());
            assertEquals(137, died.exitCode());
            assertTrue(died.getMessage().contains("signal 9 (SIGKILL)"), died.getMessage());
            assertTrue(died.getMessage().contains("victim"), died.getMessage());
            assertEquals(OptionalInt.of(137), task.exitCode());
        }
    }

    @Test
    void terminateSendsSigterm() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open();
                ChildTask<String> task = new ChildTask<>(rendezvous.reportAndWait("blocked"))) {
            task.start();
            rendezvous.await();
            task.terminate();
            assertTrue(task.join(PATIENCE));
            assertEquals(OptionalInt.of(143), task.exitCode());
            ExecutionException failed = assertThrows(
                    ExecutionException.class, () -> task.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertTrue(
                    failed.getCause().getMessage().contains("SIGTERM"),
                    failed.getCause().getMessage());
        }
    }

    @Test
    void aRunnableTaskResultsInNull() throws Exception {
        try (ChildTask<Void> task = ChildTask.ofRunnable("runnable", () -> {})) {
            task.start();
            assertEquals(null, task.result().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, task::start);
        }
    }

    @Test
    void aWorkerRunningOtherCodeIsRefusedAtTheHandshake() {
        IllegalStateException refused = assertThrows(
                IllegalStateException.class, () -> Worker.start("other", List.of(), "0123", PATIENCE, null));
        assertTrue(refused.getMessage().contains("runs other code than this JVM"), refused.getMessage());
        assertTrue(refused.getMessage().contains(ClassPathHash.current()), refused.getMessage());
    }

    @Test
    void theClassPathHashChangesWithAJarsSizeOrTime() throws IOException {
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("interproc-hash", ".jar");
        try {
            String before = ClassPathHash.of(jar.toString());
            assertEquals(before, ClassPathHash.of(jar.toString()));
            java.nio.file.Files.write(jar, new byte[] {1});
            assertFalse(before.equals(ClassPathHash.of(jar.toString())));
        } finally {
            java.nio.file.Files.delete(jar);
        }
    }

    /** Starts a child task that waits forever, prints its pid, and waits to be killed. */
    static final class ParentOfAChild {

        public static void main(String[] args) throws Exception {
            ChildTask<Void> child = ChildTask.ofRunnable("orphan candidate", () -> {
                try {
                    new java.util.concurrent.CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            child.start();
            System.out.println(child.pid());
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    @Test
    void theChildExitsWhenItsParentIsKilled() throws Exception {
        try (JavaProcess parent = JavaProcess.builder(ParentOfAChild.class).start()) {
            long childPid = Long.parseLong(parent.awaitLine(line -> line.matches("\\d+"), PATIENCE));
            ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
            CompletableFuture<ProcessHandle> childExit = child.onExit();
            long killed = System.nanoTime();
            parent.kill();
            childExit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            System.out.printf(
                    "ChildTask: parent SIGKILLed, child gone after %.1f ms%n", (System.nanoTime() - killed) / 1e6);
            assertFalse(child.isAlive());
        }
    }

    private static void assertNotThisJvm(long pid) {
        assertFalse(pid == ProcessHandle.current().pid());
    }
}
