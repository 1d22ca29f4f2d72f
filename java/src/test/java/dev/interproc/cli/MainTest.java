package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.RegionNotFoundException;
import dev.interproc.SharedMemory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The interproc command line, run in this JVM; the demo's workers are real child JVMs. */
class MainTest {

    private final String region = "ip-test-" + ProcessHandle.current().pid() + "-cli";
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void removeRegion() {
        SharedMemory.unlink(region);
    }

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void demoVerifiesItsTotalsAndRemovesItsRegion() {
        int exit = run("demo", "--workers", "3", "--duration", "1", "--region", region);
        String output = out.toString();
        assertEquals(0, exit, () -> output + err);
        List<String> verdicts = output.lines().filter(line -> line.contains("verified")).toList();
        assertEquals(1, verdicts.size(), output);
        assertTrue(verdicts.get(0).startsWith("verified: "), output);
        assertTrue(verdicts.get(0).contains("increments by 3 processes, none lost"), output);
        assertTrue(output.lines().anyMatch(line -> line.contains("increments") && line.contains("per worker:")),
                "live progress is shown: " + output);
        assertTrue(output.contains("throughput: "), output);
        assertThrows(RegionNotFoundException.class, () -> SharedMemory.open(region));
    }

    @Test
    void demoRefusesAnExistingRegionAndLeavesItAlone() {
        try (SharedMemory existing = SharedMemory.create(region)) {
            existing.sharedLong("kept", 7);
            int exit = run("demo", "--workers", "1", "--duration", "1", "--region", region);
            assertEquals(1, exit);
            assertTrue(err.toString().startsWith("interproc demo: cannot create region '" + region + "'"),
                    err.toString());
            try (SharedMemory again = SharedMemory.open(region)) {
                assertEquals(7, again.sharedLong("kept").get());
            }
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, run("demo", "--workers", "0"));
        assertTrue(err.toString().contains("--workers must be 1 to 64, was 0"), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("demo"), out.toString());
        assertTrue(out.toString().contains("rm"), out.toString());
    }

    @Test
    void rmRemovesRegionsAndReportsMissingOnes() {
        SharedMemory.create(region).close();
        assertEquals(0, run("rm", region));
        assertEquals("removed " + region, out.toString().strip());
        assertEquals(1, run("rm", region));
        assertTrue(err.toString().contains("no region '" + region + "'"), err.toString());
    }
}
