package dev.interproc.bench.manager;

import dev.interproc.bench.Pythons;
import dev.interproc.bench.connection.ConnectionBenchmark;
import dev.interproc.connection.Address;
import dev.interproc.manager.ManagedMap;
import dev.interproc.manager.ManagedQueue;
import dev.interproc.manager.Manager;
import dev.interproc.manager.ManagerClient;
import dev.interproc.process.JavaProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The manager benchmark of issue 15: a {@link dev.interproc.manager.ManagerServer} in a JVM of its own and Python
 * 3.13's own {@code SyncManager} server side by side, each used by Java client JVMs ({@link ManagerBenchClient})
 * and by Python 3.13 client processes ({@code bench/python/manager_bench.py}): a dict {@code get} round trip
 * (p50, p99), queue put+get and dict set+get pairs per second from 1 and from 2 client processes on one shared
 * queue and dict, the time to create a dict proxy (until it is usable; the target) and to create and drop
 * one. Python client to Python server is the anchor
 * every other figure is compared with.
 *
 * <p>Run: {@code bench/run manager}, or {@code java -cp bench/target/benchmarks.jar
 * dev.interproc.bench.manager.ManagerBenchmark SECONDS REPETITIONS SCRIPT} with {@code SCRIPT} the path of
 * {@code manager_bench.py}; system property {@code python} (the python3.13 binary; default from
 * {@code INTERPROC_PYTHONS} or pyenv's). Every repetition runs each figure once for each combination, in turn, so
 * that a change of load on the machine meets all of them; the median of the repetitions is reported, after one
 * warm-up pass of half the time.
 */
public final class ManagerBenchmark {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** The figures: name, client operation, client processes. */
    private static final List<Figure> FIGURES = List.of(
            new Figure("dict-get-rtt", "rtt", 1),
            new Figure("queue-pairs", "queue", 1),
            new Figure("queue-pairs", "queue", 2),
            new Figure("dict-pairs", "dict", 1),
            new Figure("dict-pairs", "dict", 2),
            new Figure("create", "create", 1),
            new Figure("create-drop", "create-drop", 1));

    private static final String ANCHOR = "python-python";

    /** A figure: its name, the operation the clients run, and how many client processes run it. */
    record Figure(String name, String operation, int processes) {}

    private ManagerBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: SECONDS REPETITIONS PATH/manager_bench.py");
        }
        double seconds = Double.parseDouble(args[0]);
        int repetitions = Integer.parseInt(args[1]);
        Path script = Path.of(args[2]);
        Path python = Pythons.find("3.13");
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        String keyHex = HexFormat.of().formatHex(key);
        System.out.println("# machine: " + ConnectionBenchmark.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
                + Files.readString(Path.of("/proc/loadavg")).trim() + "; Java " + Runtime.version() + "; " + python);
        Path directory = Files.createTempDirectory("interproc-manager-bench");
        List<ClientProcess> clients = new ArrayList<>();
        Process pythonServer = null;
        try (Manager javaServer = Manager.start(null, key, "-Xmx512m")) {
            Address pythonAddress = new Address.Unix(directory.resolve("python.sock"));
            pythonServer = new ProcessBuilder(
                            python.toString(), script.toString(), "serve", pythonAddress.toString(), keyHex)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String ready = new BufferedReader(
                            new InputStreamReader(pythonServer.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (!"READY".equals(ready)) {
                throw new IOException("the Python server did not start: " + ready);
            }
            try (ManagerClient pythonCreator = ManagerClient.connect(pythonAddress, key)) {
                Map<String, List<ClientProcess>> combinations = new LinkedHashMap<>();
                Shared onJava = Shared.make(javaServer.client());
                Shared onPython = Shared.make(pythonCreator);
                combinations.put(
                        ANCHOR, start(clients, 2, i -> PythonClient.start(python, script, onPython, keyHex, i)));
                combinations.put(
                        "python-java", start(clients, 2, i -> PythonClient.start(python, script, onJava, keyHex, i)));
                combinations.put("java-java", start(clients, 2, i -> JavaClient.start(onJava, keyHex, i)));
                combinations.put("java-python", start(clients, 2, i -> JavaClient.start(onPython, keyHex, i)));
                System.out.printf(
                        "# client -> server, each client a process of its own, servers on socket files; median of %d"
                                + " x %s s after a warm-up%n",
                        repetitions, args[0]);
                Results results = new Results();
                pass(combinations, seconds / 2, null);
                for (int rep = 0; rep < repetitions; rep++) {
                    pass(combinations, seconds, results);
                }
                results.print(FIGURES, List.copyOf(combinations.keySet()), ANCHOR);
            }
        } finally {
            clients.forEach(ClientProcess::close);
            if (pythonServer != null) {
                pythonServer.destroyForcibly().waitFor();
            }
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(directory);
        }
    }

    /** Runs every figure once for every combination; records into {@code results} unless null (warm-up). */
    private static void pass(Map<String, List<ClientProcess>> combinations, double seconds, Results results)
            throws IOException {
        for (Figure figure : FIGURES) {
            for (Map.Entry<String, List<ClientProcess>> combination : combinations.entrySet()) {
                List<ClientProcess> running = combination.getValue().subList(0, figure.processes());
                for (ClientProcess client : running) {
                    client.send(figure.operation(), seconds);
                }
                List<long[]> answers = new ArrayList<>();
                for (ClientProcess client : running) {
                    answers.add(client.await());
                }
                if (results != null) {
                    results.add(combination.getKey(), figure, answers);
                }
            }
        }
    }

    /** The shared objects clients attach to, made on one server by {@code creator}, which keeps them alive. */
    record Shared(Address address, String queueIdent, String dictIdent) {
        static Shared make(ManagerClient creator) {
            ManagedQueue<Integer> queue = creator.queue();
            ManagedMap<String, Integer> dict = creator.dict();
            dict.putAll(Map.of("rtt", 1, "k0", 0, "k1", 0));
            return new Shared(creator.address(), queue.ident(), dict.ident());
        }
    }

    @FunctionalInterface
    private interface Starter {
        ClientProcess start(int index) throws IOException;
    }

    private static List<ClientProcess> start(List<ClientProcess> all, int count, Starter starter) throws IOException {
        List<ClientProcess> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ClientProcess client = starter.start(i);
            all.add(client);
            started.add(client);
        }
        for (ClientProcess client : started) {
            client.awaitReady();
        }
        return started;
    }

    /** A client process answering {@code RUN SEQ OP SECONDS} with {@code DONE SEQ OP COUNT ELAPSED P50 P99}. */
    abstract static sealed class ClientProcess implements AutoCloseable {
        private int sequence;

        abstract void sendLine(String line);

        abstract String awaitLine(String prefix) throws IOException;

        void awaitReady() throws IOException {
            awaitLine("READY");
        }

        void send(String operation, double seconds) {
            sendLine("RUN " + ++sequence + " " + operation + " " + seconds);
        }

        long[] await() throws IOException {
            String[] words = awaitLine("DONE " + sequence + " ").split(" ");
            return Arrays.stream(words, 3, 7).mapToLong(Long::parseLong).toArray();
        }

        @Override
        public abstract void close();
    }

    /** A {@link ManagerBenchClient} JVM. */
    static final class JavaClient extends ClientProcess {
        private final JavaProcess process;

        private JavaClient(JavaProcess process) {
            this.process = process;
        }

        static JavaClient start(Shared shared, String keyHex, int index) {
            return new JavaClient(JavaProcess.builder(ManagerBenchClient.class)
                    .jvmOptions("-Xmx128m")
                    .args(shared.address().toString(), keyHex, shared.queueIdent(), shared.dictIdent(), "" + index)
                    .start());
        }

        @Override
        void sendLine(String line) {
            process.sendLine(line);
        }

        @Override
        String awaitLine(String prefix) throws IOException {
            try {
                return process.awaitLine(line -> line.startsWith(prefix), STARTUP.multipliedBy(5));
            } catch (TimeoutException | InterruptedException e) {
                throw new IOException("no '" + prefix + "' from the Java client: " + process.transcript(), e);
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** A Python client process, {@code manager_bench.py client}. */
    static final class PythonClient extends ClientProcess {
        private final Process process;
        private final BufferedReader output;
        private final OutputStream input;

        private PythonClient(Process process) {
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.input = process.getOutputStream();
        }

        static PythonClient start(Path python, Path script, Shared shared, String keyHex, int index)
                throws IOException {
            return new PythonClient(new ProcessBuilder(
                            python.toString(),
                            script.toString(),
                            "client",
                            shared.address().toString(),
                            keyHex,
                            shared.queueIdent(),
                            shared.dictIdent(),
                            "" + index)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }

        @Override
        void sendLine(String line) {
            try {
                input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                input.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the Python client went", e);
            }
        }

        @Override
        String awaitLine(String prefix) throws IOException {
            for (String line; (line = output.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IOException("the Python client ended without '" + prefix + "' (its errors above)");
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
