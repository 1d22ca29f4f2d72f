package dev.interproc.bench.connection;

import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.process.JavaProcess;
import dev.interproc.testing.GoodClient;
import dev.interproc.testing.HostileListener;
import dev.interproc.testing.HostilePeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A good client's round trips to a listener while 500 hostile connections attack it (issue #11, must-show 3: "a
 * good client round-trips within 100 ms throughout"), beside the same client's round trips to the same listener
 * when nobody attacks it, in the same run. The listener ({@link HostileListener}) runs in a JVM of its own with a
 * 256 MiB heap and serves each connection on a virtual thread, decoding pickles and Java serialization streams
 * with the library's codecs; the attack ({@link HostilePeers}) is random garbage, huge announced lengths, trickled
 * bytes, silent peers, 100,000-deep pickles and serialization bombs, each opened as fast as the listener accepts.
 *
 * <p>Run: {@code bench/run hostile}, or {@code java -cp bench/target/benchmarks.jar
 * dev.interproc.bench.connection.HostileLoadBenchmark}. System properties: {@code attacks} (5 rounds of 500
 * connections per key), {@code quietRoundTrips} (5000), {@code listenerOptions} (more options of the listener's JVM, separated by
 * spaces, e.g. a flight recording). Prints, with and without an authentication key, the quiet
 * median, p99 and maximum, then each attack round's and all rounds' median, p99 and maximum round trip.
 */
public final class HostileLoadBenchmark {

    private static final int HOSTILE = 500;
    private static final int TRICKLE_ROUNDS = 10;
    private static final int ROUND_TRIPS_AFTER_ATTACK = 20;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private HostileLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        int attacks = Integer.getInteger("attacks", 5);
        int quietRoundTrips = Integer.getInteger("quietRoundTrips", 5000);
        System.out.println("# machine: " + ConnectionBenchmark.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs; Java " + Runtime.version());
        System.out.println("# a good client's round trips to a listener JVM (-Xmx256m, a virtual thread per"
                + " connection): quiet, then during " + attacks + " attacks of " + HOSTILE
                + " hostile connections each (the attack lasts until " + ROUND_TRIPS_AFTER_ATTACK
                + " round trips after the last connection opened)");
        for (String keyText : new String[] {"the key", "-"}) {
            run(keyText, attacks, quietRoundTrips);
        }
    }

    private static void run(String keyText, int attacks, int quietRoundTrips) throws Exception {
        byte[] key = keyText.equals("-") ? null : keyText.getBytes(StandardCharsets.US_ASCII);
        String keyName = key == null ? "none" : "set";
        Path directory = Files.createTempDirectory("interproc-hostile");
        Path socket = directory.resolve("s");
        try (JavaProcess listener = JavaProcess.builder(HostileListener.class)
                .jvmOptions(listenerOptions())
                .args(socket.toString(), keyText)
                .start()) {
            listener.awaitLine("READY"::equals, PATIENCE);
            GoodClient good = new GoodClient(Client.connect(new Address.Unix(socket), key), PATIENCE);
            Thread goodThread = Thread.ofPlatform().name("good client").start(good);
            try {
                require(good, good.awaitRoundTrips(quietRoundTrips)); // warm-up
                good.resetLatencies();
                require(good, good.awaitRoundTrips(quietRoundTrips));
                report(keyName, "quiet", good);
                long worst = 0;
                long[] attackMedians = new long[attacks];
                for (int attack = 0; attack < attacks; attack++) {
                    good.resetLatencies();
                    try (HostilePeers hostile = HostilePeers.open(HOSTILE, socket, key, attack * (long) HOSTILE)) {
                        hostile.trickle(TRICKLE_ROUNDS);
                        require(good, good.awaitRoundTrips(ROUND_TRIPS_AFTER_ATTACK));
                        report(keyName, "attack-" + (attack + 1), good);

                        worst = Math.max(worst, good.percentileNanos(100));
                        attackMedians[attack] = good.percentileNanos(50);
                    }
                }
                listener.sendLine("stats");
                System.out.println("# listener: " + listener.awaitLine(line -> line.startsWith("STATS "), PATIENCE));
                listener.sendLine("exit"); // ends the listener's main, so that a recording it makes is written
                listener.waitFor(PATIENCE);
                Arrays.sort(attackMedians);
                System.out.printf(
                        "result suite=hostile impl=interproc op=roundtrip_under_%d_hostile key=%s"
                                + " median_of_attack_medians_us=%.1f worst_ms=%.2f target_ms=100%n",
                        HOSTILE, keyName, attackMedians[attacks / 2] / 1e3, worst / 1e6);
            } finally {
                good.stop();
                goodThread.join(PATIENCE);
                String transcript = listener.transcript();
                for (String forbidden : HostileListener.FAILURE_MARKS) {
                    if (transcript.contains(forbidden)) {
                        System.out.println("# the listener printed " + forbidden + ":\n" + transcript);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(directory);
        }
    }

    /** -Xmx256m, then the options of the system property {@code listenerOptions}, split at spaces. */
    private static String[] listenerOptions() {
        String extra = System.getProperty("listenerOptions", "").trim();
        return extra.isEmpty() ? new String[] {"-Xmx256m"} : ("-Xmx256m " + extra).split(" +");
    }

    private static void require(GoodClient good, boolean served) {
        if (!served) {
            throw new IllegalStateException("the good client was not served", good.failure());
        }
    }

    private static void report(String key, String phase, GoodClient good) {
        System.out.printf(
                "key %-4s %-9s %6d round trips: median %8.1f us, p99 %8.1f us, max %8.2f ms%n",
                key,
                phase,
                good.roundTripCount(),
                good.percentileNanos(50) / 1e3,
                good.percentileNanos(99) / 1e3,
                good.percentileNanos(100) / 1e6);
    }
}
