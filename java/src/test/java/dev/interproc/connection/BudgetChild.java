package dev.interproc.connection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listener JVM of {@link MemoryBudgetTest}: {@code SOCKET_FILE BUDGET} listens without a key with that
 * partial-message budget and echoes every message on a virtual thread per connection, as a server would. It prints
 * "READY"; for each line "rss N" on its standard input it collects garbage and prints "RSS N kB RESERVED bytes FAILED n HEAP bytes": its
 * resident set from /proc/self/status, the budget's reservations, how many connections failed over the budget, and
 * the heap in use after the collection.
 */
public final class BudgetChild {

    private BudgetChild() {}

    public static void main(String[] args) throws Exception {
        AtomicInteger overBudget = new AtomicInteger();
        try (Listener listener = Listener.builder(new Address.Unix(Path.of(args[0])))
                .backlog(128)
                .partialMessageBudget(Long.parseLong(args[1]))
                .bind()) {
            Thread.ofPlatform().daemon().start(() -> serve(listener, overBudget));
            System.out.println("READY");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = commands.readLine()) != null && command.startsWith("rss ")) {
                // What the connections hold, not the garbage their grown arrays left, which a collection returns.
                System.gc();
                System.out.println("RSS " + command.substring(4) + " " + residentKilobytes() + " RESERVED "
                        + listener.partialMessageBytes() + " FAILED " + overBudget.get() + " HEAP "
                        + (Runtime.getRuntime().totalMemory()
                                - Runtime.getRuntime().freeMemory()));
            }
        }
    }

    private static void serve(Listener listener, AtomicInteger overBudget) {
        while (true) {
            Connection connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread.ofVirtual().start(() -> echo(connection, overBudget));
        }
    }

    private static void echo(Connection connection, AtomicInteger overBudget) {
        try (connection) {
            while (true) {
                connection.sendBytes(connection.recvBytes());
            }
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).startsWith("partial-message budget exceeded")) {
                overBudget.incrementAndGet();
            } else if (!(e instanceof java.io.EOFException)) {
                e.printStackTrace();
            }
        }
    }

    /** VmRSS from /proc/self/status, in kB: what the kernel says this process holds, whatever the JVM thinks. */
    static long residentKilobytes() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }
}
