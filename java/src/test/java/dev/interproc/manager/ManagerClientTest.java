package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.AuthenticationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client's proxies against the Java server in one JVM: the interfaces' contracts and the references. */
class ManagerClientTest {

    private static final byte[] KEY = "client key".getBytes(StandardCharsets.US_ASCII);

    private ManagerServer server;
    private ManagerClient client;

    @BeforeEach
    void start() throws IOException {
        server = ManagerServer.start(KEY);
        client = ManagerClient.connect(server.address(), KEY);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void mapBehavesAsAMap() {
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

    @Test
    void listBehavesAsAList() {
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

    @Test
    void queueBlocksOnTheServerWhileOtherCallsGoOn() throws Exception {
        try (ManagedQueue<String> queue = client.queue()) {
            assertNull(queue.poll());
            assertNull(queue.poll(20, TimeUnit.MILLISECONDS));
            CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
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

    @Test
    void lockExcludesAndRefusesAnUnlockedRelease() throws InterruptedException {
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

    @Test
    void objectsLiveWhileProxiesReferenceThem() {
        int before = server.numberOfObjects();
        ManagedMap<String, Integer> map = client.dict();
        ManagedMap<String, Integer> attached = client.dict(map.ident());
        map.put("k", 1);
        assertEquals(1, attached.get("k"));
        assertEquals(before + 1, client.numberOfObjects());
        map.close();
        map.close();
        assertEquals(1, attached.get("k"));
        attached.close();
        assertEquals(before, server.numberOfObjects());
        ManagerException gone = assertThrows(ManagerException.class, () -> client.dict(map.ident()));
        assertEquals("RemoteError", gone.pythonType());
        assertTrue(gone.getMessage().endsWith("KeyError: '" + map.ident() + "'\n"), gone.getMessage());
    }

    @Test
    void wrongKeyIsRefused() {
        AuthenticationException refused = assertThrows(
                AuthenticationException.class, () -> ManagerClient.connect(server.address(), "wrong".getBytes()));
        assertEquals("digest sent was rejected", refused.getMessage());
    }
}
