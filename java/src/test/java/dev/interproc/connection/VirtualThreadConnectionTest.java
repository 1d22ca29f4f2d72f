package dev.interproc.connection;

import static dev.interproc.connection.NativeEndPairs.await;
import static dev.interproc.connection.NativeEndPairs.describe;
import static dev.interproc.connection.NativeEndPairs.isIn;
import static dev.interproc.connection.NativeEndPairs.parkedIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual threads on the ends that call the C library ({@link AbstractSocketEnd}, {@link PipeEnd}): a blocked call
 * must park the virtual thread, not pin its carrier, and still end as on a platform thread (data, close, timeout,
 * interrupt).
 *
 * <p>The starvation test runs in a child JVM whose virtual-thread scheduler has exactly two carriers and may not
 * add any ({@code parallelism=2}, {@code maxPoolSize=2}): that makes it fail the same way on any machine (this
 * JVM's scheduler has as many carriers as the machine has cores, and may compensate), and a failure starves only
 * the child, not the other tests of this JVM. The other tests block one thread at a time, which cannot starve
 * anything, so they run here.
 */
class VirtualThreadConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe"})
    void virtualThreadsBlockedOnConnectionsLeaveTheCarriersToOthers(String kind) throws Exception {
        try (JavaProcess child = JavaProcess.builder(VirtualThreadChild.class)
                .jvmOptions(
                        "-Xmx128m",
                        "-Djdk.virtualThreadScheduler.parallelism=2",
                        "-Djdk.virtualThreadScheduler.maxPoolSize=2")
                .args(kind)
                .start()) {
            assertEquals(0, child.waitFor(TIMEOUT), child.transcript());
            assertEquals(List.of("OK"), child.output());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe"})
    void closeEndsAVirtualThreadsBlockedReceive(String kind) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            Started reader = inVirtualThread(pair.end()::recvBytes);
            awaitParked(reader.thread(), endClass(kind));
            pair.end().close();
            assertFailedWith("handle is closed", reader.outcome());
        }
    }

    /**
     * A virtual thread's {@code accept()} waits parked for the handshakes' outcomes while the listener's accepting
     * thread waits in the socket's accept; closing the listener ends both.
     */
    @Test
    void closingTheListenerEndsAVirtualThreadsAccept() throws Exception {
        Listener listener = Listener.bind(FramingTest.abstractAddress(), 1, null);
        Started acceptor = inVirtualThread(listener::accept);
        awaitParked(acceptor.thread(), ConcurrentHandshakes.class);
        Thread accepting = acceptingThread(listener);
        awaitIn(accepting, AbstractSocketEnd.class);
        listener.close();
        assertFailedWith("listener is closed", acceptor.outcome());
        assertTrue(accepting.join(TIMEOUT), () -> "the accepting thread outlived its listener: " + describe(accepting));
    }

    /** The thread taking {@code listener}'s clients from its socket, once its first {@code accept()} started it. */
    private static Thread acceptingThread(Listener listener) {
        String name = ConcurrentHandshakes.ACCEPT_THREAD_PREFIX + listener.address();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + name));
    }

    /**
     * As on a platform thread, an interrupt does not end a blocked receive: the message that comes later is
     * delivered, and the interrupt status is still set afterwards.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe"})
    void anInterruptedVirtualReaderGetsItsMessageAndKeepsItsInterrupt(String kind) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            Started reader = inVirtualThread(() -> new String(pair.end().recvBytes(), StandardCharsets.US_ASCII)
                    + ", interrupted=" + Thread.currentThread().isInterrupted());
            awaitParked(reader.thread(), endClass(kind));
            reader.thread().interrupt();
            // The interrupt must not end the wait: the reader is parked in the receive again, the message still to
            // come.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            awaitParked(reader.thread(), endClass(kind));
            assertFalse(
                    reader.outcome().isDone(),
                    () -> "the interrupt ended the receive: " + reader.outcome().join());
            pair.peer().send("late".getBytes(StandardCharsets.US_ASCII));
            assertEquals("late, interrupted=true", reader.outcome().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** From a virtual thread: poll and wait time out, wait sees a message, and a send reaches the peer. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"abstract", "pipe"})
    void pollAndWaitFromAVirtualThread(String kind) throws Exception {
        try (NativeEndPairs.Pair pair = pair(kind)) {
            Connection end = pair.end();
            Started user = inVirtualThread(() -> {
                long start = System.nanoTime();
                boolean early = end.poll(Duration.ofMillis(50));
                boolean waitedOut = System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50);
                List<Connection> none = Connections.wait(List.of(end), Duration.ofMillis(20));
                pair.peer().send(new byte[] {42});
                List<Connection> ready = Connections.wait(List.of(end), Duration.ofSeconds(30));
                byte[] message = end.recvBytes();
                end.sendBytes(new byte[] {43});
                return List.of(
                        early,
                        waitedOut,
                        none.size(),
                        ready.equals(List.of(end)),
                        message[0],
                        pair.peer().receive()[0]);
            });
            assertEquals(
                    List.of(false, true, 0, true, (byte) 42, (byte) 43),
                    user.outcome().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** A pair of the end of {@code kind}; an abstract-namespace one through a listener that is closed again. */
    private static NativeEndPairs.Pair pair(String kind) throws IOException {
        if (kind.equals("pipe")) {
            return NativeEndPairs.pipe();
        }
        try (Listener listener = Listener.bind(FramingTest.abstractAddress(), 1, null)) {
            return NativeEndPairs.abstractSocket(listener);
        }
    }

    private static Class<?> endClass(String kind) {
        return kind.equals("abstract") ? AbstractSocketEnd.class : PipeEnd.class;
    }

    /**
     * Waits until {@code thread} is parked (so holds no carrier) in the code of {@code where}; fails after
     * {@link NativeEndPairs#PATIENCE}.
     */
    private static void awaitParked(Thread thread, Class<?> where) {
        await(thread, () -> parkedIn(thread, where), "parked in " + where.getSimpleName());
    }

    /** Waits until {@code thread} is in the code of {@code where}; fails after {@link NativeEndPairs#PATIENCE}. */
    private static void awaitIn(Thread thread, Class<?> where) {
        await(thread, () -> isIn(thread, where), "in " + where.getSimpleName());
    }

    private static void assertFailedWith(String message, CompletableFuture<Object> outcome) throws Exception {
        Object failure = outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, failure);
        assertEquals(message, ((IOException) failure).getMessage());
    }

    /** A virtual thread making a call, and what the call returned or threw. */
    private record Started(Thread thread, CompletableFuture<Object> outcome) {}

    private static Started inVirtualThread(Call call) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        return new Started(Thread.ofVirtual().start(() -> outcome.complete(outcomeOf(call))), outcome);
    }

    @FunctionalInterface
    private interface Call {
        Object call() throws Exception;
    }

    /** What {@code call} returned or threw. */
    private static Object outcomeOf(Call call) {
        try {
            return call.call();
        } catch (Throwable e) {
            return e;
        }
    }
}
