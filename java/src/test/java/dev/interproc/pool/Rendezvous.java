package dev.interproc.pool;

import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A handshake between a test and the tasks it runs in worker JVMs, so that a test acts on a task while it runs
 * instead of sleeping: a task made by {@link #reportAndWait} connects to this listener, reports its label and its
 * worker's pid, and waits until the test {@linkplain Arrival#release() releases} it (or forever, if the test kills
 * the worker instead).
 */
final class Rendezvous implements AutoCloseable {

    private final Path directory;
    private final Listener listener;

    private Rendezvous(Path directory, Listener listener) {
        this.directory = directory;
        this.listener = listener;
    }

    /** {@return a rendezvous listening on a socket file in a new temporary directory} */
    static Rendezvous open() throws IOException {
        Path directory = Files.createTempDirectory("interproc-rendezvous");
        return new Rendezvous(directory, Listener.bind(new Address.Unix(directory.resolve("s")), 64, null));
    }

    /**
     * A task that reports to this rendezvous, then waits to be released.
     *
     * @param label what the task reports and returns
     * @return the task, capturing only the socket's path and the label
     */
    SerializableCallable<String> reportAndWait(String label) {
        String socket = directory.resolve("s").toString();
        return () -> {
            try (Connection test = Client.connect(new Address.Unix(Path.of(socket)), null)) {
                test.sendBytes((label + " " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8));
                test.recvBytes();
            }
            return label;
        };
    }

    /**
     * Blocks until the next task reports.
     *
     * @return the task's report
     */
    Arrival await() throws IOException {
        Connection task = listener.accept();
        String[] report = new String(task.recvBytes(), StandardCharsets.UTF_8).split(" ");
        return new Arrival(report[0], Long.parseLong(report[1]), task);
    }

    /**
     * Blocks until {@code count} tasks have reported.
     *
     * @param count how many tasks
     * @return their reports by label
     */
    Map<String, Arrival> await(int count) throws IOException {
        Map<String, Arrival> arrivals = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Arrival arrival = await();
            arrivals.put(arrival.label(), arrival);
        }
        return arrivals;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Files.deleteIfExists(directory);
    }

    /**
     * A task that reported.
     *
     * @param label its label
     * @param pid the pid of the worker running it
     * @param connection the connection to it
     */
    record Arrival(String label, long pid, Connection connection) {

        /** Lets the task return. */
        void release() throws IOException {
            connection.sendBytes(new byte[] {1});
            connection.close();
        }
    }
}
