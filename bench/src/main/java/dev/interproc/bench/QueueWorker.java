package dev.interproc.bench;

import dev.interproc.SharedMemory;
import dev.interproc.SharedQueue;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One process of {@link QueueBenchmark}: {@code QueueWorker ROLE REPETITIONS SECONDS SEND RECEIVE PRODUCERS}, SEND
 * and RECEIVE being {@link QueueTransport} specs (or {@code -}; the same spec twice is one transport).
 *
 * <p>Per repetition r it prints {@code READY r}, waits for GO, runs its role and prints {@code RESULT r ...}:
 * <ul>
 *   <li>{@code produce}: sends data messages in batches of {@value #BATCH} until SECONDS have passed, then one end
 *       message; {@code RESULT r SENT NANOSECONDS};
 *   <li>{@code consume}: receives until PRODUCERS end messages came; {@code RESULT r RECEIVED NANOSECONDS}, the
 *       data messages received from GO to the last end (the backlog drained);
 *   <li>{@code ping}: round trips (send a message, wait for the echo) for SECONDS, each timed, then one end
 *       message; {@code RESULT r TRIPS NANOSECONDS MEDIAN_NS P99_NS};
 *   <li>{@code pong}: echoes each message until an end message; {@code RESULT r 0 1}.
 * </ul>
 * The coordinator runs one more repetition than it reports, first, as the warm-up of both sides.
 *
 * <p>{@code doomed-put REGION SLOT} and {@code doomed-take REGION SLOT} (the queue-flow suite): after GO, put a
 * message or take one, in a JVM whose test hook pauses inside the write or read until it is killed.
 */
public final class QueueWorker {

    static final int BATCH = 64;
    /** Round trips timed per repetition at most (the rest are run, not timed). */
    private static final int MAX_TIMED = 4_000_000;

    private QueueWorker() {}

    public static void main(String[] args) throws Exception {
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (args[0].startsWith("doomed-")) {
            doomed(args[0], args[1], args[2], stdin);
            return;
        }
        String role = args[0];
        int repetitions = Integer.parseInt(args[1]);
        long nanos = (long) (Double.parseDouble(args[2]) * 1e9);
        int producers = Integer.parseInt(args[5]);
        try (QueueTransport out = args[3].equals("-") ? null : QueueTransport.open(args[3]);
                QueueTransport separateIn =
                        args[4].equals("-") || args[4].equals(args[3]) ? null : QueueTransport.open(args[4])) {
            QueueTransport in = separateIn != null ? separateIn : out;
            long[] latencies = role.equals("ping") ? new long[MAX_TIMED] : null;
            for (int r = 0; r < repetitions; r++) {
                StartHandshake.signalReady(r);
                StartHandshake.awaitGo(stdin);
                long start = System.nanoTime();
                String result =
                        switch (role) {
                            case "produce" -> produce(out, start + nanos) + " " + (System.nanoTime() - start);
                            case "consume" -> consume(in, producers) + " " + (System.nanoTime() - start);
                            case "ping" -> ping(out, in, start + nanos, latencies, start);
                            case "pong" -> pong(out, in);
                            default -> throw new IllegalArgumentException("unknown role " + role);
                        };
                System.out.println("RESULT " + r + " " + result);
            }
            if (in != null && in.sink == 42) {
                System.out.println("# " + in.sink); // keeps the reads of the first bytes alive
            }
        }
    }

    private static long produce(QueueTransport out, long deadline) throws Exception {
        long sent = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                out.send(QueueTransport.DATA);
            }
            sent += BATCH;
        } while (System.nanoTime() < deadline);
        out.send(QueueTransport.END);
        return sent;
    }

    private static long consume(QueueTransport in, int producers) throws Exception {
        in.ends = 0;
        long received = 0;
        while (in.ends < producers) {
            received += in.receive(Integer.MAX_VALUE);
        }
        return received - in.ends;
    }

    private static String ping(QueueTransport out, QueueTransport in, long deadline, long[] latencies, long start)
            throws Exception {
        in.ends = 0;
        long trips = 0;
        long now;
        do {
            long sent = System.nanoTime();
            out.send(QueueTransport.DATA);
            in.receive(1);
            now = System.nanoTime();
            if (trips < latencies.length) {
                latencies[(int) trips] = now - sent;
            }
            trips++;
        } while (now < deadline);
        out.send(QueueTransport.END);
        int timed = (int) Math.min(trips, latencies.length);
        long[] sorted = Arrays.copyOf(latencies, timed);
        Arrays.sort(sorted);
        return trips + " " + (now - start) + " " + sorted[timed / 2] + " " + sorted[(int) (timed * 0.99)];
    }

    private static String pong(QueueTransport out, QueueTransport in) throws Exception {
        in.ends = 0;
        while (true) {
            in.receive(1);
            if (in.ends > 0) {
                return "0 1";
            }
            out.send(QueueTransport.DATA);
        }
    }

    /** Puts or takes one message after GO; the test hook holds it inside until the coordinator kills it. */
    private static void doomed(String role, String region, String slot, BufferedReader stdin) throws Exception {
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedQueue queue = memory.sharedQueue(slot, QueueBenchmark.CAPACITY, QueueTransport.MESSAGE_BYTES);
            StartHandshake.signalReady();
            StartHandshake.awaitGo(stdin);
            if (role.equals("doomed-put")) {
                queue.put(QueueTransport.message(QueueTransport.DATA));
            } else {
                queue.take();
            }
            System.out.println("SURVIVED"); // only if the pause ended before the kill
        }
    }
}
