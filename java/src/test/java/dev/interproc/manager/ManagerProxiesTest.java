package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.PythonGlobal;
import dev.interproc.connection.Address;
import dev.interproc.connection.PythonPeer;
import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proxies inside pickles: the bytes CPython writes for a {@code Token} and a pickled proxy (identical from CPython
 * 3.11, 3.12 and 3.13, captured with {@code ForkingPickler.dumps}), proxies stored inside managed objects and fetched
 * by other clients and other JVMs, and the server's objects freed once all are dropped. (Python peers: the stored
 * proxies of {@code ManagerClientTest}, {@code ManagerPythonInteropTest} and the method results of
 * {@code ManagerUserTypesTest}.)
 */
class ManagerProxiesTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] KEY = "proxies key".getBytes(StandardCharsets.US_ASCII);

    /** {@code Token('dict', '/tmp/x.sock', '7f01')}: NEWOBJ of no arguments, then BUILD of the state tuple. */
    private static final String TOKEN = "80049548000000000000008c186d756c746970726f63657373696e672e6d616e6167657273948c"
            + "05546f6b656e9493942981948c0464696374948c0b2f746d702f782e736f636b948c0437663031948794622e";

    /** A {@code DictProxy} of that token: {@code RebuildProxy(DictProxy, token, 'pickle', {})}. */
    private static final String DICT_PROXY = "8004957b000000000000008c186d756c746970726f63657373696e672e6d616e61676572"
            + "73948c0c52656275696c6450726f78799493942868008c094469637450726f787994939468008c05546f6b656e9493942981"
            + "948c0464696374948c0b2f746d702f782e736f636b948c0437663031948794628c067069636b6c65947d94749452942e";

    /** A queue's {@code AutoProxy} at a TCP address, {@code kwds = {'exposed': ('get', 'put')}}. */
    private static final String AUTO_PROXY = "80049598000000000000008c186d756c746970726f63657373696e672e6d616e61676572"
            + "73948c0c52656275696c6450726f78799493942868008c094175746f50726f787994939468008c05546f6b656e9493942981"
            + "948c055175657565948c093132372e302e302e31944d881386948c0437663032948794628c067069636b6c65947d948c0765"
            + "78706f736564948c03676574948c0370757494869473749452942e";

    @TempDir
    Path directory;

    @Test
    void tokensAndPickledProxiesReadAndWriteAsCPythonDoes() throws IOException {
        Token token = new Token("dict", "/tmp/x.sock", "7f01");
        assertEquals(token, Protocol.CODEC.decode(HEX.parseHex(TOKEN)));
        assertEquals(TOKEN, HEX.formatHex(Protocol.CODEC.encode(token)));

        PickledProxy dict = assertInstanceOf(PickledProxy.class, Protocol.CODEC.decode(HEX.parseHex(DICT_PROXY)));
        assertEquals(new PythonGlobal("multiprocessing.managers", "DictProxy"), dict.proxyClass());
        assertEquals(token, dict.token());
        assertEquals(Map.of(), dict.kwds());
        assertEquals(DICT_PROXY, HEX.formatHex(Protocol.CODEC.encode(dict)));
        assertEquals(DICT_PROXY, HEX.formatHex(Protocol.CODEC.encode(PickledProxy.of(token, null))));

        PickledProxy queue = assertInstanceOf(PickledProxy.class, Protocol.CODEC.decode(HEX.parseHex(AUTO_PROXY)));
        assertEquals(Proxies.AUTO_PROXY, queue.proxyClass());
        assertEquals(new Token("Queue", new Object[] {"127.0.0.1", 5000}, "7f02"), queue.token());
        assertArrayEquals(new Object[] {"get", "put"}, queue.exposed());
        assertEquals(AUTO_PROXY, HEX.formatHex(Protocol.CODEC.encode(queue)));
    }

    /**
     * A pickled proxy may not be called as a function, nor name a class that is not a proxy class; a Token must have
     * its state set.
     */
    @Test
    void picklesThatMisuseTheProxyClassesAreRefused() {
        String calledGlobal = DICT_PROXY.replace(
                "8c0c52656275696c6450726f7879",
                "8c0c" + HEX.formatHex("RebuildProxX".getBytes(StandardCharsets.US_ASCII)));
        IOException unknown = assertThrows(IOException.class, () -> Protocol.CODEC.decode(HEX.parseHex(calledGlobal)));
        assertTrue(unknown.getMessage().contains("multiprocessing.managers.RebuildProxX"), unknown.getMessage());
        // ('DictProxy' called: STACK_GLOBAL, an empty tuple, REDUCE)
        byte[] called = HEX.parseHex(
                "80048c186d756c746970726f63657373696e672e6d616e61676572738c094469637450726f7879" + "93295294" + "2e");
        IOException refused = assertThrows(IOException.class, () -> Protocol.CODEC.decode(called));
        assertTrue(refused.getMessage().contains("decodes only as a value"), refused.getMessage());
        // (a Token made by NEWOBJ whose state BUILD never sets)
        byte[] unbuilt =
                HEX.parseHex("80048c186d756c746970726f63657373696e672e6d616e61676572738c05546f6b656e93298194" + "2e");
        IOException stateless = assertThrows(IOException.class, () -> Protocol.CODEC.decode(unbuilt));
        assertTrue(stateless.getMessage().contains("never had their state set by BUILD"), stateless.getMessage());
    }

    /**
     * Two clients of one server: proxies stored inside a dict and a list by one come back working to the other;
     * stored proxies count as in Python (not at all), and an object that only stored proxies hold is freed by the
     * garbage collector once nothing stores it, where Python keeps it for ever.
     */
    @Test
    void storedProxiesWorkForOtherClientsAndAreFreedWhenNothingStoresThem() throws Exception {
        try (ManagerServer server = ManagerServer.start(KEY);
                ManagerClient first = ManagerClient.connect(server.address(), KEY);
                ManagerClient second = ManagerClient.connect(server.address(), KEY)) {
            int start = server.numberOfObjects();
            ManagedMap<String, Object> shared = first.dict();
            try (ManagedList<Object> list = first.list();
                    ManagedEvent event = first.event();
                    ManagedNamespace namespace = first.namespace()) {
                list.add(event);
                shared.putAll(Map.of("list", list, "namespace", namespace));
            }
            assertEquals(start + 1, server.numberOfObjects());
            assertEquals(3, server.storedOnlyObjects());

            try (ManagedMap<String, Object> seen = second.dict(shared.ident());
                    ManagedList<?> list = assertInstanceOf(ManagedList.class, seen.get("list"));
                    ManagedEvent event = assertInstanceOf(ManagedEvent.class, list.get(0));
                    ManagedNamespace namespace = assertInstanceOf(ManagedNamespace.class, seen.get("namespace"))) {
                event.set();
                namespace.set("name", "Bob");
                assertEquals(start + 4, server.numberOfObjects());
            }
            ManagedNamespace namespace = (ManagedNamespace) shared.get("namespace");
            assertEquals("Bob", namespace.get("name"));
            namespace.close();
            assertEquals(start + 1, server.numberOfObjects());
            shared.close();
            assertEquals(start, server.numberOfObjects());
            assertStoredObjectsCollected(server);
        }
    }

    /**
     * Proxies passed to a child JVM, pickled ({@link ManagerClient#codec()}) and by ident, work there; the child
     * stores a proxy of its own inside the shared dict, which the parent fetches and uses; once all are dropped the
     * server's count is back to its start, and the objects only stored proxies held are freed.
     */
    @Test
    void proxiesPassedToAChildJvmWorkThereAndStoredOnesComeBack() throws Exception {
        try (ManagerServer server = ManagerServer.start(new Address.Unix(directory.resolve("m.sock")), KEY);
                ManagerClient client = ManagerClient.connect(server.address(), KEY)) {
            int start = server.numberOfObjects();
            try (ManagedMap<String, Object> shared = client.dict();
                    ManagedQueue<String> queue = client.queue();
                    ManagedMap<String, Integer> counts = client.dict()) {
                try (ManagedValue<Integer> value = client.value("i", 0)) {
                    shared.putAll(Map.of("parent value", value));
                }
                byte[] pickled = client.codec().encode(List.of(shared, queue));
                try (JavaProcess child = JavaProcess.builder(ManagerChild.class)
                        .args(
                                "proxies",
                                server.address().toString(),
                                HEX.formatHex(KEY),
                                HEX.formatHex(pickled),
                                counts.ident())
                        .start()) {
                    assertEquals(0, child.waitFor(Duration.ofMinutes(2)), child.transcript());
                    assertTrue(child.output().contains("DONE"), child.transcript());
                }
                assertEquals("from child", queue.poll());
                assertEquals(1, counts.get("child"));
                try (ManagedList<?> childList = assertInstanceOf(ManagedList.class, shared.get("child list"));
                        ManagedValue<?> value = assertInstanceOf(ManagedValue.class, shared.get("parent value"))) {
                    assertEquals(List.of("child item"), new ArrayList<>(childList));
                    assertEquals(42, value.get());
                }
            }
            assertEquals(start, server.numberOfObjects());
            assertStoredObjectsCollected(server);
        }
    }

    /**
     * What the Java client pickles, Python's {@code pickle.loads} makes into working proxies (a {@code DictProxy}, a
     * queue's {@code AutoProxy} with its exposed methods), which reference the objects until dropped.
     */
    @ParameterizedTest(name = "Python {0}")
    @ValueSource(strings = {"3.11", "3.12", "3.13"})
    void pythonUnpicklesJavaPickledProxiesIntoWorkingOnes(String version) throws Exception {
        try (ManagerServer server = ManagerServer.start(new Address.Unix(directory.resolve("p.sock")), KEY);
                ManagerClient client = ManagerClient.connect(server.address(), KEY);
                ManagedMap<String, Object> dict = client.dict();
                ManagedQueue<String> queue = client.queue()) {
            dict.put("k", "v");
            queue.put("from java");
            byte[] pickled = client.codec().encode(List.of(dict, queue));
            try (PythonPeer python = PythonPeer.start(
                    version,
                    "/dev/interproc/manager/sync_manager_client.py",
                    server.address().toString(),
                    HEX.formatHex(KEY),
                    "unpickle",
                    HEX.formatHex(pickled))) {
                assertEquals(0, python.waitFor(60), python::output);
                assertEquals(
                        List.of("unpickled DictProxy AutoProxy[Queue] v", "done"),
                        python.output().lines().toList());
            }
            assertEquals("from java", dict.get("from python"));
            assertEquals("python was here", queue.poll());
            assertEquals(2, server.numberOfObjects()); // the Python proxies' references are dropped
        }
    }

    /**
     * A proxy of another manager stored inside a dict is kept as it came and written back unchanged; fetched, it is
     * rebuilt through this JVM's open client of that manager, and works. It does not keep its object alive on the
     * other manager (Python's neither): the proxies clients hold do.
     */
    @Test
    void aProxyOfAnotherManagerRoundTripsAndWorksThroughThatManagersClient() throws Exception {
        try (ManagerServer first = ManagerServer.start(KEY);
                ManagerServer second = ManagerServer.start(KEY);
                ManagerClient firstClient = ManagerClient.connect(first.address(), KEY);
                ManagerClient secondClient = ManagerClient.connect(second.address(), KEY);
                ManagedMap<String, Object> dict = firstClient.dict();
                ManagedQueue<String> elsewhere = secondClient.queue()) {
            dict.putAll(Map.of("elsewhere", elsewhere));
            assertEquals(0, first.storedOnlyObjects()); // not one of the first server's objects
            try (ManagedQueue<?> fetched = assertInstanceOf(ManagedQueue.class, dict.get("elsewhere"))) {
                assertEquals(elsewhere.ident(), fetched.ident());
                elsewhere.put("through the second manager");
                assertEquals("through the second manager", fetched.poll());
                assertEquals(1, second.numberOfObjects());
            }
        }
    }

    /** A proxy of a manager this JVM has no open client of cannot be rebuilt: said so, naming the address. */
    @Test
    void aProxyOfAManagerWithNoOpenClientIsAClearError() throws Exception {
        try (ManagerServer server = ManagerServer.start(KEY);
                ManagerClient client = ManagerClient.connect(server.address(), KEY)) {
            IOException refused =
                    assertThrows(IOException.class, () -> client.codec().decode(HEX.parseHex(DICT_PROXY)));
            assertTrue(refused.getMessage().contains("'/tmp/x.sock'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("no ManagerClient of this JVM is open"), refused.getMessage());
        }
    }

    /**
     * The objects that only stored proxies held are freed once nothing stores them: the garbage collector clears
     * them (asked for until it has, a bounded number of times; no sleep, no timing).
     */
    static void assertStoredObjectsCollected(ManagerServer server) {
        for (int i = 0; i < 100 && server.storedOnlyObjects() > 0; i++) {
            System.gc();
        }
        assertEquals(0, server.storedOnlyObjects());
    }
}
