package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.codec.SerializationProbe;
import dev.interproc.process.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** 10,000 checked messages each way at once, between two JVMs and between the ends of pipes. */
class TwoProcessTest {

    private static final byte[] KEY = "two jvms".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unix", "tcp", "abstract"})
    void tenThousandMessagesEachWayBetweenTwoJvms(String family) throws Exception {
        Address address =
                switch (family) {
                    case "tcp" -> Address.Tcp.loopback(0);
                    case "unix" -> new Address.Unix(directory.resolve("s"));
                    default -> FramingTest.abstractAddress();
                };
        try (Listener listener = Listener.bind(address, 1, KEY);
                JavaProcess child = JavaProcess.builder(ConnectionChild.class)
                        .jvmOptions("-Xmx256m")
                        .args("stream", listener.address().toString(), new String(KEY, StandardCharsets.US_ASCII))
                        .start();
                Connection connection = listener.accept()) {
            Future<Void> sending = NumberedMessages.sendInBackground(connection, 1);
            NumberedMessages.receive(connection, NumberedMessages.COUNT);
            sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            child.awaitLine(("RECEIVED " + NumberedMessages.COUNT)::equals, TIMEOUT);
            connection.sendBytes(new byte[0]);
            assertEquals(0, child.waitFor(TIMEOUT), child.transcript());
        }
    }

    @Test
    void tenThousandMessagesEachWayThroughADuplexPipe() throws Exception {
        try (Pipe pipe = Pipe.duplex()) {
            exchangeBothWays(pipe, pipe.second(), false);
        }
    }

    /**
     * poll() switches the socket to non-blocking mode while the same end sends on another thread: the sender must
     * neither spin nor fail when its write returns 0, and the socket must return to blocking mode.
     */
    @Test
    void pollingReceiverBesideASenderOnTheSameEnd() throws Exception {
        try (Pipe pipe = Pipe.duplex()) {
            exchangeBothWays(pipe, pipe.first(), true);
            pipe.second().sendBytes(new byte[] {1});
            assertEquals(1, pipe.first().recvBytes().length);
        }
    }

    /**
     * Both ends send {@link NumberedMessages#COUNT} messages while both receive: {@code receiver} on this thread
     * (polling before each receive if {@code pollFirst}), the other end in the background.
     */
    private static void exchangeBothWays(Pipe pipe, Connection receiver, boolean pollFirst) throws Exception {
        Connection other = receiver == pipe.first() ? pipe.second() : pipe.first();
        Future<Void> firstSends = NumberedMessages.sendInBackground(pipe.first(), 1);
        Future<Void> secondSends = NumberedMessages.sendInBackground(pipe.second(), 2);
        Future<Void> otherReceives = NumberedMessages.receiveInBackground(other);
        NumberedMessages.receive(receiver, NumberedMessages.COUNT, pollFirst);
        otherReceives.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        firstSends.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        secondSends.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void tenThousandMessagesThroughAOneWayPipe() throws Exception {
        try (Pipe pipe = Pipe.oneWay()) {
            Future<Void> sends = NumberedMessages.sendInBackground(pipe.second(), 3);
            NumberedMessages.receive(pipe.first(), NumberedMessages.COUNT);
            sends.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * A class outside the allow-list, sent to a JVM that never loaded it, is refused before its static initializer,
     * a constructor or its readObject runs, and the connection goes on.
     */
    @Test
    void hostileSerializedObjectIsRefusedInAFreshJvm() throws Exception {
        try (Listener listener = Listener.bind(new Address.Unix(directory.resolve("victim")), 1, KEY);
                JavaProcess child = JavaProcess.builder(ConnectionChild.class)
                        .jvmOptions("-Xmx128m")
                        .args("victim", listener.address().toString(), new String(KEY, StandardCharsets.US_ASCII))
                        .start();
                Connection connection = listener.accept()) {
            connection.setCodec(JavaSerializationCodec.builder()
                    .allow(SerializationProbe.class.getName() + "$*")
                    .build());
            connection.send(new SerializationProbe.Hostile());
            connection.send(List.of("after"));
            String refused =
                    child.awaitLine(line -> line.startsWith("REFUSED ") || line.startsWith("ACCEPTED "), TIMEOUT);
            assertTrue(
                    refused.startsWith("REFUSED refused class " + SerializationProbe.Hostile.class.getName()), refused);
            child.awaitLine("FLAGS staticInit=false constructor=false readObject=false"::equals, TIMEOUT);
            child.awaitLine("NEXT [after]"::equals, TIMEOUT);
            assertEquals(0, child.waitFor(TIMEOUT), child.transcript());
        }
    }
}
