package dev.interproc.bench.manager;

import dev.interproc.connection.Address;
import dev.interproc.manager.ManagedMap;
import dev.interproc.manager.ManagedQueue;
import dev.interproc.manager.ManagerClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A client process of {@link ManagerBenchmark}, the Java twin of {@code bench/python/manager_bench.py client}:
 * connects a {@link ManagerClient}, attaches proxies to the shared queue and dict the benchmark made, prints
 * {@code READY}, then runs one measurement per line of standard input until it ends:
 * {@code RUN SEQ OP SECONDS} answered by {@code DONE SEQ OP COUNT ELAPSED_NS P50_NS P99_NS}.
 *
 * <p>Operations, each what the Python client does with its stock proxies: {@code rtt} (a dict {@code get} of one
 * key, each call timed), {@code queue} ({@code put} then {@code take}), {@code dict} (a one-call set, then
 * {@code get}: {@code putAll} of one entry is {@code dict.update}, one round trip like Python's
 * {@code d[k] = v}; {@link ManagedMap#put} reads the previous value first, a second call), {@code create} (a new
 * dict proxy, each creation timed until the proxy is usable; closed after the sample, untimed), {@code create-drop}
 * (a new dict proxy closed at once, both timed).
 */
public final class ManagerBenchClient {

    private static final int STOP_CHECK = 64;

    private final ManagerClient client;
    private final ManagedQueue<Integer> queue;
    private final ManagedMap<String, Integer> shared;
    private final String mine;

    private ManagerBenchClient(ManagerClient client, String queueIdent, String dictIdent, int index) {
        this.client = client;
        this.queue = client.queue(queueIdent);
        this.shared = client.dict(dictIdent);
        this.mine = "k" + index;
    }

    /**
     * Runs the client.
     *
     * @param args the server's address, the key in hex, the queue's and the dict's idents, this client's index
     * @throws Exception if the manager fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: ADDRESS KEY_HEX QUEUE_IDENT DICT_IDENT INDEX, not " + Arrays.toString(args));
        }
        try (ManagerClient client =
                ManagerClient.connect(Address.parse(args[0]), HexFormat.of().parseHex(args[1]))) {
            ManagerBenchClient bench = new ManagerBenchClient(client, args[2], args[3], Integer.parseInt(args[4]));
            System.out.println("READY");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = commands.readLine()) != null; ) {
                String[] words = line.split(" ");
                if (words.length != 4 || !words[0].equals("RUN")) {
                    throw new IllegalArgumentException("unrecognized command: " + line);
                }
                long[] figures = bench.run(words[2], (long) (Double.parseDouble(words[3]) * 1e9));
                System.out.printf(
                        "DONE %s %s %d %d %d %d%n", words[1], words[2], figures[0], figures[1], figures[2], figures[3]);
            }
        }
    }

    /** Runs one operation for {@code nanos}: {count, elapsed ns, p50 ns, p99 ns}. */
    private long[] run(String operation, long nanos) throws InterruptedException {
        return switch (operation) {
            case "rtt" -> timed(() -> untimed(shared.get("rtt")), nanos);
            case "queue" ->
                counted(
                        i -> {
                            queue.put(i);
                            queue.take();
                        },
                        nanos);
            case "dict" ->
                counted(
                        i -> {
                            shared.putAll(Map.of(mine, i));
                            shared.get(mine);
                        },
                        nanos);
            case "create" -> timed(client::dict, nanos); // closed after the sample
            case "create-drop" ->
                timed(
                        () -> {
                            try (ManagedMap<Object, Object> created = client.dict()) {
                                return untimed(created.ident());
                            }
                        },
                        nanos);
            default -> throw new IllegalArgumentException("unknown operation " + operation);
        };
    }

    /** An operation timed alone; it returns what is to be closed after its sample, untimed (or nothing). */
    private interface Operation {
        AutoCloseable run() throws Exception;
    }

    /** {@return nothing to close after the sample: the operation's whole work was timed} */
    private static AutoCloseable untimed(Object ignored) {
        return null;
    }

    private interface Pair {
        void run(int i) throws InterruptedException;
    }

    /**
     * Times each call of {@code operation} until {@code nanos} pass, then closes what it returned, untimed: {count,
     * the timed nanoseconds in all, p50, p99}.
     */
    private static long[] timed(Operation operation, long nanos) throws InterruptedException {
        long[] samples = new long[1 << 16];
        int count = 0;
        long timedTotal = 0;
        long deadline = System.nanoTime() + nanos;
        for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
            AutoCloseable rest;
            try {
                rest = operation.run();
            } catch (InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            long after = System.nanoTime();
            if (count == samples.length) {
                samples = Arrays.copyOf(samples, count * 2);
            }
            samples[count++] = after - now;
            timedTotal += after - now;
            if (rest != null) {
                try {
                    rest.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return new long[] {count, timedTotal, sorted[count / 2], sorted[Math.min(count - 1, count * 99 / 100)]};
    }

    /** Runs {@code pair} in batches until {@code nanos} pass. */
    private static long[] counted(Pair pair, long nanos) throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + nanos;
        int count = 0;
        long now = began;
        while (now < deadline) {
            for (int i = count; i < count + STOP_CHECK; i++) {
                pair.run(i);
            }
            count += STOP_CHECK;
            now = System.nanoTime();
        }
        return new long[] {count, now - began, 0, 0};
    }
}
