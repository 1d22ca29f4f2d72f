package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.process.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java server and client across JVMs: three client processes at once, and a server that is SIGKILLed. */
class ManagerAcrossProcessesTest {

    private static final byte[] KEY = "across processes".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_HEX = HexFormat.of().formatHex(KEY);
    private static final int CHILDREN = 3;
    private static final int ITEMS = 2000;
    private static final int INCREMENTS = 300;
    private static final int MERGES = 10_000;

    @TempDir
    Path directory;

    /**
     * Three JVMs each put 2,000 items into one queue and take 2,000 (any JVM's): every item is taken exactly once;
     * then each adds one to a shared counter 300 times under a shared lock (read, then write), and to another with
     * the server-side {@code addAndGet}, and 10,000 times to a third with {@code merge} (the JDK's compare-and-set
     * loop over the server's atomic {@code replace}): every count is exact.
     */
    @Test
    void threeClientJvmsShareAQueueALockAndCountersExactly() throws Exception {
        try (ManagerServer server = ManagerServer.start(KEY);
                ManagerClient client = ManagerClient.connect(server.address(), KEY);
                ManagedQueue<String> queue = client.queue();
                ManagedLock lock = client.lock();
                ManagedMap<String, Integer> counter = client.dict()) {
            counter.put("n", 0);
            List<JavaProcess> children = new ArrayList<>();
            for (int i = 0; i < CHILDREN; i++) {
                children.add(JavaProcess.builder(ManagerChild.class)
                        .args(
                                "client",
                                server.address().toString(),
                                KEY_HEX,
                                queue.ident(),
                                lock.ident(),
                                counter.ident(),
                                String.valueOf(ITEMS),
                                String.valueOf(INCREMENTS),
                                "c" + i,
                                String.valueOf(MERGES))
                        .start());
            }
            List<String> taken = new ArrayList<>();
            for (JavaProcess child : children) {
                try (child) {
                    assertEquals(0, child.waitFor(Duration.ofMinutes(3)), child.transcript());
                    String line = child.output().stream()
                            .filter(l -> l.startsWith("TAKEN "))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(child.transcript()));
                    taken.addAll(Arrays.asList(line.substring("TAKEN ".length()).split(",")));
                }
            }
            List<String> all = IntStream.range(0, CHILDREN)
                    .boxed()
                    .flatMap(c -> IntStream.range(0, ITEMS).mapToObj(i -> "c" + c + "-" + i))
                    .sorted()
                    .toList();
            assertEquals(all, taken.stream().sorted().toList());
            assertEquals(CHILDREN * INCREMENTS, counter.get("n"));
            assertEquals(CHILDREN * INCREMENTS, counter.get("atomic"));
            assertEquals(CHILDREN * MERGES, counter.get("merged"));
            assertEquals(0, queue.size());
            assertEquals(3, server.numberOfObjects()); // the children's references are dropped
        }
    }

    /**
     * The server JVM is SIGKILLed while a client thread waits in {@code take()}: that call fails with
     * {@link ManagerDiedException} (the delay is printed: timings belong in bench/), and so do later calls and
     * connecting. A server restarted at the same socket file replaces the dead one's file, and clients reconnect.
     */
    @Test
    void clientsOfAKilledServerGetManagerDiedPromptly() throws Exception {
        Address address = new Address.Unix(directory.resolve("killed.sock"));
        try (JavaProcess serverJvm = JavaProcess.builder(ManagerChild.class)
                .args("server", address.toString(), KEY_HEX)
                .start()) {
            serverJvm.awaitLine("READY"::equals, Duration.ofSeconds(30));
            ManagerClient client = ManagerClient.connect(address, KEY);
            ManagedQueue<String> queue = client.queue();
            ManagedMap<String, Integer> idle = client.dict();
            idle.put("k", 1);
            CompletableFuture<String> taken = takeWhenBlocked(queue);

            long killed = System.nanoTime();
            serverJvm.kill();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> taken.get(30, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertInstanceOf(ManagerDiedException.class, failed.getCause());
            System.out.println("take() failed " + millis + " ms after SIGKILL: "
                    + failed.getCause().getMessage());

            assertThrows(ManagerDiedException.class, () -> idle.get("k"));
            assertThrows(ManagerDiedException.class, queue::size);
            assertThrows(java.io.IOException.class, () -> ManagerClient.connect(address, KEY));
            client.close();
        }
        try (JavaProcess restarted = JavaProcess.builder(ManagerChild.class)
                        .args("server", address.toString(), KEY_HEX)
                        .start();
                ManagerClient reconnected = awaitServer(restarted, address)) {
            ManagedMap<String, Integer> fresh = reconnected.dict();
            assertEquals(null, fresh.get("k"));
            fresh.put("k", 2);
            assertEquals(2, fresh.get("k"));
        }
    }

    /** Connects to the server {@code serverJvm} runs at {@code address} once it says it is ready. */
    private static ManagerClient awaitServer(JavaProcess serverJvm, Address address) throws Exception {
        serverJvm.awaitLine("READY"::equals, Duration.ofSeconds(30));
        return ManagerClient.connect(address, KEY);
    }

    /**
     * Calls {@code take()} on another thread and returns once that call waits on the server (its thread reads
     * the reply), so that what the test does next happens while the call is blocked.
     */
    static CompletableFuture<String> takeWhenBlocked(ManagedQueue<String> queue) throws Exception {
        CompletableFuture<Thread> taker = new CompletableFuture<>();
        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            taker.complete(Thread.currentThread());
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread thread = taker.get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Arrays.stream(thread.getStackTrace())
                .noneMatch(f -> f.getMethodName().equals("recvBytes"))) {
            assertTrue(System.nanoTime() < deadline, "the call never waited for its reply");
            LockSupport.parkNanos(1_000_000);
        }
        return taken;
    }
}
