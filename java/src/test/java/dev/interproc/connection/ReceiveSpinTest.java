package dev.interproc.connection;

import static dev.interproc.connection.NativeEndPairs.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.wait.YieldSpin;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receive spin ({@link ReceiveSpin}): after a send, a receive looks for the reply without blocking for a window,
 * then blocks as before. On every kind of end, and on platform and virtual threads: a reply that comes during the
 * spin or after it is read, a deadline, an interrupt and a close act as on a blocked receive, a zero window and a
 * receive that no send armed go straight to the blocking read. Where the reader is (spinning, or blocked in the
 * end's read) is seen from its stack; nothing here measures time.
 */
class ReceiveSpinTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A window that a test thread sampling every millisecond sees the reader in. */
    private static final Duration LONG_WINDOW = ReceiveSpin.MAX;

    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    /**
     * A reply that comes while the reader spins is read. On a loaded machine the reader may have left its spin by
     * the time the reply is sent; then it is read by the blocking read, and the test says so.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "abstract, platform", "abstract, virtual", "pipe, platform", "pipe, virtual",
        "socketpair, platform", "socketpair, virtual", "tcp, platform", "tcp, virtual"
    })
    void aReplyThatComesDuringTheSpinIsRead(String kind, String threads) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(LONG_WINDOW);
            Reader reader = exchange(pair.end(), threads.equals("virtual"));
            assertEquals("ping", new String(pair.peer().receive(), StandardCharsets.US_ASCII));
            boolean spinning = awaitSpinningOrBlocked(reader.thread());
            pair.peer().send(PONG);
            assertEquals("pong", reader.result());
            assertTrue(pair.end().spin().spins() >= 1, "the receive after a send did not spin");
            System.out.printf(
                    "%s %s: reply sent while the reader %s; the spin %s%n",
                    kind,
                    threads,
                    spinning ? "spun" : "was blocked",
                    pair.end().spin().emptySpins() == 0 ? "read it" : "came up empty");
        }
    }

    /**
     * A reply that comes after the spin came up empty is read by the blocking read; the empty spin disarms the next
     * receive, which blocks at once.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"abstract, platform", "pipe, virtual", "socketpair, platform", "tcp, virtual"})
    void aReplyThatComesAfterTheSpinIsReadAndAnEmptySpinDisarms(String kind, String threads) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(Duration.ofNanos(1000));
            Reader reader = exchange(pair.end(), threads.equals("virtual"));
            pair.peer().receive();
            awaitBlocked(reader.thread());
            assertEquals(1, pair.end().spin().emptySpins());
            pair.peer().send(PONG);
            assertEquals("pong", reader.result());

            Reader next = start(threads.equals("virtual"), () -> text(pair.end().recvBytes()));
            awaitBlocked(next.thread());
            pair.peer().send(PONG);
            assertEquals("pong", next.result());
            assertEquals(1, pair.end().spin().spins(), "a receive that no send armed spun");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe", "socketpair", "tcp"})
    void aZeroWindowGoesStraightToTheBlockingRead(String kind) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(Duration.ZERO);
            Reader reader = exchange(pair.end(), false);
            pair.peer().receive();
            awaitBlocked(reader.thread());
            pair.peer().send(PONG);
            assertEquals("pong", reader.result());
            assertEquals(0, pair.end().spin().spins());
        }
    }

    /** A receive with a deadline still times out when it spins, and the connection works on afterwards. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe", "socketpair", "tcp"})
    void aDeadlineEndsTheSpin(String kind) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(LONG_WINDOW);
            pair.end().sendBytes(PING);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            assertThrows(SocketTimeoutException.class, () -> pair.end().recvBytes(100, deadline));
            assertEquals(1, pair.end().spin().emptySpins());
            pair.peer().receive();
            pair.peer().send(PONG);
            assertEquals("pong", text(pair.end().recvBytes()));
        }
    }

    /**
     * An interrupt during the spin has the effect it has on the blocked receive. On the ends that call the C library
     * it ends neither the spin nor the blocking read after it: the reply is read, the status kept. A JDK channel
     * (socket pair, TCP) is closed by the interrupt of a thread in its read, as any interruptible channel is.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"abstract, platform", "abstract, virtual", "pipe, platform", "socketpair, virtual", "tcp, platform"})
    void anInterruptDoesNotEndTheReceive(String kind, String threads) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(LONG_WINDOW);
            Reader reader = start(threads.equals("virtual"), () -> {
                pair.end().sendBytes(PING);
                return text(pair.end().recvBytes()) + ", interrupted="
                        + Thread.currentThread().isInterrupted();
            });
            pair.peer().receive();
            awaitSpinningOrBlocked(reader.thread());
            reader.thread().interrupt();
            if (kind.equals("abstract") || kind.equals("pipe")) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                assertFalse(reader.outcome().isDone(), () -> "the interrupt ended the receive: " + reader.outcome());
            }
            pair.peer().send(PONG);
            if (kind.equals("abstract") || kind.equals("pipe")) {
                assertEquals("pong, interrupted=true", reader.result());
            } else {
                Object failure = reader.result();
                assertInstanceOf(IOException.class, failure, () -> "not a failure: " + failure);
                assertEquals("handle is closed", ((IOException) failure).getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"abstract, virtual", "pipe, platform", "socketpair, platform", "tcp, virtual"})
    void closeEndsASpinningReceive(String kind, String threads) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            pair.end().setReceiveSpin(LONG_WINDOW);
            Reader reader = exchange(pair.end(), threads.equals("virtual"));
            pair.peer().receive();
            awaitSpinningOrBlocked(reader.thread());
            pair.end().close();
            Object failure = reader.outcome().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure, () -> "not a failure: " + failure);
            assertEquals("handle is closed", ((IOException) failure).getMessage());
        }
    }

    @Test
    void theWindowIsCheckedAndReported() throws IOException {
        Pipe pipe = Pipe.open(true);
        try (Connection end = pipe.first();
                Connection other = pipe.second()) {
            assertEquals(ReceiveSpin.DEFAULT, end.receiveSpin());
            end.setReceiveSpin(Duration.ofMillis(1));
            assertEquals(Duration.ofMillis(1), end.receiveSpin());
            for (Duration bad : Arrays.asList(Duration.ofNanos(-1), Duration.ofMillis(1001), null)) {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> end.setReceiveSpin(bad));
                assertEquals(
                        "receive spin " + bad + " is not between 0 and PT1S (0 turns receive spins off; the default"
                                + " is PT0.00005S, system property interproc.connection.receiveSpinMicros)",
                        e.getMessage());
            }
            assertEquals(Duration.ofMillis(1), end.receiveSpin());
            assertEquals(ReceiveSpin.DEFAULT, other.receiveSpin());
        }
    }

    @Test
    void theSystemPropertySetsTheDefaultWindow() {
        String before = System.getProperty(ReceiveSpin.PROPERTY);
        try {
            System.setProperty(ReceiveSpin.PROPERTY, "0");
            assertEquals(Duration.ZERO, new ReceiveSpin().window());
            System.setProperty(ReceiveSpin.PROPERTY, " 120 ");
            assertEquals(Duration.ofNanos(120_000), new ReceiveSpin().window());
            System.setProperty(ReceiveSpin.PROPERTY, "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ReceiveSpin::new);
            assertEquals(
                    "system property interproc.connection.receiveSpinMicros=fast is not a whole number of"
                            + " microseconds (0 turns receive spins off)",
                    e.getMessage());
            System.setProperty(ReceiveSpin.PROPERTY, "-3");
            assertThrows(IllegalArgumentException.class, ReceiveSpin::new);
        } finally {
            if (before == null) {
                System.clearProperty(ReceiveSpin.PROPERTY);
            } else {
                System.setProperty(ReceiveSpin.PROPERTY, before);
            }
        }
    }

    /**
     * The policy itself: at least one look, the first non-zero look ends it, a past deadline allows only one. (That
     * a contended yield ends {@link YieldSpin#whileUncontended} early depends on the machine's load: not tested.)
     */
    @Test
    void yieldSpinLooksUntilALookFindsOrTheTimeIsUp() {
        AtomicInteger looks = new AtomicInteger();
        assertEquals(
                7, YieldSpin.until(() -> looks.incrementAndGet() == 3 ? 7 : 0, Long.MAX_VALUE / 4, Long.MAX_VALUE));
        assertEquals(3, looks.get());

        YieldSpin.Look<RuntimeException> nothing = () -> {
            looks.incrementAndGet();
            return 0;
        };
        looks.set(0);
        assertEquals(0, YieldSpin.until(nothing, 0, Long.MAX_VALUE));
        assertEquals(1, looks.get());

        looks.set(0);
        assertEquals(0, YieldSpin.until(nothing, TimeUnit.SECONDS.toNanos(1), System.nanoTime() - 1));
        assertEquals(1, looks.get());

        looks.set(0);
        assertEquals(
                5,
                YieldSpin.whileUncontended(
                        () -> looks.incrementAndGet() == 2 ? 5 : 0, Long.MAX_VALUE / 4, YieldSpin.NO_DEADLINE));
        looks.set(0);
        assertEquals(0, YieldSpin.whileUncontended(nothing, 0, YieldSpin.NO_DEADLINE));
        assertEquals(1, looks.get());
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** A pair of the end of {@code kind}: abstract socket, OS pipes, a JDK Unix socket pair, TCP. */
    private static NativeEndPairs.Pair pair(String kind) throws IOException {
        switch (kind) {
            case "pipe":
                return NativeEndPairs.pipe();
            case "socketpair":
                Pipe pipe = Pipe.open(true);
                return new NativeEndPairs.Pair(pipe.first(), NativeEndPairs.connectionPeer(pipe.second()));
            default:
                Address address = kind.equals("tcp") ? new Address.Tcp("127.0.0.1", 0) : FramingTest.abstractAddress();
                try (Listener listener = Listener.bind(address, 1, null)) {
                    Connection client = Client.connect(listener.address(), null);
                    return new NativeEndPairs.Pair(listener.accept(), NativeEndPairs.connectionPeer(client));
                }
        }
    }

    /** A reader that sends a ping and receives the reply, as text. */
    private static Reader exchange(Connection end, boolean virtual) {
        return start(virtual, () -> {
            end.sendBytes(PING);
            return text(end.recvBytes());
        });
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.US_ASCII);
    }

    /** The thread running a call, and what the call returned or threw. */
    private record Reader(Thread thread, CompletableFuture<Object> outcome) {

        Object result() throws Exception {
            return outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    private static Reader start(boolean virtual, Call call) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Runnable run = () -> {
            try {
                outcome.complete(call.call());
            } catch (Throwable e) {
                outcome.complete(e);
            }
        };
        return new Reader(
                virtual
                        ? Thread.ofVirtual().start(run)
                        : Thread.ofPlatform().daemon().start(run),
                outcome);
    }

    /** Whether {@code thread} runs the spin's loop. */
    private static boolean spinning(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(YieldSpin.class.getName()));
    }

    /** Whether {@code thread} is in an end's blocking read, not in a spin. */
    private static boolean blocked(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return Arrays.stream(stack)
                        .anyMatch(frame -> frame.getMethodName().equals("read")
                                && (frame.getClassName().equals(DescriptorEnd.class.getName())
                                        || frame.getClassName().equals(ChannelEnd.class.getName())))
                && Arrays.stream(stack).noneMatch(frame -> frame.getClassName().equals(YieldSpin.class.getName()));
    }

    /** Waits until {@code thread} blocks in an end's read; fails after {@link NativeEndPairs#PATIENCE}. */
    private static void awaitBlocked(Thread thread) {
        await(thread, () -> blocked(thread), "blocked in an end's read");
    }

    /**
     * Waits until {@code thread} spins or, if it got past its spin unseen, blocks in an end's read.
     *
     * @return whether it was seen spinning
     */
    private static boolean awaitSpinningOrBlocked(Thread thread) {
        boolean[] spun = new boolean[1];
        await(thread, () -> (spun[0] = spinning(thread)) || blocked(thread), "spinning or blocked");
        return spun[0];
    }
}
