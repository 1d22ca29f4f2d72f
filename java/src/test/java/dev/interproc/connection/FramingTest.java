package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.testing.TestRegions;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire format of spec 1.3 and the Connection object model of 1.2, against a raw socket peer. */
class FramingTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void smallMessageIsHeaderAndPayloadInOneFrame() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.connection().sendBytes(ascii("hello world"));
            pair.connection().sendBytes(new byte[0]);
            assertEquals(
                    "0000000b68656c6c6f20776f726c6400000000",
                    Hex.text(pair.raw().read(19)));
        }
    }

    @Test
    void offsetAndSizeSelectBytesAsPython() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            byte[] data = ascii("abcdef");
            pair.connection().sendBytes(data, 2);
            pair.connection().sendBytes(data, 1, 3);
            pair.connection().sendBytes(data, 6); // offset == length: an empty message
            pair.connection().sendBytes(ByteBuffer.wrap(data), 4, 2);
            assertEquals(
                    "00000004636465660000000362636400000000" + "000000026566",
                    Hex.text(pair.raw().read(25)));
        }
    }

    @Test
    void invalidArgumentsUsePythonsMessagesInPythonsOrder() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            Connection connection = pair.connection();
            byte[] data = new byte[4];
            assertEquals(
                    "offset is negative",
                    assertThrows(IllegalArgumentException.class, () -> connection.sendBytes(data, -1, -1))
                            .getMessage());
            assertEquals(
                    "buffer length < offset",
                    assertThrows(IllegalArgumentException.class, () -> connection.sendBytes(data, 5, -1))
                            .getMessage());
            assertEquals(
                    "size is negative",
                    assertThrows(IllegalArgumentException.class, () -> connection.sendBytes(data, 1, -1))
                            .getMessage());
            assertEquals(
                    "buffer length < offset + size",
                    assertThrows(IllegalArgumentException.class, () -> connection.sendBytes(data, 1, 4))
                            .getMessage());
            assertEquals(
                    "negative maxlength",
                    assertThrows(IllegalArgumentException.class, () -> connection.recvBytes(-1))
                            .getMessage());
            assertEquals(
                    "negative offset",
                    assertThrows(IllegalArgumentException.class, () -> connection.recvBytesInto(data, -1))
                            .getMessage());
            assertEquals(
                    "offset too large",
                    assertThrows(IllegalArgumentException.class, () -> connection.recvBytesInto(data, 5))
                            .getMessage());
        }
    }

    @Test
    void largeMessageKeepsTheShortHeaderAndArrivesWhole() throws IOException, InterruptedException {
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(large);
        try (RawPeer.Pair pair = RawPeer.pair()) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    pair.connection().sendBytes(large);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(large.length, ByteBuffer.wrap(pair.raw().read(4)).getInt());
            assertArrayEquals(large, pair.raw().read(large.length));
            sender.join();
        }
    }

    @Test
    void lengthHeaderUsesTheLongFormOnlyAboveTwoToTheThirtyOneMinusOne() {
        ByteBuffer header = ByteBuffer.allocate(12);
        FrameWriter.putHeader(header, 0x7FFFFFFFL);
        assertEquals("7fffffff", Hex.text(java.util.Arrays.copyOf(header.array(), header.position())));
        header.clear();
        FrameWriter.putHeader(header, 0x80000000L);
        assertEquals("ffffffff0000000080000000", Hex.text(header.array()));
    }

    @Test
    void v9LongFormHeaderIsAccepted() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.raw().write("ffffffff0000000000000003626967" + "00000000");
            assertArrayEquals(ascii("big"), pair.connection().recvBytes());
            assertArrayEquals(new byte[0], pair.connection().recvBytes());
        }
    }

    @Test
    void v9MessageAboveMaxLengthPoisonsTheReadingSideOnly() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.raw().write("0000000568656c6c6f");
            IOException refused =
                    assertThrows(IOException.class, () -> pair.connection().recvBytes(4));
            assertEquals("bad message length", refused.getMessage());
            assertFalse(pair.connection().isReadable());
            assertEquals(
                    "connection is write-only",
                    assertThrows(IOException.class, () -> pair.connection().recvBytes())
                            .getMessage());
            pair.connection().sendBytes(ascii("ok"));
            assertEquals("000000026f6b", Hex.text(pair.raw().read(6)));
        }
    }

    @Test
    void messageAboveTheConfiguredLimitIsRefusedBeforeAllocating() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.connection().setMaxMessageLength(1000);
            pair.raw().write("7fffffff");
            assertRecvFails(pair.connection(), "bad message length: the peer announced 2147483647 bytes");
            assertFalse(pair.connection().isReadable());
        }
    }

    @Test
    void negativeHeaderOtherThanMinusOneIsAProtocolError() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.raw().write("fffffffb");
            assertRecvFails(pair.connection(), "bad message length: negative length header -5");
        }
    }

    /** {@code recvBytes} fails with an IOException whose message starts with {@code start}. */
    private static void assertRecvFails(Connection connection, String start) {
        IOException refused = assertThrows(IOException.class, connection::recvBytes);
        assertTrue(refused.getMessage().startsWith(start), refused.getMessage());
    }

    /** V9's EOF cases: end of file before a step's first byte is EOF, inside a step it is an error. */
    @Test
    void v9EndOfFileRules() throws IOException {
        Map<String, Class<? extends IOException>> cases = Map.of(
                "", EOFException.class,
                "0000", IOException.class,
                "0000000a616263", IOException.class,
                "0000000a", EOFException.class,
                "ffffffff", EOFException.class,
                "ffffffff0000000000000005", EOFException.class,
                "ffffffff000000", IOException.class);
        for (Map.Entry<String, Class<? extends IOException>> entry : cases.entrySet()) {
            try (RawPeer.Pair pair = RawPeer.pair()) {
                pair.raw().write(entry.getKey());
                pair.raw().shutdownOutput();
                IOException thrown =
                        assertThrows(IOException.class, () -> pair.connection().recvBytes(), entry.getKey());
                if (entry.getValue() == EOFException.class) {
                    assertInstanceOf(EOFException.class, thrown, entry.getKey());
                } else {
                    assertFalse(thrown instanceof EOFException, entry.getKey());
                    assertEquals("got end of file during message", thrown.getMessage(), entry.getKey());
                }
            }
        }
    }

    @Test
    void recvBytesIntoCopiesAtTheOffsetOrCarriesTheWholeMessage() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            pair.raw().write("000000080700000009000000" + "00000003616263" + "00000001ff");
            byte[] target = new byte[16];
            assertEquals(8, pair.connection().recvBytesInto(target, 4));
            assertEquals("00000000070000000900000000000000", Hex.text(target));
            BufferTooShortException tooShort = assertThrows(
                    BufferTooShortException.class, () -> pair.connection().recvBytesInto(new byte[4], 2));
            assertArrayEquals(ascii("abc"), tooShort.message());
            ByteBuffer direct = ByteBuffer.allocateDirect(4);
            assertEquals(1, pair.connection().recvBytesInto(direct, 3));
            assertEquals((byte) 0xff, direct.get(3));
            assertEquals(0, direct.position());
        }
    }

    @Test
    void pollSeesPartialMessagesAndEndOfFileWithoutConsuming() throws IOException {
        try (RawPeer.Pair pair = RawPeer.pair()) {
            Connection connection = pair.connection();
            assertFalse(connection.poll());
            assertFalse(connection.poll(Duration.ofMillis(-1)));
            assertFalse(connection.poll(Duration.ofMillis(20)));
            pair.raw().write("000000");
            assertTrue(connection.poll(Duration.ofSeconds(10)));
            assertTrue(connection.poll());
            pair.raw().write("0161");
            assertArrayEquals(ascii("a"), connection.recvBytes());
            assertFalse(connection.poll());
            pair.raw().shutdownOutput();
            assertTrue(connection.poll(null));
            assertThrows(EOFException.class, connection::recvBytes);
        }
    }

    @Test
    void waitReturnsTheReadyConnectionsOrNoneAfterTheTimeout() throws IOException {
        try (RawPeer.Pair one = RawPeer.pair();
                RawPeer.Pair two = RawPeer.pair();
                Pipe pipe = Pipe.duplex()) {
            List<Connection> all = List.of(one.connection(), two.connection(), pipe.first());
            assertEquals(List.of(), Connections.wait(all, Duration.ofMillis(20)));
            assertEquals(List.of(), Connections.wait(List.of(), Duration.ofMillis(1)));
            two.raw().write("00000001");
            pipe.second().sendBytes(ascii("x"));
            assertEquals(
                    java.util.Set.of(two.connection(), pipe.first()),
                    java.util.Set.copyOf(Connections.wait(all, Duration.ofSeconds(10))));
            assertArrayEquals(ascii("x"), pipe.first().recvBytes());
            // The connections are back in blocking mode and work normally.
            two.raw().write("41");
            assertArrayEquals(ascii("A"), two.connection().recvBytes());
            assertEquals(List.of(two.connection()), waitForOne(all, two));
        }
    }

    @Test
    void waitWatchesAbstractSocketAndStandardStreamConnectionsTogether() throws IOException {
        try (Listener listener = Listener.builder(abstractAddress()).bind();
                NativeEndPairs.Pair socket = NativeEndPairs.abstractSocket(listener);
                NativeEndPairs.Pair pipe = NativeEndPairs.pipe()) {
            List<Connection> both = List.of(socket.end(), pipe.end());
            assertEquals(List.of(), Connections.wait(both, Duration.ofMillis(20)));
            pipe.peer().send(ascii("p"));
            assertEquals(List.of(pipe.end()), Connections.wait(both, Duration.ofSeconds(10)));
            assertArrayEquals(ascii("p"), pipe.end().recvBytes());
            socket.peer().send(ascii("s"));
            assertEquals(List.of(socket.end()), Connections.wait(both, Duration.ofSeconds(10)));
            try (Pipe duplex = Pipe.duplex()) {
                IllegalArgumentException mixed = assertThrows(
                        IllegalArgumentException.class,
                        () -> Connections.wait(List.of(socket.end(), duplex.first()), Duration.ZERO));
                assertTrue(mixed.getMessage().contains("wait on each group in its own call"), mixed.getMessage());
            }
        }
    }

    private static List<Connection> waitForOne(List<Connection> all, RawPeer.Pair pair) throws IOException {
        pair.raw().write("00000000");
        return Connections.wait(all, null);
    }

    @Test
    void oneWayPipeHasAReaderAndAWriterWithPythonsMessages() throws IOException {
        try (Pipe pipe = Pipe.oneWay()) {
            Connection reader = pipe.first();
            Connection writer = pipe.second();
            assertTrue(reader.isReadable() && !reader.isWritable());
            assertTrue(writer.isWritable() && !writer.isReadable());
            assertEquals(
                    "connection is read-only",
                    assertThrows(IOException.class, () -> reader.sendBytes(new byte[1]))
                            .getMessage());
            assertEquals(
                    "connection is write-only",
                    assertThrows(IOException.class, writer::recvBytes).getMessage());
            assertEquals(
                    "connection is write-only",
                    assertThrows(IOException.class, writer::poll).getMessage());
            writer.send(List.of(1, "a"));
            assertEquals(List.of(1, "a"), reader.recv());
            writer.close();
            assertThrows(EOFException.class, reader::recvBytes);
            assertEquals(
                    "handle is closed",
                    assertThrows(IOException.class, () -> writer.sendBytes(new byte[1]))
                            .getMessage());
        }
    }

    @Test
    void oneWayPipeReaderIsClosedWhenPoisoned() throws IOException {
        try (Pipe pipe = Pipe.oneWay()) {
            pipe.second().sendBytes(new byte[10]);
            assertEquals(
                    "bad message length",
                    assertThrows(IOException.class, () -> pipe.first().recvBytes(5))
                            .getMessage());
            assertTrue(pipe.first().isClosed());
            assertEquals(
                    "handle is closed",
                    assertThrows(IOException.class, pipe.first()::recvBytes).getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedReceive() throws Exception {
        try (Pipe pipe = Pipe.duplex()) {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    pipe.first().recvBytes();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            started.await();
            // The receiver may not be blocked yet when close() runs; either way it must fail with "handle is closed".
            pipe.first().close();
            Throwable failure = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure);
            assertEquals("handle is closed", failure.getMessage());
        }
    }

    @Test
    void ipv6ListenerAndClientTalk() throws Exception {
        byte[] key = ascii("v6");
        try (Listener listener = Listener.bind(new Address.Tcp("::1", 0), 1, key)) {
            java.util.concurrent.FutureTask<Connection> client =
                    new java.util.concurrent.FutureTask<>(() -> Client.connect(listener.address(), key));
            Thread.ofPlatform().daemon().start(client);
            try (Connection server = listener.accept();
                    Connection connection = client.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                assertEquals(
                        new Address.Tcp("0:0:0:0:0:0:0:1", ((Address.Tcp) listener.address()).port()),
                        listener.address());
                connection.send(List.of("over", 6));
                assertEquals(List.of("over", 6), server.recv());
            }
        }
    }

    @Test
    void unixListenerDeletesItsSocketFileWhenClosed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory)
            throws IOException {
        java.nio.file.Path socket = directory.resolve("listener.sock");
        Listener listener = Listener.bind(new Address.Unix(socket), 1, null);
        assertTrue(java.nio.file.Files.exists(socket));
        assertEquals(new Address.Unix(socket), listener.address());
        listener.close();
        assertFalse(java.nio.file.Files.exists(socket));
        assertEquals(
                "listener is closed",
                assertThrows(IOException.class, listener::accept).getMessage());
    }

    /** A unique abstract-namespace address. */
    static Address.Abstract abstractAddress() {
        return new Address.Abstract(TestRegions.uniqueName("socket").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    // The connection is closed mid-block to check what the peer then sees; the try closes it again (a no-op)
    // only to release it if an assertion fails first.
    @SuppressWarnings("try")
    void abstractNamespaceListenerAndClient() throws Exception {
        byte[] key = ascii("abstract");
        Address.Abstract address = abstractAddress();
        try (Listener listener = Listener.bind(address, 1, key)) {
            assertEquals(address, listener.address());
            assertThrows(java.net.BindException.class, () -> Listener.bind(address, 1, key));
            java.util.concurrent.FutureTask<Connection> client =
                    new java.util.concurrent.FutureTask<>(() -> Client.connect(address, key));
            Thread.ofPlatform().daemon().start(client);
            try (Connection server = listener.accept();
                    Connection connection = client.get(30, java.util.concurrent.TimeUnit.SECONDS)) {
                assertTrue(server.isAuthenticated());
                assertFalse(server.poll(Duration.ofMillis(10)));
                assertEquals(List.of(), Connections.wait(List.of(server), Duration.ofMillis(10)));
                byte[] large = new byte[200_000];
                new java.util.Random(3).nextBytes(large);
                connection.sendBytes(large);
                assertEquals(List.of(server), Connections.wait(List.of(server), Duration.ofSeconds(10)));
                assertArrayEquals(large, server.recvBytes());
                server.send(Map.of("k", List.of(1, 2)));
                assertEquals(Map.of("k", List.of(1, 2)), connection.recv());
                try (Pipe pipe = Pipe.duplex()) {
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> Connections.wait(List.of(server, pipe.first()), Duration.ZERO));
                }
                connection.close();
                assertTrue(server.poll(Duration.ofSeconds(10)));
                assertThrows(EOFException.class, server::recvBytes);
            }
        }
        assertThrows(java.net.ConnectException.class, () -> Client.connect(address, key));
    }

    @Test
    // The server end is closed mid-block, as the event under test; the try closes it again (a no-op) only to
    // release it if the receiver thread never started.
    @SuppressWarnings("try")
    void closingAnAbstractNamespaceConnectionEndsABlockedReceive() throws Exception {
        Address.Abstract address = abstractAddress();
        try (Listener listener = Listener.bind(address, 1, null);
                Connection client = Client.connect(address, null);
                Connection server = listener.accept()) {
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    server.recvBytes();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            started.await();
            server.close();
            Throwable failure = outcome.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, failure);
            assertEquals("handle is closed", failure.getMessage());
            assertThrows(EOFException.class, client::recvBytes); // the peer sees the shutdown as end of file
        }
    }

    @Test
    void closingAnAbstractNamespaceListenerEndsABlockedAccept() throws Exception {
        Listener listener = Listener.bind(abstractAddress(), 1, null);
        java.util.concurrent.FutureTask<Connection> accepting = new java.util.concurrent.FutureTask<>(listener::accept);
        Thread.ofPlatform().daemon().start(accepting);
        listener.close();
        java.util.concurrent.ExecutionException failed = assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> accepting.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals("listener is closed", failed.getCause().getMessage());
    }
}
