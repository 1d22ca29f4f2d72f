package dev.interproc.manager;

import dev.interproc.connection.Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The child JVMs of the manager tests.
 *
 * <ul>
 *   <li>{@code server ADDRESS KEY_HEX}: serves a manager, prints {@code READY}, and runs until killed;
 *   <li>{@code owner}: starts a {@link Manager} JVM of its own, puts {@code "owner" -> 1} into a new dict, prints
 *       {@code MANAGER PID ADDRESS KEY_HEX DICT_IDENT} and runs until killed;
 *   <li>{@code client ADDRESS KEY_HEX QUEUE LOCK DICT ITEMS INCREMENTS NAME MERGES}: attaches to the shared queue,
 *       lock and counter dict by ident; {@code ITEMS} times puts {@code NAME-i} and takes one element (any
 *       process's), then {@code INCREMENTS} times adds one to the dict's {@code "n"} under the lock and one to
 *       its {@code "atomic"} with {@code addAndGet}, then {@code MERGES} times one to its {@code "merged"} with
 *       {@code merge} (compare-and-set), and prints
 *       {@code TAKEN} and the elements it took;
 *   <li>{@code proxies ADDRESS KEY_HEX PICKLED_HEX DICT}: decodes a pickled list {@code [shared dict, queue]} of
 *       proxies with its client's codec and attaches the dict {@code DICT} by ident; puts {@code "from child"}
 *       into the queue, sets the value the parent stored in the shared dict under {@code "parent value"} to 42,
 *       stores a new list {@code ["child item"]} there under {@code "child list"}, counts {@code "child"} in
 *       {@code DICT}, drops everything and prints {@code DONE};
 *   <li>{@code store ADDRESS KEY_HEX DICT}: attaches the dict {@code DICT}, stores a new list
 *       {@code ["child item"]} there under {@code "child list"}, keeps its proxies, prints {@code STORED} and runs
 *       until killed.
 * </ul>
 */
public final class ManagerChild {

    private ManagerChild() {}

    @SuppressWarnings("unchecked")
    private static void useReceivedProxies(Address address, byte[] key, byte[] pickled, String dictIdent)
            throws Exception {
        try (ManagerClient client = ManagerClient.connect(address, key)) {
            List<?> received = (List<?>) client.codec().decode(pickled);
            try (ManagedMap<String, Object> shared = (ManagedMap<String, Object>) received.get(0);
                    ManagedQueue<String> queue = (ManagedQueue<String>) received.get(1);
                    ManagedMap<String, Integer> counts = client.dict(dictIdent);
                    ManagedValue<Integer> parentValue = (ManagedValue<Integer>) shared.get("parent value");
                    ManagedList<String> mine = client.list()) {
                queue.put("from child");
                parentValue.set(42);
                mine.add("child item");
                shared.putAll(java.util.Map.of("child list", mine));
                counts.putAll(java.util.Map.of("child", 1));
            }
        }
        System.out.println("DONE");
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("owner")) {
            Manager manager = Manager.start();
            ManagedMap<String, Integer> dict = manager.client().dict();
            dict.put("owner", 1);
            System.out.println("MANAGER " + manager.pid() + " " + manager.address() + " "
                    + HexFormat.of().formatHex(manager.authkey()) + " " + dict.ident());
            Thread.sleep(Duration.ofDays(1)); // until killed
            return;
        }
        Address address = Address.parse(args[1]);
        byte[] key = HexFormat.of().parseHex(args[2]);
        if (args[0].equals("proxies")) {
            useReceivedProxies(address, key, HexFormat.of().parseHex(args[3]), args[4]);
            return;
        }
        if (args[0].equals("store")) {
            ManagerClient client = ManagerClient.connect(address, key);
            ManagedMap<String, Object> shared = client.dict(args[3]);
            ManagedList<String> mine = client.list();
            mine.add("child item");
            shared.putAll(java.util.Map.of("child list", mine));
            System.out.println("STORED");
            Thread.sleep(Duration.ofDays(1)); // until killed, holding its references
            return;
        }
        if (args[0].equals("server")) {
            try (ManagerServer server = ManagerServer.start(address, key)) {
                System.out.println("READY");
                server.awaitShutdown(Duration.ofDays(1));
            }
            return;
        }
        try (ManagerClient client = ManagerClient.connect(address, key);
                ManagedQueue<String> queue = client.queue(args[3]);
                ManagedLock lock = client.lock(args[4]);
                ManagedMap<String, Integer> counter = client.dict(args[5])) {
            String name = args[8];
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(args[6]); i++) {
                queue.put(name + "-" + i);
                taken.add(queue.take()); // never blocks for ever: this process put one more than it took
            }
            for (int i = 0; i < Integer.parseInt(args[7]); i++) {
                lock.lock();
                try {
                    counter.put("n", counter.get("n") + 1);
                } finally {
                    lock.unlock();
                }
                counter.addAndGet("atomic", 1);
            }
            for (int i = 0; i < Integer.parseInt(args[9]); i++) {
                counter.merge("merged", 1, Integer::sum); // a compare-and-set loop, no lock
            }
            System.out.println("TAKEN " + String.join(",", taken));
        }
    }
}
