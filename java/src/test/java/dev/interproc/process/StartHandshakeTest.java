package dev.interproc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Both sides of {@link StartHandshake}, with real child JVMs. */
class StartHandshakeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /**
     * For each of {@code args[0]} rounds: signals it is ready for the round, waits for GO and prints {@code RAN r}.
     * With no argument, signals an untagged READY once, waits for GO and prints {@code RAN}.
     */
    public static final class RoundsChild {

        public static void main(String[] args) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (args.length == 0) {
                StartHandshake.signalReady();
                StartHandshake.awaitGo(in);
                System.out.println("RAN");
                return;
            }
            for (int r = 0; r < Integer.parseInt(args[0]); r++) {
                StartHandshake.signalReady(r);
                StartHandshake.awaitGo(in);
                System.out.println("RAN " + r);
            }
        }
    }

    @Test
    void childrenStartEachRoundOnlyOnceAllAreReady() throws Exception {
        List<JavaProcess> children = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                children.add(JavaProcess.builder(RoundsChild.class).args("2").start());
            }
            for (int round = 0; round < 2; round++) {
                for (JavaProcess child : children) {
                    StartHandshake.awaitReady(child, round, PATIENCE);
                    // A child blocks in awaitGo once ready, so it cannot have run the round yet.
                    assertFalse(child.output().contains("RAN " + round), child::transcript);
                }
                StartHandshake.startTogether(children, round, PATIENCE);
                for (JavaProcess child : children) {
                    child.awaitLine(("RAN " + round)::equals, PATIENCE);
                }
            }
            for (JavaProcess child : children) {
                assertEquals(0, child.waitFor(PATIENCE), child::transcript);
            }
        } finally {
            children.forEach(JavaProcess::close);
        }
    }

    @Test
    void anUntaggedChildStartsOnGo() throws Exception {
        try (JavaProcess child = JavaProcess.builder(RoundsChild.class).start()) {
            StartHandshake.startTogether(List.of(child), PATIENCE);
            child.awaitLine("RAN"::equals, PATIENCE);
            assertEquals(0, child.waitFor(PATIENCE), child::transcript);
        }
    }

    @Test
    void aChildRefusesAnythingButGo() throws Exception {
        try (JavaProcess child = JavaProcess.builder(RoundsChild.class).start()) {
            StartHandshake.awaitReady(child, PATIENCE);
            child.sendLine("STOP");
            child.awaitErrorLine(
                    line -> line.contains("IllegalStateException: expected GO on standard input, got STOP"), PATIENCE);
            assertNotEquals(0, child.waitFor(PATIENCE));
            assertFalse(child.output().contains("RAN"), child::transcript);
        }
    }

    @Test
    void awaitingAChildThatExitsWithoutReadyFailsWithItsOutput() throws Exception {
        try (JavaProcess child = JavaProcess.builder(JavaProcessTest.PrintsAndExits.class)
                .args("0")
                .start()) {
            TimeoutException never =
                    assertThrows(TimeoutException.class, () -> StartHandshake.awaitReady(child, PATIENCE));
            assertTrue(never.getMessage().contains("first"), never.getMessage());
        }
    }
}
