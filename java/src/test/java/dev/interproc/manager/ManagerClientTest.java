package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.connection.AuthenticationException;
import dev.interproc.connection.PythonPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java client's proxies against the Java server in this JVM and against Python's own {@code SyncManager}
 * server of CPython 3.11, 3.12 and 3.13: the interfaces' contracts, the remote errors and the references. A
 * missing interpreter fails the test.
 */
class ManagerClientTest {

    private static final byte[] KEY = "client key".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    private ManagerServer javaServer;
    private PythonPeer pythonServer;
    private ManagerClient client;

    /** Starts the server ({@code java}, or a CPython version) and connects the client. */
    private void connect(String server) throws IOException, InterruptedException {
        Address address;
        if (server.equals("java")) {
            javaServer = ManagerServer.start(KEY);
            address = javaServer.address();
        } else {
            address = new Address.Unix(directory.resolve("python.sock"));
            pythonServer = PythonPeer.start(
                    server,
                    "/dev/interproc/manager/sync_manager_server.py",
                    address.toString(),
                    HexFormat.of().formatHex(KEY));
            pythonServer.awaitLine("READY"::equals, 30);
        }
        client = ManagerClient.connect(address, KEY);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (javaServer != null) {
            javaServer.close();
        }
        if (pythonServer != null) {
            pythonServer.close();
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void mapBehavesAsAMap(String server) throws Exception {
        connect(server);
        try (ManagedMap<String, Object> map = client.dict()) {
            assertNull(map.put("a", 1));
            assertEquals(1, map.put("a", 2));
            map.putAll(new LinkedHashMap<>(Map.of("b", List.of(3L, "x"))));
            assertEquals(2, map.get("a"));
            assertEquals(List.of(3, "x"), map.get("b"));
            assertNull(map.get("missing"));
            assertTrue(map.containsKey("b"));
            assertEquals(2, map.size());
            assertEquals(List.of("a", "b"), new ArrayList<>(map.keySet()));
            assertEquals(2, map.remove("a"));
            assertNull(map.remove("a"));
            map.clear();
            assertTrue(map.isEmpty());
        }
    }

    /** A Java server adds in one atomic call; Python's dict has no such method, which is said clearly. */
    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void addAndGetIsOneCallOnAJavaServerOnly(String server) throws Exception {
        connect(server);
        try (ManagedMap<String, Object> map = client.dict()) {
            if (!server.equals("java")) {
                ManagerException missing = assertThrows(ManagerException.class, () -> map.addAndGet("n", 1));
                assertTrue(missing.getMessage().contains("AttributeError: method 'add_and_get'"), missing.getMessage());
                return;
            }
            assertEquals(5, map.addAndGet("n", 5));
            assertEquals(3, map.addAndGet("n", -2));
            assertEquals(3, map.get("n"));
            assertEquals(Long.MAX_VALUE, map.addAndGet("big", Long.MAX_VALUE));
            assertThrows(ArithmeticException.class, () -> map.addAndGet("big", 1));
            map.put("text", "x");
            ManagerException notAnInt = assertThrows(ManagerException.class, () -> map.addAndGet("text", 1));
            assertEquals("builtins.TypeError", notAnInt.pythonType());
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void listBehavesAsAList(String server) throws Exception {
        connect(server);
        try (ManagedList<Object> list = client.list()) {
            list.add("b");
            list.add(0, "a");
            list.add(2, "c");
            assertEquals(List.of("a", "b", "c"), list);
            assertEquals(List.of("a", "b", "c"), list.snapshot());
            assertEquals("b", list.set(1, "B"));
            assertEquals(1, list.indexOf("B"));
            assertEquals(-1, list.indexOf("b"));
            assertTrue(list.contains("c"));
            assertEquals("a", list.remove(0));
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(5));
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> list.add(9, "x"));
            assertEquals(2, list.size());
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void queueBlocksOnTheServerWhileOtherCallsGoOn(String server) throws Exception {
        connect(server);
        try (ManagedQueue<String> queue = client.queue()) {
            assertNull(queue.poll());
            assertNull(queue.poll(20, TimeUnit.MILLISECONDS));
            CompletableFuture<String> taken = ManagerAcrossProcessesTest.takeWhenBlocked(queue);
            assertEquals(0, queue.size()); // answered while take() waits on its own channel
            assertTrue(queue.offer("one"));
            assertEquals("one", taken.get(10, TimeUnit.SECONDS));
            queue.put("two");
            assertTrue(queue.offer("three", 1, TimeUnit.SECONDS));
            List<String> drained = new ArrayList<>();
            assertEquals(2, queue.drainTo(drained));
            assertEquals(List.of("two", "three"), drained);
            assertTrue(queue.isEmpty());
            assertThrows(NullPointerException.class, () -> queue.offer(null));
            assertThrows(UnsupportedOperationException.class, queue::peek);
        }
    }

    /** Closing the client ends a call waiting on the server with "closed", not with a dead server. */
    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void closingTheClientEndsAWaitingCall(String server) throws Exception {
        connect(server);
        ManagedQueue<String> queue = client.queue();
        CompletableFuture<String> taken = ManagerAcrossProcessesTest.takeWhenBlocked(queue);
        client.close();
        ExecutionException ended = assertThrows(ExecutionException.class, () -> taken.get(10, TimeUnit.SECONDS));
        ManagerException closed = assertInstanceOf(ManagerException.class, ended.getCause());
        assertFalse(closed instanceof ManagerDiedException, closed::toString);
        assertEquals("the manager client is closed", closed.getMessage());
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void lockExcludesAndRefusesAnUnlockedRelease(String server) throws Exception {
        connect(server);
        try (ManagedLock lock = client.lock();
                ManagedLock other = client.lock(lock.ident())) {
            assertTrue(lock.tryLock());
            assertFalse(other.tryLock());
            assertFalse(other.tryLock(20, TimeUnit.MILLISECONDS));
            other.unlock(); // no owner, as Python's Lock
            other.lock();
            lock.unlock();
            IllegalMonitorStateException unlocked = assertThrows(IllegalMonitorStateException.class, lock::unlock);
            assertTrue(unlocked.getMessage().contains("release unlocked lock"), unlocked.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void objectsLiveWhileProxiesReferenceThem(String server) throws Exception {
        connect(server);
        int before = client.numberOfObjects();
        ManagedMap<String, Integer> map = client.dict();
        ManagedMap<String, Integer> attached = client.dict(map.ident());
        map.put("k", 1);
        assertEquals(1, attached.get("k"));
        assertEquals(before + 1, client.numberOfObjects());
        map.close();
        map.close();
        assertEquals(1, attached.get("k"));
        attached.close();
        assertEquals(before, client.numberOfObjects());
        ManagerException gone = assertThrows(ManagerException.class, () -> client.dict(map.ident()));
        assertEquals("RemoteError", gone.pythonType());
        assertTrue(gone.getMessage().endsWith("KeyError: '" + map.ident() + "'\n"), gone.getMessage());
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void wrongKeyIsRefused(String server) throws Exception {
        connect(server);
        AuthenticationException refused = assertThrows(
                AuthenticationException.class, () -> ManagerClient.connect(client.address(), "wrong".getBytes()));
        assertEquals("digest sent was rejected", refused.getMessage());
    }
}
