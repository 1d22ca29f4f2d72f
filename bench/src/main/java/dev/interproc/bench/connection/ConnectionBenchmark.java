package dev.interproc.bench.connection;

import dev.interproc.bench.Pythons;
import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import dev.interproc.process.JavaProcess;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * 64-byte round trips between two processes: this package's {@link Connection} against a raw Java socket
 * ping-pong on the same transport (no framing, a blocking {@link SocketChannel} and a direct buffer on both ends),
 * measured alternately in the same run, and against Python 3.12's {@code multiprocessing.connection} doing the
 * same ping-pong between two Python processes.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.interproc.bench.connection.ConnectionBenchmark}.
 * System properties: {@code roundTrips} (200000), {@code repetitions} (9), {@code pythonRoundTrips} (50000),
 * {@code python} (the python3.12 binary; default from {@code INTERPROC_PYTHONS} or {@code ~/.pyenv}).
 * Prints one line per figure: name, median round-trip time, baseline name and value, ratio; and, as a comment,
 * every repetition and the ratio of the fastest repetitions, which a busy machine disturbs least.
 */
public final class ConnectionBenchmark {

    private static final int MESSAGE_SIZE = 64;
    private static final byte[] KEY = "benchmark".getBytes(StandardCharsets.US_ASCII);
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private ConnectionBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            runPeer(args[1], args[2], Address.parse(args[3]));
            return;
        }
        int roundTrips = Integer.getInteger("roundTrips", 200_000);
        int repetitions = Integer.getInteger("repetitions", 9);
        int pythonRoundTrips = Integer.getInteger("pythonRoundTrips", 50_000);
        Path python = Pythons.find("3.12");
        System.out.println("# machine: " + cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs; Java " + Runtime.version() + "; " + python);
        System.out.println("# " + MESSAGE_SIZE + "-byte round trips between two processes; median of " + repetitions
                + " repetitions of " + roundTrips + " (Python: " + pythonRoundTrips + "), after a warm-up");
        List<String> figures = new ArrayList<>();
        for (String transport : List.of("unix", "tcp")) {
            long[] raw = new long[repetitions];
            long[] connection = new long[repetitions];
            Path directory = Files.createTempDirectory("interproc-bench");
            try (PingPong rawSide = RawPingPong.start(transport, directory);
                    PingPong connectionSide = ConnectionPingPong.start(transport, directory)) {
                rawSide.roundTripNanos(roundTrips);
                connectionSide.roundTripNanos(roundTrips);
                // Alternating the two keeps a load change on the machine from favouring one of them.
                for (int i = 0; i < repetitions; i++) {
                    raw[i] = rawSide.roundTripNanos(roundTrips);
                    connection[i] = connectionSide.roundTripNanos(roundTrips);
                }
            } finally {
                try (Stream<Path> files = Files.list(directory)) {
                    for (Path file : files.toList()) {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(directory);
            }
            long[] pythonRuns = runPython(python, transport, pythonRoundTrips, repetitions);
            System.out.println("# " + transport + " raw socket ns: " + Arrays.toString(raw) + "; Connection ns: "
                    + Arrays.toString(connection) + "; Python ns: " + Arrays.toString(pythonRuns));
            System.out.printf(
                    "# %s fastest repetitions: Connection %d ns, raw socket %d ns (ratio %.3f), Python %d ns"
                            + " (ratio %.3f)%n",
                    transport,
                    min(connection),
                    min(raw),
                    (double) min(connection) / min(raw),
                    min(pythonRuns),
                    (double) min(connection) / min(pythonRuns));
            figures.add(figure("connection-" + transport, median(connection), "raw-socket-" + transport, median(raw)));
            figures.add(figure(
                    "connection-" + transport,
                    median(connection),
                    "python3.12-connection-" + transport,
                    median(pythonRuns)));
        }
        figures.forEach(System.out::println);
    }

    private static String figure(String name, long nanos, String baseline, long baselineNanos) {
        return String.format(
                "%-20s rtt_ns=%7d  baseline=%-30s baseline_ns=%7d  ratio=%.3f",
                name, nanos, baseline, baselineNanos, (double) nanos / baselineNanos);
    }

    private static long min(long[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One side of a ping-pong whose echoing peer runs in a child JVM. */
    private interface PingPong extends AutoCloseable {
        /** Runs {@code count} round trips and returns the mean round-trip time in nanoseconds. */
        long roundTripNanos(int count) throws IOException;

        @Override
        void close() throws IOException;
    }

    private static JavaProcess startPeer(String kind, String transport, Address address) {
        return JavaProcess.builder(ConnectionBenchmark.class)
                .jvmOptions("-Xmx128m")
                .args("peer", kind, transport, address.toString())
                .start();
    }

    private static Address address(String transport, Path directory, String name) {
        return transport.equals("tcp") ? Address.Tcp.loopback(0) : new Address.Unix(directory.resolve(name));
    }

    /** The baseline: a blocking SocketChannel and a reused direct buffer, no framing. */
    private static final class RawPingPong implements PingPong {

        private final JavaProcess peer;
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_SIZE);

        private RawPingPong(JavaProcess peer, SocketChannel channel) {
            this.peer = peer;
            this.channel = channel;
        }

        static RawPingPong start(String transport, Path directory) throws IOException {
            ServerSocketChannel server;
            Address address;
            if (transport.equals("tcp")) {
                server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                address = Address.Tcp.loopback(((InetSocketAddress) server.getLocalAddress()).getPort());
            } else {
                Path socket = directory.resolve("raw.sock");
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
                address = new Address.Unix(socket);
            }
            try (server) {
                JavaProcess peer = startPeer("raw", transport, address);
                SocketChannel channel = server.accept();
                if (transport.equals("tcp")) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                return new RawPingPong(peer, channel);
            }
        }

        @Override
        public long roundTripNanos(int count) throws IOException {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer) < 0) {
                        throw new EOFException("raw peer ended");
                    }
                }
            }
            return (System.nanoTime() - start) / count;
        }

        @Override
        public void close() throws IOException {
            channel.close();
            try (peer) {
                peer.waitFor(STARTUP);
            } catch (Exception e) {
                throw new IOException("raw peer did not end: " + peer.transcript(), e);
            }
        }
    }

    /** The subject: an authenticated Connection, sendBytes and recvBytes as an application calls them. */
    private static final class ConnectionPingPong implements PingPong {

        private final JavaProcess peer;
        private final Connection connection;
        private final byte[] message = new byte[MESSAGE_SIZE];

        private ConnectionPingPong(JavaProcess peer, Connection connection) {
            this.peer = peer;
            this.connection = connection;
        }

        static ConnectionPingPong start(String transport, Path directory) throws IOException {
            try (Listener listener = Listener.bind(address(transport, directory, "connection.sock"), 1, KEY)) {
                JavaProcess peer = startPeer("connection", transport, listener.address());
                return new ConnectionPingPong(peer, listener.accept());
            }
        }

        @Override
        public long roundTripNanos(int count) throws IOException {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                connection.sendBytes(message);
                if (connection.recvBytes().length != MESSAGE_SIZE) {
                    throw new IOException("echo of the wrong size");
                }
            }
            return (System.nanoTime() - start) / count;
        }

        @Override
        public void close() throws IOException {
            connection.close();
            try (peer) {
                peer.waitFor(STARTUP);
            } catch (Exception e) {
                throw new IOException("connection peer did not end: " + peer.transcript(), e);
            }
        }
    }

    /** The child JVM: connects and echoes every message until the parent closes. */
    private static void runPeer(String kind, String transport, Address address) throws IOException {
        if (kind.equals("raw")) {
            try (SocketChannel channel = SocketChannel.open(socketAddress(address))) {
                if (transport.equals("tcp")) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_SIZE);
                while (true) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer) < 0) {
                            return;
                        }
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
            }
        }
        try (Connection connection = Client.connect(address, KEY)) {
            while (true) {
                connection.sendBytes(connection.recvBytes());
            }
        } catch (EOFException parentClosed) {
            // The measurement is over.
        }
    }

    /** The JDK socket address of an {@link Address}, for the raw peer. */
    private static java.net.SocketAddress socketAddress(Address address) {
        return switch (address) {
            case Address.Tcp tcp -> new InetSocketAddress(tcp.host(), tcp.port());
            case Address.Unix unix -> UnixDomainSocketAddress.of(unix.path());
            case Address.Abstract abs -> throw new IllegalArgumentException("abstract addresses are not benchmarked");
        };
    }

    private static long[] runPython(Path python, String transport, int roundTrips, int repetitions) throws Exception {
        Path script = Files.createTempFile("interproc-pingpong", ".py");
        try (InputStream source = ConnectionBenchmark.class.getResourceAsStream("pingpong.py")) {
            Files.write(script, source.readAllBytes());
        }
        try {
            Process process = new ProcessBuilder(
                            python.toString(),
                            script.toString(),
                            transport,
                            String.valueOf(roundTrips),
                            String.valueOf(repetitions),
                            String.valueOf(MESSAGE_SIZE))
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            if (process.waitFor() != 0) {
                throw new IOException("the Python ping-pong failed:\n" + String.join("\n", lines));
            }
            long[] runs = lines.stream()
                    .filter(line -> line.startsWith("RTT_NS "))
                    .mapToLong(line -> Long.parseLong(line.substring(7)))
                    .toArray();
            if (runs.length != repetitions) {
                throw new IOException(
                        "the Python ping-pong printed " + runs.length + " results:\n" + String.join("\n", lines));
            }
            return runs;
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /**
     * The CPU model, from {@code /proc/cpuinfo}.
     *
     * @return its name, or "unknown CPU"
     * @throws IOException if {@code /proc/cpuinfo} cannot be read
     */
    public static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown CPU");
    }
}
