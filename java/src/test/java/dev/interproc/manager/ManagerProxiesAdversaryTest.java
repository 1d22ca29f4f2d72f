package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.PickleCodec;
import dev.interproc.codec.PythonCall;
import dev.interproc.codec.PythonClass;
import dev.interproc.codec.PythonGlobal;
import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxies-inside-pickles surface against an authenticated adversary: hostile {@code RebuildProxy} and
 * {@code Token} payloads are a clear error to that client alone (a reply on the same channel), leave nothing in the
 * server's tables, and the server serves on; stored proxies' lifetime under takes, cycles, races and a SIGKILLed
 * client.
 */
class ManagerProxiesAdversaryTest {

    private static final byte[] KEY = "adversary key".getBytes(StandardCharsets.US_ASCII);
    private static final PythonGlobal DICT_PROXY = new PythonGlobal(Protocol.MANAGERS, "DictProxy");

    /** A {@code Token} of any state, written as Python writes one (NEWOBJ, then BUILD of the state). */
    record RawToken(Object state) {}

    /** A call of {@code RebuildProxy} with any arguments, hashed by identity (as a dict key here). */
    record RawRebuild(Object[] arguments) {}

    /** Writes what no Java client would: tokens and {@code RebuildProxy} calls of any shape. */
    private static final PickleCodec HOSTILE = PickleCodec.builder()
            .register(new PythonClass<>(
                    Protocol.MANAGERS, "RebuildProxy", RawRebuild.class, RawRebuild::new, RawRebuild::arguments))
            .register(new PythonClass<>(
                    Protocol.MANAGERS,
                    "Token",
                    RawToken.class,
                    state -> new RawToken(state),
                    token -> token.state() instanceof Object[] tuple ? tuple : new Object[] {token.state()},
                    true))
            .build();

    @TempDir
    Path directory;

    private ManagerServer server;
    private ManagerClient good;
    private int start;

    @BeforeEach
    void startServer() throws IOException {
        server = ManagerServer.start(new Address.Unix(directory.resolve("m.sock")), KEY);
        good = ManagerClient.connect(server.address(), KEY);
        start = server.numberOfObjects();
    }

    @AfterEach
    void stopServer() {
        good.close();
        server.close();
    }

    private static RawRebuild rebuildProxy(Object... arguments) {
        return new RawRebuild(arguments);
    }

    private RawToken here(String typeid, String id) {
        return new RawToken(new Object[] {typeid, server.pythonAddress(), id});
    }

    /** A method-call channel of a raw, authenticated peer. */
    private Connection channel() throws IOException {
        Connection channel = Client.connect(server.address(), KEY);
        channel.sendBytes(Protocol.requestOf(null, "accept_connection", "adversary"));
        assertEquals("#RETURN", ((Object[]) Protocol.CODEC.decode(channel.recvBytes()))[0]);
        return channel;
    }

    /** Sends {@code (ident, method, args, {})} written by {@link #HOSTILE}; returns the reply, decoded as is. */
    private static Object[] exchange(Connection channel, String ident, String method, Object... args)
            throws IOException {
        channel.sendBytes(HOSTILE.encode(new Object[] {ident, method, args, Map.of()}));
        return (Object[]) Protocol.CODEC.decode(channel.recvBytes());
    }

    /** The hostile payload, decoded by the server as an argument of {@code dummy}, is a traceback naming it. */
    private static void assertRefused(Connection channel, Object payload, String expected) throws IOException {
        Object[] reply = exchange(channel, null, "dummy", payload);
        assertEquals("#TRACEBACK", reply[0], () -> "accepted: " + PythonRepr.of(reply));
        assertTrue(String.valueOf(reply[1]).contains(expected), String.valueOf(reply[1]));
        assertEquals("#RETURN", exchange(channel, null, "dummy")[0], "the channel serves on");
    }

    private void assertNothingLeftBehind() {
        assertEquals(start, server.numberOfObjects());
        ManagerProxiesTest.assertStoredObjectsCollected(server);
    }

    /** A list that contains itself: CPython pickles one, and Java's hashCode, equals and repr recurse on it. */
    private static List<Object> cycle() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        return cycle;
    }

    @Test
    void hostileRebuildProxiesAreAClearErrorToThatClientAlone() throws Exception {
        try (Connection channel = channel();
                ManagedMap<String, Object> dict = good.dict()) {
            String unknown = "7fffffffff00";
            assertRefused(channel, rebuildProxy(DICT_PROXY, here("dict", unknown), "pickle", Map.of()), "KeyError");
            assertRefused(
                    channel,
                    rebuildProxy(DICT_PROXY, here("dict", "7f" + "0".repeat(100_000)), "pickle", Map.of()),
                    "KeyError");
            assertRefused(channel, new RawToken(new Object[] {"dict", server.pythonAddress()}), "Token's state");
            assertRefused(channel, new RawToken("not a tuple"), "Token's state");
            assertRefused(channel, new RawToken(new Object[] {1, server.pythonAddress(), dict.ident()}), "Token");
            assertRefused(channel, new RawToken(new Object[] {"dict", server.pythonAddress(), 7}), "Token");
            assertRefused(
                    channel, rebuildProxy(DICT_PROXY, here("dict", dict.ident()), "pickle"), "RebuildProxy takes");
            assertRefused(
                    channel, rebuildProxy("DictProxy", here("dict", dict.ident()), "pickle", Map.of()), "RebuildProxy");
            assertRefused(
                    channel,
                    rebuildProxy(new PythonGlobal("builtins", "eval"), here("dict", dict.ident()), "pickle", Map.of()),
                    "builtins.eval");
            assertRefused(channel, new PythonCall(Protocol.MANAGERS, "DictProxy"), "decodes only as a value");
            // Containers where a Token has scalars: a cycle (which Java would hash, compare and print for ever)...
            assertRefused(channel, Map.of(new RawToken(new Object[] {"dict", cycle(), "7f01"}), 1), "address");
            assertRefused(
                    channel,
                    Map.of(new RawToken(new Object[] {"dict", new Object[] {"localhost", cycle()}, "7f01"}), 1),
                    "address");
            assertRefused(
                    channel,
                    Map.of(
                            rebuildProxy(
                                    DICT_PROXY,
                                    new RawToken(new Object[] {"dict", "/elsewhere", "7f01"}),
                                    "pickle",
                                    Map.of("exposed", cycle())),
                            1),
                    "kwds");
            assertRefused(channel, new RawToken(new Object[] {1, cycle(), "7f01"}), "Token");
            assertRefused(channel, rebuildProxy(DICT_PROXY, cycle(), "pickle", Map.of()), "RebuildProxy takes");
            // ...and a proxy nested inside another's kwds, which no Python proxy writes.
            assertRefused(
                    channel,
                    rebuildProxy(
                            DICT_PROXY,
                            here("dict", dict.ident()),
                            "pickle",
                            Map.of(
                                    "exposed",
                                    rebuildProxy(DICT_PROXY, here("dict", dict.ident()), "pickle", Map.of()))),
                    "kwds");

            // A stored proxy whose typeid is not its object's is kept as it came, as Python keeps it: its use is the
            // clear error (the dict has no 'acquire'), nothing is corrupted.
            Object[] stored = exchange(
                    channel,
                    dict.ident(),
                    "__setitem__",
                    "mislabelled",
                    rebuildProxy(
                            new PythonGlobal(Protocol.MANAGERS, "AcquirerProxy"),
                            here("Lock", dict.ident()),
                            "pickle",
                            Map.of()));
            assertEquals("#RETURN", stored[0], () -> PythonRepr.of(stored));
            try (ManagedLock lock = assertInstanceOf(ManagedLock.class, dict.get("mislabelled"))) {
                ManagerException wrong = assertThrows(ManagerException.class, lock::tryLock);
                assertTrue(wrong.getMessage().contains("acquire"), wrong.getMessage());
            }
            ((ManagedLock) dict.remove("mislabelled")).close(); // remove() returns a proxy, with a reference
            // Not proxies, but the same recursion: a request that is a cycle, distinct cycles compared.
            channel.sendBytes(HOSTILE.encode(cycle()));
            Object[] cyclic = (Object[]) Protocol.CODEC.decode(channel.recvBytes());
            assertEquals("#TRACEBACK", cyclic[0]);
            assertTrue(String.valueOf(cyclic[1]).contains("[[...]]"), String.valueOf(cyclic[1]));
            try (ManagedList<Object> list = good.list()) {
                assertEquals("#RETURN", exchange(channel, list.ident(), "append", cycle())[0]);
                ManagerException compared = assertThrows(
                        ManagerException.class, () -> good.callUninterruptibly(list.ident(), "count", cycle()));
                assertTrue(compared.pythonType().contains("RecursionError"), compared.pythonType());
            }
            dict.put("still", "served");
            assertEquals("served", dict.get("still"));
        }
        assertNothingLeftBehind();
    }

    /**
     * A proxy taken out of the only thing that stored it ({@code get} of a queue, {@code pop} of a dict) is still
     * there when the taker's {@code incref} comes, whatever the garbage collector did in between (Python keeps it
     * for ever; here the server holds what it sent until that channel's next request).
     */
    @Test
    void aProxyTakenOutOfItsOnlyStoreLivesUntilTheTakersIncref() throws Exception {
        try (ManagedQueue<Object> queue = good.queue()) {
            try (ManagedMap<String, Object> dict = good.dict()) {
                dict.put("k", "v");
                queue.put(dict);
            }
            assertEquals(start + 1, server.numberOfObjects());
            try (Connection channel = channel()) {
                Object[] reply = exchange(channel, queue.ident(), "get_nowait");
                assertEquals("#RETURN", reply[0], () -> PythonRepr.of(reply));
                PickledProxy taken = assertInstanceOf(PickledProxy.class, reply[1]);
                for (int i = 0; i < 20; i++) {
                    System.gc();
                }
                // the taker's RebuildProxy: incref, then the proxy
                try (ManagedMap<String, Object> dict = good.dict(taken.token().id())) {
                    assertEquals("v", dict.get("k"));
                }
            }
        }
        assertNothingLeftBehind();
    }

    /** A dict that stores a proxy of itself, and two that store each other: freed once no client references them. */
    @Test
    void cyclesOfStoredProxiesAreFreed() throws Exception {
        try (ManagedMap<String, Object> self = good.dict();
                ManagedMap<String, Object> a = good.dict();
                ManagedMap<String, Object> b = good.dict()) {
            self.put("self", self);
            a.put("b", b);
            b.put("a", a);
            try (ManagedMap<?, ?> again = assertInstanceOf(ManagedMap.class, self.get("self"));
                    ManagedMap<?, ?> bAgain = assertInstanceOf(ManagedMap.class, a.get("b"));
                    ManagedMap<?, ?> aAgain = assertInstanceOf(ManagedMap.class, bAgain.get("a"))) {
                assertEquals(self.ident(), again.ident());
                assertEquals(a.ident(), aAgain.ident());
            }
        }
        assertNothingLeftBehind();
    }

    /**
     * Store and take out a thousand times, with a decref of an object only stored (ignored, as Python's server does)
     * and increfs racing the removal of the last store: the tables do not grow, and the counts come back.
     */
    @Test
    void manyStoresRacesAndStrayDecrefsLeaveTheTablesAsTheyWere() throws Exception {
        try (ManagedQueue<Object> queue = good.queue();
                ManagedMap<String, Object> dict = good.dict()) {
            for (int i = 0; i < 500; i++) {
                try (ManagedList<Object> list = good.list()) {
                    list.add(i);
                    queue.put(list);
                }
                try (ManagedList<?> list = assertInstanceOf(ManagedList.class, queue.poll())) {
                    assertEquals(List.of(i), new ArrayList<>(list));
                }
            }
            String ident;
            try (ManagedEvent event = good.event()) {
                dict.put("event", event);
                ident = event.ident();
            }
            good.serverCall("decref", ident); // only stored: ignored
            good.serverCall("decref", ident);
            assertEquals(start + 2, server.numberOfObjects());
            Thread remover = Thread.ofPlatform().start(() -> ((ManagedEvent) dict.remove("event")).close());
            for (int i = 0; i < 200; i++) {
                try {
                    good.serverCall("incref", ident);
                    good.serverCall("decref", ident);
                } catch (ManagerException gone) {
                    assertTrue(gone.getMessage().contains("KeyError"), gone.getMessage());
                    break;
                }
            }
            remover.join();
            assertEquals(start + 2, server.numberOfObjects());
            assertEquals(0, queue.size());
        }
        assertNothingLeftBehind();
        assertEquals("", good.debugInfo());
    }

    /**
     * A hostile or buggy server: a reply's proxy with a bad token is a clear error, one the server does not hold a
     * {@code KeyError}, a {@code #PROXY} to a standard proxy's method a working proxy (never the raw reply); and a
     * closed client's codec decodes no proxy (an {@code IOException}, no open client being left).
     */
    @Test
    void aHostileServersProxiesAreClearErrorsOrWorkingProxies() throws Exception {
        Address address = new Address.Unix(directory.resolve("hostile.sock"));
        try (Listener listener = Listener.builder(address).authkey(KEY).bind()) {
            Object here = Protocol.pythonAddress(listener.address());
            Thread.ofPlatform().daemon().start(() -> serveHostile(listener, here));
            ManagerClient client = ManagerClient.connect(address, KEY);
            ManagedMap<String, Object> map = client.dict("7f01");
            ManagerException bad = assertThrows(ManagerException.class, () -> map.get("bad token"));
            assertTrue(bad.getMessage().contains("Token's address"), bad.getMessage());
            ManagerException gone = assertThrows(ManagerException.class, () -> map.get("unknown"));
            assertTrue(gone.getMessage().contains("KeyError"), gone.getMessage());
            try (ManagedMap<?, ?> made = assertInstanceOf(ManagedMap.class, map.get("proxy"))) {
                assertEquals("7f02", made.ident());
            }
            byte[] pickled = client.codec().encode(map);
            client.close();
            IOException closed =
                    assertThrows(IOException.class, () -> client.codec().decode(pickled));
            assertTrue(closed.getMessage().contains("no ManagerClient of this JVM is open"), closed.getMessage());
        }
    }

    /** Serves every connection as the hostile server of the test above: {@code get} answers by its key. */
    private static void serveHostile(Listener listener, Object here) {
        while (true) {
            Connection connection;
            try {
                connection = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Thread.ofPlatform().daemon().start(() -> {
                try (connection) {
                    while (true) {
                        Object[] request = (Object[]) Protocol.CODEC.decode(connection.recvBytes());
                        Object[] args = (Object[]) request[2];
                        Object[] reply =
                                switch (String.valueOf(request[1])) {
                                    case "get" ->
                                        switch (String.valueOf(args[0])) {
                                            case "bad token" ->
                                                new Object[] {
                                                    "#RETURN",
                                                    rebuildProxy(
                                                            DICT_PROXY,
                                                            new RawToken(new Object[] {"dict", cycle(), "7f09"}),
                                                            "pickle",
                                                            Map.of())
                                                };
                                            case "unknown" ->
                                                new Object[] {
                                                    "#RETURN",
                                                    rebuildProxy(
                                                            DICT_PROXY,
                                                            new RawToken(new Object[] {"dict", here, "7f03"}),
                                                            "pickle",
                                                            Map.of())
                                                };
                                            default ->
                                                new Object[] {
                                                    "#PROXY",
                                                    new Object[] {
                                                        new Object[] {"get"},
                                                        new RawToken(new Object[] {"dict", here, "7f02"})
                                                    }
                                                };
                                        };
                                    case "incref" ->
                                        "7f03".equals(args[0])
                                                ? new Object[] {"#TRACEBACK", "Traceback\nKeyError: '7f03'\n"}
                                                : new Object[] {"#RETURN", null};
                                    default -> new Object[] {"#RETURN", null};
                                };
                        connection.sendBytes(HOSTILE.encode(reply));
                    }
                } catch (IOException | RuntimeException clientGone) {
                    // the client closed its connection
                }
            });
        }
    }

    /**
     * A client JVM that stored a proxy of its own list inside a shared dict is SIGKILLed: the dict and the stored
     * list work for the others. The killed client's own references stay counted, as on Python's server (neither
     * knows which process holds which reference); nothing is wedged.
     */
    @Test
    void aClientKilledAfterStoringAProxyWedgesNothing() throws Exception {
        try (ManagedMap<String, Object> shared = good.dict()) {
            try (JavaProcess child = JavaProcess.builder(ManagerChild.class)
                    .args("store", server.address().toString(), HexFormat.of().formatHex(KEY), shared.ident())
                    .start()) {
                child.awaitLine("STORED"::equals, Duration.ofMinutes(1));
                child.kill();
                child.waitFor(Duration.ofMinutes(1));
            }
            try (ManagedList<?> list = assertInstanceOf(ManagedList.class, shared.get("child list"))) {
                assertEquals(List.of("child item"), new ArrayList<>(list));
            }
            shared.put("after", "the kill");
            System.out.println("objects counted after the client's SIGKILL: " + server.numberOfObjects() + " (start "
                    + start + ", the parent's dict 1, the killed client's references the rest)");
        }
    }
}
