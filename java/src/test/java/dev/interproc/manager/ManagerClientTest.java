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
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
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

    /**
     * On a Java server the map is a ConcurrentMap whose compare-and-set calls are atomic, so the JDK's compute and
     * merge work without a lock; Python's dict has none of them, which is said clearly, and put still works.
     */
    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void compareAndSetCallsAreAtomicOnAJavaServer(String server) throws Exception {
        connect(server);
        try (ManagedMap<String, Integer> map = client.dict()) {
            assertNull(map.put("a", 1));
            assertEquals(1, map.put("a", 2));
            if (!server.equals("java")) {
                ManagerException missing = assertThrows(ManagerException.class, () -> map.putIfAbsent("a", 3));
                assertTrue(
                        missing.getMessage().contains("AttributeError: method 'put_if_absent'"), missing.getMessage());
                assertEquals(2, map.put("a", 3));
                return;
            }
            assertEquals(2, map.putIfAbsent("a", 3));
            assertNull(map.putIfAbsent("b", 3));
            assertFalse(map.replace("a", 1, 5));
            assertTrue(map.replace("a", 2, 5));
            assertEquals(5, map.replace("a", 6));
            assertNull(map.replace("absent", 1));
            assertFalse(map.containsKey("absent"));
            assertFalse(map.remove("a", 7L));
            assertTrue(map.remove("a", 6L)); // Python's ==: an int is an int whatever its Java width
            assertEquals(11, map.compute("c", (key, value) -> value == null ? 11 : value + 1));
            assertEquals(12, map.compute("c", (key, value) -> value == null ? 11 : value + 1));
            assertEquals(15, map.merge("c", 3, Integer::sum));
            assertEquals(7, map.computeIfAbsent("d", key -> 7));
            assertNull(map.computeIfPresent("d", (key, value) -> null));
            assertFalse(map.containsKey("d"));
        }
        try (ManagedMap<String, Object> values = client.dict()) {
            // Python's ==: tuples by their elements, ints and floats by value
            values.put("tuple", new Object[] {1, "x"});
            assertTrue(values.replace("tuple", new Object[] {1L, "x"}, new Object[] {2}));
            assertEquals(1, ((Object[]) values.merge("tuple", new Object[] {9}, (a, b) -> new Object[] {1}))[0]);
            values.put("int", 1);
            assertTrue(values.replace("int", 1.0, 2));
            assertFalse(values.remove("int", 2.5));
            assertTrue(values.remove("int", 2L));
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

    /**
     * Proxies stored inside a dict (pickled as Python's {@code RebuildProxy}, which the server keeps as a proxy of
     * its own) come back as working proxies of their type, each with a reference of its own; the server counts only
     * the objects clients reference, as Python's, and returns to its count once all are dropped.
     */
    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void proxiesStoredInsideADictComeBackWorking(String server) throws Exception {
        connect(server);
        int before = client.numberOfObjects();
        ManagedMap<String, Object> outer = client.dict();
        ManagedMap<String, Integer> inner = client.dict();
        ManagedQueue<String> queue = client.queue();
        ManagedLock lock = client.lock();
        inner.put("x", 1);
        outer.putAll(Map.of("inner", inner, "queue", queue, "both", List.of(lock, 7)));
        inner.close();
        queue.close();
        lock.close();
        assertEquals(before + 1, client.numberOfObjects()); // stored proxies do not count, as in Python

        @SuppressWarnings("unchecked")
        ManagedMap<String, Integer> innerAgain = (ManagedMap<String, Integer>) outer.get("inner");
        assertEquals(1, innerAgain.get("x"));
        innerAgain.put("y", 2);
        @SuppressWarnings("unchecked")
        ManagedQueue<String> queueAgain = assertInstanceOf(ManagedQueue.class, outer.get("queue"));
        queueAgain.put("item");
        assertEquals("item", queueAgain.poll());
        List<?> both = assertInstanceOf(List.class, outer.get("both"));
        ManagedLock lockAgain = assertInstanceOf(ManagedLock.class, both.get(0));
        assertTrue(lockAgain.tryLock());
        lockAgain.unlock();
        assertEquals(7, both.get(1));
        assertEquals(before + 4, client.numberOfObjects());
        @SuppressWarnings("unchecked")
        ManagedMap<String, Integer> innerThird = (ManagedMap<String, Integer>) outer.get("inner");
        assertEquals(Map.of("x", 1, "y", 2), Map.copyOf(innerThird));
        innerThird.close();
        innerAgain.close();
        queueAgain.close();
        lockAgain.close();
        assertEquals(before + 1, client.numberOfObjects());
        outer.close();
        assertEquals(before, client.numberOfObjects());
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
    void valueNamespaceAndArrayHoldWhatIsSet(String server) throws Exception {
        connect(server);
        try (ManagedValue<Integer> value = client.value("i", 7);
                ManagedValue<Integer> sameValue = client.value(value.ident());
                ManagedNamespace namespace = client.namespace();
                ManagedArray array = client.array("d", List.of(1.5, 2.5, 3.5))) {
            assertEquals(7, value.get());
            sameValue.set(8);
            assertEquals(8, value.get());
            namespace.set("name", "Bob");
            assertEquals("Bob", namespace.get("name"));
            NoSuchElementException missing = assertThrows(NoSuchElementException.class, () -> namespace.get("x"));
            assertTrue(missing.getMessage().contains("'x'"), missing.getMessage());
            namespace.remove("name");
            assertThrows(NoSuchElementException.class, () -> namespace.get("name"));
            assertThrows(IllegalArgumentException.class, () -> namespace.set("_private", 1));
            assertEquals(3, array.length());
            assertEquals(2.5, array.get(1));
            array.set(-1, 9.0);
            assertEquals(9.0, array.get(2));
            assertThrows(IndexOutOfBoundsException.class, () -> array.get(3));
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void eventAndSemaphoreWaitOnTheServer(String server) throws Exception {
        connect(server);
        try (ManagedEvent event = client.event();
                ManagedSemaphore semaphore = client.boundedSemaphore(1)) {
            assertFalse(event.isSet());
            assertFalse(event.await(20, TimeUnit.MILLISECONDS));
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try (ManagedEvent same = client.attach(ManagedEvent.class, event.ident())) {
                    same.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            event.set();
            waiter.get(30, TimeUnit.SECONDS);
            assertTrue(event.isSet());
            event.clear();
            assertFalse(event.isSet());

            assertTrue(semaphore.tryAcquire());
            assertFalse(semaphore.tryAcquire());
            assertFalse(semaphore.tryAcquire(20, TimeUnit.MILLISECONDS));
            semaphore.release();
            IllegalStateException over = assertThrows(IllegalStateException.class, semaphore::release);
            assertTrue(over.getMessage().contains("Semaphore released too many times"), over.getMessage());
            semaphore.acquire();
        }
        assertThrows(IllegalArgumentException.class, () -> client.semaphore(-1));
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void barrierReleasesItsPartiesTogetherAndBreaks(String server) throws Exception {
        connect(server);
        try (ManagedBarrier barrier = client.barrier(2)) {
            assertEquals(2, barrier.parties());
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
                try (ManagedBarrier same = client.attach(ManagedBarrier.class, barrier.ident())) {
                    return same.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                    throw new IllegalStateException(e);
                }
            });
            int mine = barrier.await();
            assertEquals(Set.of(0, 1), Set.of(mine, other.get(30, TimeUnit.SECONDS)));
            assertThrows(BrokenBarrierException.class, () -> barrier.await(20, TimeUnit.MILLISECONDS));
            assertTrue(barrier.isBroken());
            barrier.reset();
            assertFalse(barrier.isBroken());
            assertEquals(0, barrier.numberWaiting());
            barrier.abort();
            assertThrows(BrokenBarrierException.class, barrier::await);
        }
        assertThrows(IllegalArgumentException.class, () -> client.attach(AutoCloseable.class, "1"));
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
