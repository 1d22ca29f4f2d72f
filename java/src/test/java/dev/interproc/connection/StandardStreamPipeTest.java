package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connections between a parent JVM and a child over the child's standard input and output ({@link Pipe#startChild}). */
class StandardStreamPipeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** A {@link PipeChild} started by {@link Pipe#startChildBlocking}, its pipes moved by the launcher or not. */
    private static Pipe.Child startBlocking(boolean movePipes, String... args) {
        return Pipe.startChildBlocking(
                JavaProcess.builder(PipeChild.class).jvmOptions("-Xmx256m").args(args), movePipes);
    }

    private static Pipe.Child start(String... args) throws IOException {
        return Pipe.startChild(
                JavaProcess.builder(PipeChild.class).jvmOptions("-Xmx256m").args(args));
    }

    @Test
    void tenThousandMessagesEachWayAndFourMebibytesBetweenParentAndChild() throws Exception {
        try (Pipe.Child child = start("stream")) {
            Connection connection = child.connection();
            Future<Void> sending = NumberedMessages.sendInBackground(connection, 1);
            NumberedMessages.receive(connection, NumberedMessages.COUNT);
            sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            child.process().awaitErrorLine(("RECEIVED " + NumberedMessages.COUNT)::equals, TIMEOUT);

            byte[] large = new byte[4 << 20];
            new Random(4).nextBytes(large);
            connection.sendBytes(large);
            assertArrayEquals(large, connection.recvBytes());

            connection.sendBytes(new byte[0]);
            assertEquals(0, child.process().waitFor(TIMEOUT), child.process().transcript());
            assertTrue(
                    child.process().errorOutput().contains(PipeChild.STRAY_LINE),
                    child.process().transcript());
            assertThrows(EOFException.class, connection::recvBytes);
        }
    }

    /** With the pipes moved by {@code /bin/sh} before the child starts, and with the child redirecting itself. */
    @ParameterizedTest(name = "pipes moved by the launcher: {0}")
    @ValueSource(booleans = {true, false})
    void blockingEndsOnBothSidesCarryTheSameStreamAndKeepStandardOutputOffThePipe(boolean movePipes) throws Exception {
        try (Pipe.Child child = startBlocking(movePipes, "blocking")) {
            Connection connection = child.connection();
            assertFalse(connection.poll(), "nothing sent yet");
            assertThrows(UnsupportedOperationException.class, () -> connection.poll(Duration.ofMillis(10)));
            Future<Void> sending = NumberedMessages.sendInBackground(connection, 1);
            NumberedMessages.receive(connection, NumberedMessages.COUNT);
            sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            child.process().awaitErrorLine(PipeChild.NO_TIMEOUTS::equals, TIMEOUT);

            byte[] large = new byte[4 << 20];
            new Random(5).nextBytes(large);
            connection.sendBytes(large);
            assertArrayEquals(large, connection.recvBytes(), "the grandchild's output must not reach the pipe");

            connection.sendBytes(new byte[0]);
            assertEquals(0, child.process().waitFor(TIMEOUT), child.process().transcript());
            List<String> errors = child.process().errorOutput();
            assertTrue(errors.contains(PipeChild.STRAY_LINE), child.process().transcript());
            assertTrue(
                    errors.contains(PipeChild.INHERITED_LINE), child.process().transcript());
            assertStandardStreamsTakenOver(child, movePipes);
            assertThrows(EOFException.class, connection::recvBytes);
        }
    }

    /** The builder given is not changed, and its own launcher runs, after the one that moves the pipes. */
    @Test
    void startChildBlockingKeepsTheBuildersLauncherAndLeavesTheBuilderAsItWas() throws Exception {
        JavaProcess.Builder builder = JavaProcess.builder(PipeChild.class)
                .jvmOptions("-Xmx256m")
                .launcher("/usr/bin/env", "LAUNCHED_BY=env")
                .args("echo");
        List<String> before = builder.command();
        try (Pipe.Child child = Pipe.startChildBlocking(builder, true)) {
            child.connection().sendBytes(new byte[] {7});
            assertArrayEquals(new byte[] {7}, child.connection().recvBytes());
            child.connection().sendBytes(new byte[0]);
            assertEquals(0, child.process().waitFor(TIMEOUT), child.process().transcript());
        }
        assertEquals(before, builder.command());
    }

    /** A blocking child end that is closed ends the parent's receive while the child runs on. */
    @ParameterizedTest(name = "pipes moved by the launcher: {0}")
    @ValueSource(booleans = {true, false})
    void closingTheBlockingChildEndGivesTheParentEndOfFile(boolean movePipes) throws Exception {
        try (Pipe.Child child = startBlocking(movePipes, "close-early")) {
            child.connection().sendBytes(new byte[] {1});
            assertTimeoutPreemptively(TIMEOUT, () -> assertThrows(EOFException.class, child.connection()::recvBytes));
            child.process().awaitErrorLine(PipeChild.CLOSED_LINE::equals, TIMEOUT);
            assertTrue(
                    child.process().isAlive(),
                    "the child must outlive its connection: " + child.process().transcript());
        }
    }

    /**
     * A child started by {@link Pipe#startChildBlocking} may make a full end ({@link Pipe#toParent()}), also when
     * its launcher moved the pipes.
     */
    @ParameterizedTest(name = "pipes moved by the launcher: {0}")
    @ValueSource(booleans = {true, false})
    void fullChildEndOverPipesOfABlockingParent(boolean movePipes) throws Exception {
        try (Pipe.Child child = startBlocking(movePipes, "stream")) {
            Connection connection = child.connection();
            Future<Void> sending = NumberedMessages.sendInBackground(connection, 1);
            NumberedMessages.receive(connection, NumberedMessages.COUNT);
            sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            child.process().awaitErrorLine(("RECEIVED " + NumberedMessages.COUNT)::equals, TIMEOUT);
            connection.sendBytes(new byte[0]);
            assertEquals(0, child.process().waitFor(TIMEOUT), child.process().transcript());
            assertTrue(
                    child.process().errorOutput().contains(PipeChild.STRAY_LINE),
                    child.process().transcript());
            assertStandardStreamsTakenOver(child, movePipes);
            assertThrows(EOFException.class, connection::recvBytes);
        }
    }

    /**
     * What the child reported of its descriptors once its end was made: 0 reads nothing (/dev/null where the launcher
     * or the full end made it so, a copy of standard error where the blocking end redirected itself), 1 is standard
     * error, and the moved pipes are closed where the full end can close them.
     */
    private static void assertStandardStreamsTakenOver(Pipe.Child child, boolean movePipes) {
        String transcript = child.process().transcript();
        String stderr = PipeChild.descriptor(child.process().errorOutput(), 2);
        assertEquals(stderr, PipeChild.descriptor(child.process().errorOutput(), 1), transcript);
        String stdin = PipeChild.descriptor(child.process().errorOutput(), 0);
        boolean blockingSelfRedirected =
                !movePipes && child.process().errorOutput().contains("MODE blocking");
        assertEquals(blockingSelfRedirected ? stderr : "/dev/null", stdin, transcript);
        if (movePipes && child.process().errorOutput().contains("MODE stream")) {
            // Closed; the JVM may have opened something else under the number since, but not a pipe.
            for (int fd : new int[] {3, 4}) {
                String target = PipeChild.descriptor(child.process().errorOutput(), fd);
                assertFalse(target.startsWith("pipe:"), "descriptor " + fd + " is " + target + ": " + transcript);
            }
        }
    }

    @Test
    void pollIsFalseOnAnIdlePipeAndTrueOnceAMessageIsBuffered() throws Exception {
        try (Pipe.Child child = start("echo")) {
            Connection connection = child.connection();
            // The echoing child sends nothing until it gets a message.
            assertFalse(connection.poll(Duration.ofMillis(200)));
            assertFalse(connection.poll());
            assertEquals(List.of(), Connections.wait(List.of(connection), Duration.ZERO));
            connection.sendBytes("ping".getBytes(StandardCharsets.US_ASCII));
            assertTrue(connection.poll(TIMEOUT));
            assertTrue(connection.poll(), "poll must not consume the message");
            assertEquals(List.of(connection), Connections.wait(List.of(connection), TIMEOUT));
            assertEquals("ping", new String(connection.recvBytes(), StandardCharsets.US_ASCII));
            assertFalse(connection.poll());
            assertThrows(
                    IllegalStateException.class,
                    () -> child.process().awaitLine(line -> true, TIMEOUT),
                    "standard output carries the connection, it is not read as lines");
            assertThrows(IllegalStateException.class, () -> child.process().sendLine("x"));
            assertEquals(List.of(), child.process().output());
        }
    }

    @Test
    void killedChildGivesEndOfFileAndABrokenPipe() throws Exception {
        try (Pipe.Child child = start("echo")) {
            Connection connection = child.connection();
            connection.sendBytes(new byte[] {1});
            assertArrayEquals(new byte[] {1}, connection.recvBytes());
            child.process().kill();
            assertTrue(connection.poll(TIMEOUT), "end of file counts as readable");
            assertThrows(EOFException.class, connection::recvBytes);
            child.process().waitFor(TIMEOUT);
            IOException broken = assertThrows(IOException.class, () -> connection.sendBytes(new byte[] {2}));
            assertTrue(broken.getMessage().contains("Broken pipe"), broken.getMessage());
        }
    }

    @Test
    void endOfFileInsideAMessageIsReportedAsSuch() throws Exception {
        // A header announcing 16 bytes, then 3 of them, then the child exits.
        try (Pipe.Child child = start("raw-out", "00000010" + "616263")) {
            IOException truncated = assertThrows(IOException.class, child.connection()::recvBytes);
            assertEquals("got end of file during message", truncated.getMessage());
        }
    }

    @Test
    void bytesOnThePipesArePythonsFraming() throws Exception {
        try (Pipe.Child child = start("raw-out", "00000005" + "68656c6c6f")) {
            assertEquals("hello", new String(child.connection().recvBytes(), StandardCharsets.US_ASCII));
        }
        try (Pipe.Child child = start("raw-in", "9")) {
            child.connection().sendBytes("hello".getBytes(StandardCharsets.US_ASCII));
            child.process().awaitErrorLine(("RAW " + "00000005" + "68656c6c6f")::equals, TIMEOUT);
        }
    }

    @Test
    void closingTheConnectionEndsABlockedReceive() throws Exception {
        try (Pipe.Child child = start("echo")) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    child.connection().recvBytes();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            // The receiver may not be blocked yet when close() runs; either way it must fail with "handle is closed".
            child.connection().close();
            Throwable failure = outcome.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure);
            assertEquals("handle is closed", failure.getMessage());
            // The echoing child sees end of file on its standard input and fails with it.
            assertEquals(1, child.process().waitFor(TIMEOUT), child.process().transcript());
            child.process()
                    .awaitErrorLine(
                            line -> line.endsWith("java.io.EOFException: end of file: the peer closed the connection"),
                            TIMEOUT);
        }
    }

    @Test
    void toParentRefusesAStandardInputThatIsNotAPipe() throws Exception {
        try (JavaProcess child = JavaProcess.builder(PipeChild.class)
                .args("echo")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start()) {
            child.awaitErrorLine(
                    line -> line.endsWith("java.io.IOException: standard input is /dev/null, not a"
                            + " pipe: start this process with Pipe.startChild, or give it pipes for standard input and output"
                            + " (Python: subprocess.PIPE)"),
                    TIMEOUT);
            assertEquals(1, child.waitFor(TIMEOUT), child.transcript());
        }
    }

    @Test
    void pythonChildWrapsItsStandardStreamsInConnections() throws Exception {
        Path script;
        try {
            script = Path.of(
                    StandardStreamPipeTest.class.getResource("stdio_peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(
                        PythonPeer.interpreter("3.12").toString(), script.toString())
                .redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process python;
        Connection connection;
        try (PipeEnd.ChildStreams streams = PipeEnd.ChildStreams.open()) {
            python = builder.redirectInput(streams.childInput())
                    .redirectOutput(streams.childOutput())
                    .start();
            PipeEnd end = streams.parentEnd();
            connection = new Connection(end, end);
        }
        try (connection) {
            byte[] large = new byte[1 << 20];
            new Random(5).nextBytes(large);
            for (byte[] message : List.of("hello".getBytes(StandardCharsets.US_ASCII), large)) {
                connection.sendBytes(message);
                byte[] reversed = connection.recvBytes();
                for (int i = 0; i < message.length; i++) {
                    assertEquals(message[i], reversed[message.length - 1 - i], "byte " + i);
                }
            }
            connection.sendBytes(new byte[0]);
            connection.send(List.of("hi", 42L));
            Object answer = connection.recv();
            assertArrayEquals(new Object[] {"echo", List.of("hi", 42)}, (Object[]) answer);
            assertTrue(python.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "python still runs");
            String errors = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, python.exitValue(), errors);
            assertEquals("DONE\n", errors);
        } finally {
            python.destroyForcibly();
        }
    }
}
