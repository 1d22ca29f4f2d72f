package dev.interproc.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.connection.AuthenticationException;
import dev.interproc.process.JavaProcess;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Manager}: a manager server in a child JVM of its own, as Python's {@code Manager()}. */
class ManagerStartTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aStartedManagerServesThisJvmAndOthersByAddressAndKey() throws Exception {
        try (Manager manager = Manager.start()) {
            assertTrue(manager.isAlive());
            assertTrue(manager.pid() != ProcessHandle.current().pid());
            assertTrue(manager.address() instanceof Address.Unix, manager::toString);
            assertEquals(32, manager.authkey().length);
            ManagedMap<String, Integer> dict = manager.client().dict();
            dict.put("a", 1);
            try (ManagerClient other = ManagerClient.connect(manager.address(), manager.authkey());
                    ManagedMap<String, Integer> same = other.dict(dict.ident())) {
                assertEquals(1, same.get("a"));
                same.put("b", 2);
            }
            assertEquals(2, dict.get("b"));
            byte[] wrong = manager.authkey();
            wrong[0] ^= 1;
            assertThrows(AuthenticationException.class, () -> ManagerClient.connect(manager.address(), wrong));
        }
    }

    @Test
    void closingTheManagerEndsItsJvmAndOtherClientsLearnItDied() throws Exception {
        Manager manager = Manager.start();
        ManagerClient other = ManagerClient.connect(manager.address(), manager.authkey());
        ManagedQueue<String> queue = other.queue();
        queue.put("x");
        manager.close();
        assertFalse(manager.isAlive(), manager::toString);
        assertThrows(ManagerDiedException.class, () -> queue.put("y"));
        other.close();
        manager.close(); // idempotent
    }

    @Test
    void aManagerOnATcpAddressWithAGivenKey() throws Exception {
        byte[] key = "tcp key".getBytes();
        try (Manager manager = Manager.start(Address.Tcp.loopback(0), key, "-Xmx128m")) {
            Address.Tcp address = (Address.Tcp) manager.address();
            assertTrue(address.port() > 0, address::toString);
            try (ManagerClient client = ManagerClient.connect(address, key)) {
                ManagedList<Integer> list = client.list();
                list.add(7);
                assertEquals(7, list.get(0));
            }
        }
    }

    @Test
    void startRefusesWhatCannotWork() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> Manager.start(null, new byte[0]));
        assertThrows(NullPointerException.class, () -> Manager.start(null, null));
        try (Manager first = Manager.start(Address.Tcp.loopback(0), "k".getBytes())) {
            java.io.IOException taken =
                    assertThrows(java.io.IOException.class, () -> Manager.start(first.address(), "k".getBytes()));
            assertTrue(
                    taken.getMessage().contains("did not serve")
                            || taken.getMessage().contains("could not"),
                    taken::getMessage);
        }
    }

    /** The owner JVM SIGKILLed: its manager JVM finds its standard input ended and exits, leaving no orphan. */
    @Test
    void theManagerJvmDiesWithItsOwnerKilledBySigkill() throws Exception {
        try (JavaProcess owner =
                JavaProcess.builder(ManagerChild.class).args("owner").start()) {
            String[] line =
                    owner.awaitLine(l -> l.startsWith("MANAGER "), TIMEOUT).split(" ");
            ProcessHandle managerJvm = ProcessHandle.of(Long.parseLong(line[1])).orElseThrow();
            Address address = Address.parse(line[2]);
            byte[] key = HexFormat.of().parseHex(line[3]);
            try (ManagerClient client = ManagerClient.connect(address, key);
                    ManagedMap<String, Integer> dict = client.dict(line[4])) {
                assertEquals(1, dict.get("owner"));
            }
            owner.kill();
            long killed = System.nanoTime();
            managerJvm.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            System.out.printf(
                    "the manager JVM exited %.1f ms after its owner's SIGKILL%n", (System.nanoTime() - killed) / 1e6);
            assertFalse(managerJvm.isAlive());
        }
    }
}
