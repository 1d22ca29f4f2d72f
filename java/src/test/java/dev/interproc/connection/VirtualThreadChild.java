package dev.interproc.connection;

import static dev.interproc.connection.NativeEndPairs.describe;
import static dev.interproc.connection.NativeEndPairs.isIn;
import static dev.interproc.connection.NativeEndPairs.parkedIn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The child JVM of {@link VirtualThreadConnectionTest}, started with a virtual-thread scheduler of two carriers and
 * no more ({@code jdk.virtualThreadScheduler.parallelism=2}, {@code maxPoolSize=2}). Argument {@code abstract} or
 * {@code pipe}: the kind of connection. Eight virtual threads block on eight connections of that kind, four more
 * than there are carriers: four in {@code recvBytes}, one in {@link Connections#wait}, two in {@code recvBytes} that
 * {@code close()} is to end, and one in a {@code sendBytes} larger than the OS buffers; for {@code abstract}, a
 * ninth, which first accepted the eight, blocks in {@code accept} until the listener closes. If a blocked call held
 * its carrier, a hundred further virtual threads could not run. Then the peers send, read and the ends close, and every blocked thread must finish as it should. Prints
 * "OK" and exits 0, or prints "FAIL ..." with the threads' stacks and exits 1; never hangs (every wait is bounded).
 */
public final class VirtualThreadChild {

    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int READERS = 4;
    private static final int WAITER = 4;
    private static final int FIRST_CLOSED = 5;
    private static final int SENDER = 7;
    private static final int PAIRS = 8;
    private static final int BIG = 4 << 20;
    private static final int OTHERS = 100;

    private static final Map<String, Object> OUTCOMES = new ConcurrentHashMap<>();
    private static final List<Blocked> BLOCKED = new ArrayList<>();

    /** A thread blocked in a call, and the class whose code it is to wait in. */
    private record Blocked(Thread thread, Class<?> waitsIn) {}

    private VirtualThreadChild() {}

    public static void main(String[] args) throws Exception {
        try {
            run(args[0]);
        } catch (Throwable e) {
            System.err.println("FAIL " + e);
            e.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1); // virtual threads may be stuck; do not wait for anything
        }
        System.out.println("OK");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void run(String kind) throws Exception {
        Class<?> endClass = kind.equals("abstract") ? AbstractSocketEnd.class : PipeEnd.class;
        Listener listener = kind.equals("abstract")
                ? Listener.builder(FramingTest.abstractAddress()).backlog(PAIRS).bind()
                : null;
        List<NativeEndPairs.Pair> pairs = listener != null ? acceptedByAVirtualThread(listener) : pipePairs();

        for (int i = 0; i < READERS; i++) {
            Connection end = pairs.get(i).end();
            blockIn("reader-" + i, endClass, () -> text(end.recvBytes()));
        }
        Connection watched = pairs.get(WAITER).end();
        blockIn("waiter", endClass, () -> Connections.wait(List.of(watched), null)
                .equals(List.of(watched)));
        for (int i = FIRST_CLOSED; i < SENDER; i++) {
            Connection end = pairs.get(i).end();
            blockIn("closed-" + i, endClass, () -> text(end.recvBytes()));
        }
        byte[] big = new byte[BIG];
        new Random(7).nextBytes(big);
        Connection sending = pairs.get(SENDER).end();
        blockIn("sender", endClass, () -> {
            sending.sendBytes(big);
            return "sent";
        });
        if (listener != null) {
            // A listener's accept() waits for the outcome of handshakes that run on other threads.
            blockIn("acceptor", ConcurrentHandshakes.class, listener::accept);
        }

        // 1. Give every blocked thread time to reach its call (with pinned carriers most never get one: go on to 2).
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!BLOCKED.stream().allMatch(blocked -> isIn(blocked.thread(), blocked.waitsIn()))
                && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000);
        }

        // 2. The point: other virtual threads still get carriers.
        CountDownLatch others = new CountDownLatch(OTHERS);
        for (int i = 0; i < OTHERS; i++) {
            Thread.ofVirtual().start(others::countDown);
        }
        if (!others.await(PATIENCE_NANOS, TimeUnit.NANOSECONDS)) {
            throw new AssertionError("starved: only " + (OTHERS - others.getCount()) + " of " + OTHERS
                    + " virtual threads ran while " + BLOCKED.size() + " others were blocked on connections:\n"
                    + stacks());
        }

        // 3. And the blocked ones wait parked, not running on a carrier.
        for (Blocked blocked : BLOCKED) {
            await(
                    blocked.thread(),
                    thread -> parkedIn(thread, blocked.waitsIn()),
                    "parked in " + blocked.waitsIn().getSimpleName());
        }

        // 4. Data arrives, the peer reads, two ends and the listener close: each blocked call ends as it should.
        for (int i = 0; i < READERS; i++) {
            pairs.get(i).peer().send(("message " + i).getBytes(StandardCharsets.US_ASCII));
        }
        pairs.get(WAITER).peer().send(new byte[] {1});
        byte[] received = pairs.get(SENDER).peer().receive();
        pairs.get(FIRST_CLOSED).end().close();
        pairs.get(FIRST_CLOSED + 1).end().close();
        if (listener != null) {
            listener.close();
        }
        for (Blocked blocked : BLOCKED) {
            if (!blocked.thread().join(Duration.ofNanos(PATIENCE_NANOS))) {
                throw new AssertionError(
                        blocked.thread().getName() + " still blocked after the data came:\n" + stacks());
            }
        }
        for (int i = 0; i < READERS; i++) {
            expect("reader-" + i, "message " + i);
        }
        expect("waiter", true);
        for (int i = FIRST_CLOSED; i < SENDER; i++) {
            expect("closed-" + i, "IOException: handle is closed");
        }
        expect("sender", "sent");
        if (listener != null) {
            expect("acceptor", "IOException: listener is closed");
        }
        if (!Arrays.equals(big, received)) {
            throw new AssertionError("the peer received " + received.length + " bytes, not the " + BIG + " sent");
        }
        for (NativeEndPairs.Pair pair : pairs) {
            pair.close();
        }
    }

    /** Eight pairs from {@code listener}, accepted by a virtual thread that first waits parked in {@code accept}. */
    private static List<NativeEndPairs.Pair> acceptedByAVirtualThread(Listener listener) throws Exception {
        BlockingQueue<Object> accepted = new LinkedBlockingQueue<>();
        Thread acceptor = Thread.ofVirtual().name("acceptor").start(() -> {
            for (int i = 0; i < PAIRS; i++) {
                try {
                    accepted.add(listener.accept());
                } catch (Throwable e) {
                    accepted.add(e);
                    return;
                }
            }
        });
        await(acceptor, thread -> parkedIn(thread, ConcurrentHandshakes.class), "parked in accept");
        List<NativeEndPairs.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            Connection client = Client.connect(listener.address(), null);
            Object server = accepted.poll(PATIENCE_NANOS, TimeUnit.NANOSECONDS);
            if (!(server instanceof Connection connection)) {
                throw new AssertionError("accept gave " + server + "; " + describe(acceptor));
            }
            pairs.add(new NativeEndPairs.Pair(connection, NativeEndPairs.connectionPeer(client)));
        }
        return pairs;
    }

    private static List<NativeEndPairs.Pair> pipePairs() throws IOException {
        List<NativeEndPairs.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            pairs.add(NativeEndPairs.pipe());
        }
        return pairs;
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    /**
     * Starts a virtual thread that makes {@code call}, to wait in the code of {@code waitsIn}, and records its result
     * or exception under {@code name}.
     */
    private static void blockIn(String name, Class<?> waitsIn, Call call) {
        BLOCKED.add(new Blocked(
                Thread.ofVirtual().name(name).start(() -> {
                    Object outcome;
                    try {
                        outcome = call.call();
                    } catch (Throwable e) {
                        outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    OUTCOMES.put(name, outcome);
                }),
                waitsIn));
    }

    private static void expect(String name, Object expected) {
        if (!expected.equals(OUTCOMES.get(name))) {
            throw new AssertionError(name + " ended with " + OUTCOMES.get(name) + ", expected " + expected);
        }
    }

    private static void await(Thread thread, Predicate<Thread> condition, String what) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!condition.test(thread)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(thread.getName() + " never " + what + ":\n" + stacks());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static String stacks() {
        StringBuilder text = new StringBuilder();
        for (Blocked blocked : BLOCKED) {
            text.append("  ").append(describe(blocked.thread())).append('\n');
        }
        return text.toString();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
