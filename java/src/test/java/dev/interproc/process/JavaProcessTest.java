package dev.interproc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** How {@link JavaProcess#waitFor} and {@link JavaProcess#onExit} end, also when the child's output outlives it. */
class JavaProcessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /**
     * Starts a {@code sleep} that inherits this JVM's standard output, writes its pid to standard error and
     * exits: the parent's reader of standard output then sees no end of file until the sleep ends.
     */
    public static final class LeavesAGrandchild {

        public static void main(String[] args) throws IOException {
            Process grandchild = new ProcessBuilder("sleep", "600")
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            System.err.println(grandchild.pid());
        }
    }

    @Test
    void waitForFailsWhileAProcessTheChildStartedHoldsItsOutputOpen() throws Exception {
        try (JavaProcess child = JavaProcess.builder(LeavesAGrandchild.class).start()) {
            assertTrue(child.process().waitFor(PATIENCE.toNanos(), TimeUnit.NANOSECONDS), child::transcript);
            ProcessHandle grandchild = ProcessHandle.of(
                            Long.parseLong(child.awaitErrorLine(line -> line.matches("\\d+"), PATIENCE)))
                    .orElseThrow();
            try {
                // Nothing ends the grandchild meanwhile, so any timeout gives the same outcome.
                TimeoutException held =
                        assertThrows(TimeoutException.class, () -> child.waitFor(Duration.ofMillis(100)));
                assertTrue(
                        held.getMessage().contains("exited with 0, but its stdout did not reach end of file"),
                        held.getMessage());
            } finally {
                grandchild.destroyForcibly();
            }
            assertEquals(0, child.waitFor(PATIENCE), child::transcript);
            assertEquals(List.of(), child.output());
        }
    }

    /** Prints two lines and exits with the status given as its argument. */
    public static final class PrintsAndExits {

        public static void main(String[] args) {
            System.out.println("first");
            System.out.println("last");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Prints its pid and the environment variable {@code LAUNCHED_BY} on standard output. */
    public static final class PrintsPidAndLauncher {

        public static void main(String[] args) {
            System.out.println(ProcessHandle.current().pid() + " " + System.getenv("LAUNCHED_BY"));
        }
    }

    @Test
    void aLauncherRunsTheJvmInItsOwnProcess() throws Exception {
        JavaProcess.Builder builder =
                JavaProcess.builder(PrintsPidAndLauncher.class).launcher("/usr/bin/env", "LAUNCHED_BY=env");
        assertEquals(
                List.of("/usr/bin/env", "LAUNCHED_BY=env"), builder.command().subList(0, 2));
        try (JavaProcess child = builder.start()) {
            assertEquals(0, child.waitFor(PATIENCE), child::transcript);
            assertEquals(List.of(child.pid() + " env"), child.output());
        }
        builder.launcher();
        assertTrue(builder.command().get(0).endsWith("/bin/java"), builder.command()::toString);
    }

    @Test
    void onExitCompletesWithTheExitCodeOnceTheOutputIsRead() throws Exception {
        try (JavaProcess child =
                JavaProcess.builder(PrintsAndExits.class).args("3").start()) {
            CompletableFuture<List<String>> outputAtExit = child.onExit().thenApply(code -> {
                assertEquals(3, code);
                return child.output();
            });
            assertEquals(List.of("first", "last"), outputAtExit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void onExitWaitsForAStreamAProcessTheChildStartedHoldsOpen() throws Exception {
        try (JavaProcess child = JavaProcess.builder(LeavesAGrandchild.class).start()) {
            CompletableFuture<Integer> exit = child.onExit();
            assertTrue(child.process().waitFor(PATIENCE.toNanos(), TimeUnit.NANOSECONDS), child::transcript);
            ProcessHandle grandchild = ProcessHandle.of(
                            Long.parseLong(child.awaitErrorLine(line -> line.matches("\\d+"), PATIENCE)))
                    .orElseThrow();
            try {
                assertFalse(exit.isDone(), "completed while the grandchild still holds the child's stdout open");
            } finally {
                grandchild.destroyForcibly();
            }
            assertEquals(0, exit.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
    }
}
