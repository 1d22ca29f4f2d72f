package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The worker example end to end, over real HTTP between real processes: a worker, three API processes
 * (one killed with SIGKILL while it holds the shared lock) and the scheduler.
 */
class WorkerDemoTest {

    @Test
    void everyAcceptedJobIsCalculatedOnceEvenWhenAnApiProcessIsKilledHoldingTheLock() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // This checks exactly-once processing, not speed: the time limit only makes a demo whose jobs stop being
        // accepted end with its own summary before the test times out.
        int exitCode = Main.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "demo",
                        "--apis",
                        "3",
                        "--jobs",
                        "24",
                        "--time-limit",
                        "120",
                        "--calculation-ms",
                        "5..20",
                        "--kill-api");
        String transcript = out + "\n" + err;
        assertEquals(0, exitCode, transcript);
        assertTrue(
                transcript.contains("[api-2]     paused holding worker/lock halfway through submitting job"),
                transcript);
        assertTrue(
                transcript.contains("repaired after the lock owner died: rolled back half-submitted job"), transcript);
        assertTrue(transcript.contains("  jobs accepted (202)     24\n"), transcript);
        assertTrue(transcript.contains("  jobs calculated         24\n"), transcript);
        assertTrue(transcript.contains("  overlaps                0\n"), transcript);
        assertTrue(transcript.contains("  lost                    0\n"), transcript);
        assertTrue(transcript.contains("  killed                  api-2 (pid "), transcript);
        assertTrue(transcript.contains("  repairs after the kill  1\n"), transcript);
        assertTrue(transcript.contains("[worker]    SHUTTING_DOWN -> UNAVAILABLE"), transcript);
        assertTrue(transcript.contains("OK: every accepted job was calculated exactly once"), transcript);
        assertFalse(
                Files.exists(Path.of(
                        "/dev/shm", "interproc-demo-" + ProcessHandle.current().pid())),
                "the demo's region was not removed");
    }
}
