package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.connection.PythonPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Python's stock {@code SyncManager} client code of CPython 3.11, 3.12 and 3.13, unchanged, against the Java
 * server over a socket file and TCP: every standard type it uses prints exactly what the same script prints
 * against Python's own {@code SyncManager}, remote exceptions arrive as Python's own types, a wrong key gets
 * Python's {@code AuthenticationError}, and every object is released when the proxies are dropped. A missing
 * interpreter fails the test.
 */
class ManagerPythonInteropTest {

    private static final String SCRIPT = "/dev/interproc/manager/sync_manager_client.py";
    private static final byte[] KEY = "manager secret".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path directory;

    static Stream<Arguments> versionsAndFamilies() {
        return Stream.of("3.11", "3.12", "3.13")
                .flatMap(version -> Stream.of(Arguments.of(version, "unix"), Arguments.of(version, "tcp")));
    }

    @ParameterizedTest(name = "Python {0} client, {1}")
    @MethodSource("versionsAndFamilies")
    void stockSyncManagerClientSeesWhatPythonsOwnServerGives(String version, String family) throws Exception {
        Address address =
                family.equals("tcp") ? Address.Tcp.loopback(0) : new Address.Unix(directory.resolve("m.sock"));
        try (ManagerServer server = ManagerServer.start(address, KEY)) {
            String where =
                    switch (server.address()) {
                        case Address.Tcp tcp -> tcp.host() + ":" + tcp.port();
                        default -> server.address().toString();
                    };
            assertEquals("connect AuthenticationError digest sent was rejected", run(version, where, "wrongkey"));

            String java = run(version, where, "objects");
            String python = run(version, "own", "objects");

            assertEquals(python, java);
            assertTrue(java.contains("\ndict missing KeyError('missing')\n"), java);
            assertTrue(java.contains("\nqueue empty _queue Empty\n"), java);
            assertTrue(java.contains("\nobjects 12\nobjects after del 0\n"), java);
            assertTrue(
                    java.contains("\nproxies back DictProxy [('x', 1), ('y', 2)] AutoProxy[Queue] item True\n"), java);
            assertTrue(java.contains("\nproxies all dropped 0\ndone"), java);
            assertEquals(0, server.numberOfObjects());
            ManagerProxiesTest.assertStoredObjectsCollected(server);
        }
    }

    private static String run(String version, String where, String mode) throws InterruptedException {
        try (PythonPeer python =
                PythonPeer.start(version, SCRIPT, where, HexFormat.of().formatHex(KEY), mode)) {
            assertEquals(0, python.waitFor(60), python.output());
            return python.output();
        }
    }
}
