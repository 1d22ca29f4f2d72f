package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory follows the bytes received: 64 peers announce the maximum message length and send a little each, against
 * a listener in a child JVM with a 64 MiB partial-message budget. The child's heap in use after a full collection
 * (what its connections hold, not the garbage of grown arrays) grows by no more than the budget and a small
 * constant, the budget's own accounting stays within it, the peers over it are failed, and a good client is served
 * all along. Before, each peer made the listener allocate the whole announced 128 MiB up front, and the child ran
 * out of its 512 MiB heap. The resident set is printed, not asserted: the JVM keeps heap it has freed resident.
 */
class MemoryBudgetTest {

    private static final long BUDGET = 64L << 20;
    /** The first 64 KiB of each connection's message (not budgeted), thread stacks and the JVM's own growth. */
    private static final long SLACK = 32L << 20;

    private static final int PEERS = 64;
    /** Each peer's bytes, 64 times 2 MiB being twice the budget. */
    private static final int SENT_PER_PEER = 2 << 20;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private int queries;

    @Test
    void peersAnnouncingTheMaximumStayWithinTheBudget() throws Exception {
        Path socket = directory.resolve("s");
        try (JavaProcess child = JavaProcess.builder(BudgetChild.class)
                .jvmOptions("-Xmx512m")
                .args(socket.toString(), Long.toString(BUDGET))
                .start()) {
            child.awaitLine("READY"::equals, TIMEOUT);
            try (Connection good = Client.connect(new Address.Unix(socket), null)) {
                roundTrip(good);
                long[] before = stats(child);
                List<SocketChannel> peers = new ArrayList<>();
                try {
                    for (int i = 0; i < PEERS; i++) {
                        peers.add(announceAndTrickle(socket));
                    }
                    long nanos = roundTrip(good);
                    long[] after = stats(child);
                    long heapGrowth = after[3] - before[3];
                    System.out.printf(
                            "64 peers announcing 128 MiB, 2 MiB sent each: heap in use after a collection %d -> %d"
                                    + " MiB, resident set %d -> %d MiB (budget %d MiB), reserved %d bytes, %d failed"
                                    + " over the budget; good round trip %.2f ms%n",
                            before[3] >> 20,
                            after[3] >> 20,
                            before[0] >> 10,
                            after[0] >> 10,
                            BUDGET >> 20,
                            after[1],
                            after[2],
                            nanos / 1e6);
                    assertTrue(after[1] <= BUDGET, "reserved " + after[1]);
                    assertTrue(after[2] > 0, "twice the budget was sent, yet no peer was failed");
                    assertTrue(
                            heapGrowth <= BUDGET + SLACK,
                            "heap in use grew by " + heapGrowth + " bytes; budget " + BUDGET + " + " + SLACK);
                } finally {
                    for (SocketChannel peer : peers) {
                        peer.close();
                    }
                }
            }
        }
    }

    /** Connects, announces the default maximum length, and sends part of it; the listener may fail it meanwhile. */
    private static SocketChannel announceAndTrickle(Path socket) throws IOException {
        SocketChannel peer = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        try {
            peer.write(ByteBuffer.allocate(4).putInt(0, (int) Connection.DEFAULT_MAX_MESSAGE_LENGTH));
            for (int sent = 0; sent < SENT_PER_PEER; sent += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    peer.write(chunk);
                }
            }
        } catch (IOException e) {
            // Failed over the budget: the listener closed this peer's connection, as it should.
        }
        return peer;
    }

    private static long roundTrip(Connection good) throws IOException {
        byte[] message = new byte[64];
        message[0] = 42;
        long start = System.nanoTime();
        good.sendBytes(message);
        assertArrayEquals(message, good.recvBytes());
        return System.nanoTime() - start;
    }

    /**
     * The child's resident kB, the budget's reserved bytes, the connections failed over it, and the heap bytes in use
     * after a full collection.
     */
    private long[] stats(JavaProcess child) throws Exception {
        String tag = Integer.toString(++queries);
        child.sendLine("rss " + tag);
        String[] words = child.awaitLine(line -> line.startsWith("RSS " + tag + " "), TIMEOUT)
                .split(" ");
        return new long[] {
            Long.parseLong(words[2]), Long.parseLong(words[4]), Long.parseLong(words[6]), Long.parseLong(words[8])
        };
    }
}
