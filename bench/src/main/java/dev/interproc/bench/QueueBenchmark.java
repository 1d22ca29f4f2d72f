package dev.interproc.bench;

import dev.interproc.SharedMemory;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The multi-process queue benchmark: 64-byte messages through {@link dev.interproc.SharedQueue}, Agrona's
 * {@code OneToOneRingBuffer} and {@code ManyToOneRingBuffer} over a file in /dev/shm, and a
 * {@link dev.interproc.connection.Connection} over a Unix socket, each process a {@link QueueWorker} started by the
 * {@link WorkerHarness}. bench/python/queue_bench.py measures Python's queues the same way.
 *
 * <pre>QueueBenchmark [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION]]]
 *     defaults: 3 seconds, 3 repetitions, every case
 *     IMPLEMENTATION: interproc-take, interproc-read, interproc-drain, agrona, agrona-many, agrona-fenced,
 *         agrona-many-fenced, connection;
 *     OPERATION: 1p1c, 2p1c, roundtrip</pre>
 *
 * Operations: {@code 1p1c}, one producer process to one consumer process, and {@code 2p1c}, two producers to one
 * consumer (throughput: data messages the consumer received from GO until it had every producer's end message,
 * the backlog included, per second); {@code roundtrip}, a ping-pong of one message between two processes, each
 * round trip timed. Rings hold {@value #CAPACITY} bytes on both sides (a 64-byte message takes a 72-byte record in
 * both). Agrona: {@code OneToOneRingBuffer} for 1p1c and the round trip, {@code ManyToOneRingBuffer} for 2p1c,
 * waiting with the idle strategy of the system property {@code agronaIdle} (default {@code yielding}). Three more
 * Agrona rings run 1p1c only, as the anchors of what the target of 0.8x {@code OneToOneRingBuffer} asks of a
 * queue with several producers that blocks: {@code agrona-many}, {@code ManyToOneRingBuffer} with one producer
 * (one compare-and-set per write, which any ring with several producers pays); {@code agrona-fenced},
 * {@code OneToOneRingBuffer} whose producer, after each write, orders the write before a read of a word with a full
 * fence, as a producer must before it reads whether a consumer sleeps (the no-lost-wake-up rule of a blocking
 * queue; Agrona's consumers never sleep, so its producer never pays it); {@code agrona-many-fenced}, both. A
 * repetition more than reported runs first, as the warm-up of every process. Prints:
 * <pre>result suite=queue impl=java-interproc-read op=1p1c processes=2 ops_per_s=MEDIAN reps=R1,R2,...
 * result suite=queue impl=java-agrona-one-to-one op=roundtrip processes=2 ops_per_s=MEDIAN reps=... median_ns=M
 *     p99_ns=P</pre>
 * (round trips: ops_per_s is round trips per second; median_ns and p99_ns the medians over the repetitions of each
 * repetition's median and 99th percentile).
 */
public final class QueueBenchmark {

    /** Bytes of every ring. */
    static final long CAPACITY = 1 << 16;

    static final List<String> OPERATIONS = List.of("1p1c", "2p1c", "roundtrip");
    static final List<String> IMPLEMENTATIONS = List.of(
            "interproc-take",
            "interproc-read",
            "interproc-drain",
            "agrona",
            "agrona-many",
            "agrona-fenced",
            "agrona-many-fenced",
            "connection");
    /** The implementations that run 1p1c only: the anchors of one producer. */
    private static final List<String> ONE_PRODUCER_ANCHORS =
            List.of("agrona-many", "agrona-fenced", "agrona-many-fenced");

    private static final String SLOT = "bench/queue";
    private static final String REPLIES = "bench/replies";

    private QueueBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> implementations = args.length == 4 ? List.of(args[2]) : IMPLEMENTATIONS;
        List<String> operations = args.length == 4 ? List.of(args[3]) : OPERATIONS;
        if (!(seconds > 0)
                || repetitions < 1
                || (args.length > 2 && args.length != 4)
                || !IMPLEMENTATIONS.containsAll(implementations)
                || !OPERATIONS.containsAll(operations)) {
            throw new IllegalArgumentException("usage: QueueBenchmark [SECONDS > 0 [REPETITIONS >= 1 ["
                    + String.join("|", IMPLEMENTATIONS) + " " + String.join("|", OPERATIONS) + "]]]");
        }
        System.out.printf(
                Locale.ROOT,
                "# Java queues across JVMs, 64-byte messages, %.1f s x %d repetitions after one of warm-up, median"
                        + " reported; Agrona idle strategy: %s%n",
                seconds,
                repetitions,
                System.getProperty("agronaIdle", "yielding"));
        for (String operation : operations) {
            for (String impl : implementations) {
                boolean oneProducerOnly = ONE_PRODUCER_ANCHORS.contains(impl);
                if (!(impl.equals("connection") && operation.equals("2p1c"))
                        && !(oneProducerOnly && !operation.equals("1p1c"))) {
                    measure(impl, operation, seconds, repetitions);
                }
            }
        }
    }

    private static void measure(String impl, String operation, double seconds, int repetitions) throws Exception {
        String name = "ip-bench-" + ProcessHandle.current().pid() + "-" + impl + "-" + operation;
        boolean roundTrip = operation.equals("roundtrip");
        int producers = operation.equals("2p1c") ? 2 : 1;
        String kind =
                switch (impl) {
                    case "agrona" -> producers == 2 ? "agrona-many-to-one" : "agrona-one-to-one";
                    case "agrona-many" -> "agrona-many-to-one";
                    case "agrona-fenced" -> "agrona-one-to-one-fenced";
                    case "agrona-many-fenced" -> "agrona-many-to-one-fenced";
                    default -> impl;
                };
        List<Path> files = new ArrayList<>();
        SharedMemory memory = null;
        // to: what producers (and the pinger) send to; back: the ponger's replies; listen/connect: the two ends
        String to;
        String back;
        try {
            switch (impl) {
                case String agrona
                when agrona.startsWith("agrona") -> {
                    to = kind + ":" + ringFile(name + "-to", files);
                    back = kind + ":" + ringFile(name + "-back", files);
                }
                case "connection" -> {
                    Path directory = Files.createTempDirectory("ip-bench-queue");
                    Path socket = directory.resolve("s");
                    files.add(socket);
                    files.add(directory);
                    to = "connection-connect:" + socket;
                    back = "connection-listen:" + socket;
                }
                default -> {
                    memory = SharedMemory.create(name);
                    memory.sharedQueue(SLOT, CAPACITY, QueueTransport.MESSAGE_BYTES);
                    memory.sharedQueue(REPLIES, CAPACITY, QueueTransport.MESSAGE_BYTES);
                    to = impl + ":" + name + ":" + SLOT;
                    back = impl + ":" + name + ":" + REPLIES;
                }
            }
            String[][] workers = new String[producers + 1][];
            String rounds = String.valueOf(repetitions + 1);
            String time = String.valueOf(seconds);
            String p = String.valueOf(producers);
            if (roundTrip) {
                // The connection's two ends are one socket each; the queues are one each way.
                String pongIn = impl.equals("connection") ? back : to;
                String pingIn = impl.equals("connection") ? to : back;
                workers[0] = new String[] {"ping", rounds, time, to, pingIn, p};
                workers[1] = new String[] {"pong", rounds, time, back, pongIn, p};
            } else {
                String consumerIn = impl.equals("connection") ? back : to;
                for (int i = 0; i < producers; i++) {
                    workers[i] = new String[] {"produce", rounds, time, to, "-", p};
                }
                workers[producers] = new String[] {"consume", rounds, time, "-", consumerIn, p};
            }
            long[][][] results = WorkerHarness.run(
                    QueueWorker.class, jvmOptions(), workers.length, repetitions + 1, seconds, i -> workers[i]);
            print(kind, operation, producers, roundTrip, results);
        } finally {
            if (memory != null) {
                memory.close();
                SharedMemory.unlink(name);
            }
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void print(String kind, String operation, int producers, boolean roundTrip, long[][][] results) {
        int reps = results.length - 1;
        double[] rates = new double[reps];
        double[] medians = new double[reps];
        double[] p99s = new double[reps];
        for (int r = 0; r < reps; r++) {
            long[] measured = results[r + 1][roundTrip ? 0 : producers];
            rates[r] = measured[0] * 1e9 / measured[1];
            if (roundTrip) {
                medians[r] = measured[2];
                p99s[r] = measured[3];
            }
        }
        String latency =
                roundTrip ? " median_ns=" + Math.round(median(medians)) + " p99_ns=" + Math.round(median(p99s)) : "";
        System.out.printf(
                Locale.ROOT,
                "result suite=queue impl=java-%s op=%s processes=%d ops_per_s=%s%s%n",
                kind,
                operation,
                producers + 1,
                WorkerHarness.medianAndReps(rates),
                latency);
    }

    private static double median(double[] figures) {
        double[] sorted = figures.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Agrona's classes reach into jdk.internal.misc.Unsafe. */
    static List<String> jvmOptions() {
        return List.of(
                "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "-DagronaIdle=" + System.getProperty("agronaIdle", "yielding"));
    }

    /** A zeroed file in /dev/shm for an Agrona ring of {@link #CAPACITY} bytes (the workers map it). */
    private static Path ringFile(String name, List<Path> files) throws Exception {
        Path file = Path.of("/dev/shm", name);
        files.add(file);
        try (RandomAccessFile created = new RandomAccessFile(file.toFile(), "rw")) {
            created.setLength(QueueTransport.fileBytesOfAgronaRing(CAPACITY));
        }
        return file;
    }
}
