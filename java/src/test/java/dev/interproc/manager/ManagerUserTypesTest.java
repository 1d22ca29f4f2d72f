package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.connection.PythonPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User-registered types (Python's {@code BaseManager.register}), both ways: a Java server's {@link ManagerTypes}
 * used by stock Python client code of CPython 3.11-3.13 and by the Java client's {@link ManagerClient#proxy}, and
 * the Java client against a Python server's registered class. A missing interpreter fails the test.
 */
class ManagerUserTypesTest {

    private static final byte[] KEY = "user types".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    /** The type the Java server registers: thread-safe, as a registered type must be. */
    public static final class Counter {
        private final AtomicInteger value;

        Counter(int start) {
            value = new AtomicInteger(start);
        }

        public int increment(int by) {
            return value.addAndGet(by);
        }

        public int get() {
            return value.get();
        }

        public void fail(String text) {
            throw new IllegalArgumentException(text);
        }

        public Counter child() {
            return new Counter(value.get() * 10);
        }

        /** Static: never reachable by a client, although an instance method has its name. */
        public static String increment(String text) {
            return "static " + text;
        }

        public String describe(Object anything) {
            return "got " + anything;
        }

        @Override
        public String toString() {
            return "Counter(" + value + ")";
        }
    }

    /** What the Java client calls; the same interface serves a Java and a Python server. */
    public interface CounterApi {
        int increment(int by);

        long get();

        void fail(String text);

        /** {@code method_to_typeid}: a new shared Counter, as a proxy of this interface. */
        CounterApi child();
    }

    /** The same object seen through another interface, whose {@code child} is untyped: a {@link ManagedProxy}. */
    public interface UntypedChild {
        Object child();
    }

    private static ManagerTypes counterTypes() {
        return ManagerTypes.standard()
                .register(
                        "Counter",
                        Counter.class,
                        args -> new Counter(
                                args.isEmpty() || args.get(0) == null ? 0 : ((Number) args.get(0)).intValue()),
                        Map.of("child", "Counter"));
    }

    @ParameterizedTest(name = "Python {0} client")
    @ValueSource(strings = {"3.11", "3.12", "3.13"})
    void stockPythonClientCodeUsesAJavaRegisteredType(String version) throws Exception {
        try (ManagerServer server =
                ManagerServer.start(new Address.Unix(directory.resolve("m.sock")), KEY, counterTypes())) {
            PythonPeer client = PythonPeer.start(
                    version,
                    "/dev/interproc/manager/user_type_client.py",
                    server.address().toString(),
                    HexFormat.of().formatHex(KEY));
            try (client) {
                assertEquals(0, client.waitFor(60), client::output);
            }
            assertEquals(
                    List.of(
                            "increment 7",
                            "get 7",
                            "ValueError bad input",
                            "child AutoProxy[Counter] 70",
                            "child increment 71",
                            "AttributeError True",
                            "done"),
                    client.output().lines().toList(),
                    client::output);
            assertEquals(0, server.numberOfObjects());
        }
    }

    @ParameterizedTest(name = "{0} server")
    @ValueSource(strings = {"java", "3.11", "3.12", "3.13"})
    void theJavaClientCallsARegisteredTypeThroughAnInterface(String kind) throws Exception {
        Address address = new Address.Unix(directory.resolve(kind + ".sock"));
        ManagerServer javaServer = null;
        PythonPeer pythonServer = null;
        try {
            if (kind.equals("java")) {
                javaServer = ManagerServer.start(address, KEY, counterTypes());
            } else {
                pythonServer = PythonPeer.start(
                        kind,
                        "/dev/interproc/manager/user_type_server.py",
                        address.toString(),
                        HexFormat.of().formatHex(KEY));
                pythonServer.awaitLine("READY"::equals, 30);
            }
            try (ManagerClient client = ManagerClient.connect(address, KEY)) {
                CounterApi counter = client.proxy("Counter", CounterApi.class, 5);
                assertEquals(7, counter.increment(2));
                assertEquals(7L, counter.get());
                CounterApi child = counter.child(); // #PROXY: a proxy of the declared return type, adopted
                assertEquals(70L, child.get());
                assertEquals(71, child.increment(1));
                assertEquals(2, client.numberOfObjects());
                ((ManagedProxy) child).close();
                UntypedChild untypedView = client.proxy(UntypedChild.class, ((ManagedProxy) counter).ident());
                ManagedProxy handle = assertInstanceOf(ManagedProxy.class, untypedView.child());
                ((ManagedProxy) untypedView).close();
                CounterApi viewed = client.proxy(CounterApi.class, handle.ident());
                assertEquals(70, viewed.increment(0)); // a second child, made from 7 too
                ((ManagedProxy) viewed).close();
                handle.close();
                assertEquals(1, client.numberOfObjects());
                ManagerException failed = assertThrows(ManagerException.class, () -> counter.fail("bad input"));
                assertEquals("builtins.ValueError", failed.pythonType());
                assertTrue(failed.getMessage().endsWith("bad input"), failed::getMessage);
                String ident = ((ManagedProxy) counter).ident();
                CounterApi same = client.proxy(CounterApi.class, ident);
                assertEquals(8, same.increment(1));
                assertTrue(same.toString().startsWith("CounterApi["), same::toString);
                assertEquals(1, client.numberOfObjects());
                ((ManagedProxy) same).close();
                ((ManagedProxy) counter).close();
                assertEquals(0, client.numberOfObjects());
                ManagerException unknown =
                        assertThrows(ManagerException.class, () -> client.proxy("Nothing", CounterApi.class));
                assertTrue(unknown.getMessage().contains("Nothing"), unknown::getMessage);
                assertThrows(IllegalArgumentException.class, () -> client.proxy("Counter", Counter.class));
            }
        } finally {
            if (javaServer != null) {
                javaServer.close();
            }
            if (pythonServer != null) {
                pythonServer.close();
            }
        }
    }

    /** What a client may not reach, and arguments that must still work. */
    @Test
    void staticMethodsAreUnreachableNoneIsAnArgumentAndAFailedProxyLeavesNothing() throws Exception {
        try (ManagerServer server =
                        ManagerServer.start(new Address.Unix(directory.resolve("s.sock")), KEY, counterTypes());
                ManagerClient client = ManagerClient.connect(server.address(), KEY)) {
            Describer counter = client.proxy("Counter", Describer.class, 1);
            ManagerException refused = assertThrows(ManagerException.class, () -> counter.increment("x"));
            assertTrue(refused.getMessage().contains("must be int"), refused::getMessage);
            assertEquals("got null", counter.describe(null));
            ((ManagedProxy) counter).close();
            CounterApi fromNone = client.proxy("Counter", CounterApi.class, (Object) null);
            assertEquals(0L, fromNone.get());
            ((ManagedProxy) fromNone).close();
            @SuppressWarnings("unchecked")
            Supplier<Object> jdkInterface = client.proxy("Counter", Supplier.class, 3);
            assertEquals(3, jdkInterface.get());
            ((ManagedProxy) jdkInterface).close();
            assertThrows(IllegalArgumentException.class, () -> client.proxy("Counter", Counter.class, 1));
            assertEquals(0, client.numberOfObjects());
        }
    }

    /** Calls a static method's name with a String, and passes anything to describe. */
    public interface Describer {
        String increment(String text);

        String describe(Object anything);
    }

    @Test
    void registrationRefusesWhatNoClientCouldUse() {
        ManagerTypes types = ManagerTypes.standard();
        assertThrows(IllegalArgumentException.class, () -> types.register("dict", Counter.class, args -> null));
        assertThrows(IllegalArgumentException.class, () -> types.register("", Counter.class, args -> null));
        assertThrows(IllegalArgumentException.class, () -> types.register("Empty", Object.class, args -> new Object()));
        IllegalArgumentException notAMethod = assertThrows(
                IllegalArgumentException.class,
                () -> types.register("C", Counter.class, args -> null, Map.of("children", "C")));
        assertTrue(notAMethod.getMessage().contains("children"), notAMethod::getMessage);
        assertThrows(
                IllegalArgumentException.class,
                () -> types.register("D", Counter.class, args -> null, Map.of("child", "dict")));
        assertInstanceOf(ManagerTypes.class, types.register("C", Counter.class, args -> new Counter(0)));
    }
}
