package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.testing.GoodClient;
import dev.interproc.testing.HostileListener;
import dev.interproc.testing.HostilePeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #11, must-show 3: 500 hostile connections ({@link HostilePeers}) against one listener, in a child JVM with
 * a 256 MiB heap ({@link HostileListener}), with an authentication key and without. A good client round-trips on
 * its own thread throughout and must always be served; the child must print no {@link OutOfMemoryError}, no
 * {@link StackOverflowError} and nothing uncaught, and still answer at the end. The good client's latencies and the
 * child's slowest decode are printed, not asserted: CI machines are loaded. The timing figure comes from
 * {@code bench/run hostile} (HostileLoadBenchmark), on an idle machine.
 */
class HostileConnectionsTest {

    private static final int HOSTILE = 500;
    private static final int TRICKLE_ROUNDS = 10;
    /** Round trips the good client must make after the last hostile connection opened. */
    private static final int ROUND_TRIPS_AFTER = 20;

    private static final Duration SERVED_WITHIN = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @ParameterizedTest(name = "key: {0}")
    @ValueSource(strings = {"the key", "-"})
    void aGoodClientIsServedThroughFiveHundredHostileConnections(String keyText) throws Exception {
        byte[] key = keyText.equals("-") ? null : keyText.getBytes(StandardCharsets.US_ASCII);
        Path socket = directory.resolve("s");
        long start = System.nanoTime();
        try (JavaProcess child = JavaProcess.builder(HostileListener.class)
                .jvmOptions("-Xmx256m")
                .args(socket.toString(), keyText)
                .start()) {
            child.awaitLine("READY"::equals, TIMEOUT);
            GoodClient good = new GoodClient(Client.connect(new Address.Unix(socket), key), SERVED_WITHIN);
            Thread goodThread = Thread.ofPlatform().name("good client").start(good);
            try (HostilePeers hostile = HostilePeers.open(HOSTILE, socket, key, 0)) {
                hostile.trickle(TRICKLE_ROUNDS);
                assertTrue(
                        good.awaitRoundTrips(ROUND_TRIPS_AFTER),
                        () -> "the good client was not served: " + good.failure());
                child.sendLine("stats");
                String stats = child.awaitLine(line -> line.startsWith("STATS "), TIMEOUT);
                System.out.printf(
                        "%d hostile connections (key %s) in %.1f s: good client %d round trips, median %.2f ms,"
                                + " max %.2f ms; child %s%n",
                        HOSTILE,
                        key == null ? "none" : "set",
                        (System.nanoTime() - start) / 1e9,
                        good.roundTripCount(),
                        good.percentileNanos(50) / 1e6,
                        good.percentileNanos(100) / 1e6,
                        stats);
            } finally {
                good.stop();
                assertTrue(goodThread.join(TIMEOUT), "the good client never stopped");
            }
            assertNull(good.failure(), () -> "the good client was not served: " + good.failure());
            String transcript = child.transcript();
            for (String forbidden : HostileListener.FAILURE_MARKS) {
                assertFalse(transcript.contains(forbidden), () -> forbidden + " in the listener:\n" + transcript);
            }
            assertTrue(child.isAlive(), () -> "the listener died:\n" + transcript);
        }
    }
}
