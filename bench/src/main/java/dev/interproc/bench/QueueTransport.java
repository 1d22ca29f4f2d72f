package dev.interproc.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.interproc.SharedMemory;
import dev.interproc.SharedQueue;
import dev.interproc.connection.Address;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One process's end of a benchmarked channel of 64-byte messages ({@link QueueBenchmark}): a {@link SharedQueue}, an
 * Agrona ring buffer over a file in /dev/shm, or a {@link Connection} over a Unix socket. A message's kind (data,
 * or the end of a repetition) travels in its first byte (Agrona: as its message type), and every receiver reads it.
 *
 * <p>A transport is named by a spec, {@code KIND:ARGUMENTS}:
 * <ul>
 *   <li>{@code interproc-take:REGION:SLOT}: {@code put(MemorySegment)} and {@code take()} (a copy into a new
 *       {@code byte[]}), both blocking;
 *   <li>{@code interproc-read:REGION:SLOT}: {@code put(MemorySegment)} and the zero-copy
 *       {@code read(handler, timeout)}, both blocking;
 *   <li>{@code interproc-drain:REGION:SLOT}: {@code put(MemorySegment)} and the zero-copy batch read
 *       {@code drain(handler, limit, timeout)}, both blocking;
 *   <li>{@code agrona-one-to-one:FILE}, {@code agrona-many-to-one:FILE}: {@code write} and {@code read(handler,
 *       limit)} on a {@link OneToOneRingBuffer} or {@link ManyToOneRingBuffer} whose {@link UnsafeBuffer} wraps the
 *       file mapped by this process; a full or empty ring is waited out with the idle strategy named by the system
 *       property {@code agronaIdle}: {@code yielding} (the default), {@code busy} or {@code backoff};
 *   <li>{@code agrona-one-to-one-fenced:FILE}, {@code agrona-many-to-one-fenced:FILE}: the same rings whose producer,
 *       after each write, orders it before a volatile read of a word of the ring's trailer with a full fence: what a
 *       blocking queue's producer adds to learn whether a consumer sleeps (the word is one no side writes here, as a
 *       queue's count of sleeping consumers is while nobody sleeps);
 *   <li>{@code connection-listen:SOCKET}, {@code connection-connect:SOCKET}: {@code sendBytes(byte[])} and
 *       {@code recvBytesInto(byte[])} on an authenticated Connection; the listening side accepts one client.
 * </ul>
 */
abstract class QueueTransport implements AutoCloseable {

    static final int MESSAGE_BYTES = 64;
    static final byte DATA = 1;
    static final byte END = 2;

    /** End messages received so far. */
    int ends;
    /** The sum of the first bytes read, so that no read can be dropped. */
    long sink;

    /** Sends one message of {@code kind}, waiting while the channel is full. */
    abstract void send(byte kind) throws Exception;

    /**
     * Waits for a message, then receives up to {@code limit} (those at hand), counting ends in {@link #ends}.
     *
     * @return the number received
     */
    abstract int receive(int limit) throws Exception;

    @Override
    public void close() throws IOException {}

    final void received(byte kind) {
        sink += kind;
        if (kind == END) {
            ends++;
        }
    }

    static QueueTransport open(String spec) throws Exception {
        String[] parts = spec.split(":", 3);
        return switch (parts[0]) {
            case "interproc-take", "interproc-read", "interproc-drain" ->
                new Interproc(parts[1], parts[2], parts[0].substring("interproc-".length()));
            case "agrona-one-to-one", "agrona-many-to-one", "agrona-one-to-one-fenced", "agrona-many-to-one-fenced" ->
                new Agrona(Path.of(parts[1]), parts[0].startsWith("agrona-many"), parts[0].endsWith("-fenced"));
            case "connection-listen", "connection-connect" ->
                new Socket(Path.of(parts[1]), parts[0].equals("connection-listen"));
            default -> throw new IllegalArgumentException("unknown transport " + spec);
        };
    }

    /** Bytes of the file of an Agrona ring of {@code capacity} bytes: the ring and Agrona's trailer. */
    static long fileBytesOfAgronaRing(long capacity) {
        return capacity + RingBufferDescriptor.TRAILER_LENGTH;
    }

    /** The message of {@code kind}: its first byte is the kind, the rest zeros. */
    static byte[] message(byte kind) {
        byte[] message = new byte[MESSAGE_BYTES];
        message[0] = kind;
        return message;
    }

    /** A SharedQueue, the slot of a region the coordinator created. */
    private static final class Interproc extends QueueTransport {
        private static final Duration FOREVER = Duration.ofDays(1);
        private final SharedMemory memory;
        private final SharedQueue queue;
        /** How messages are received: take, read or drain. */
        private final String mode;

        private final MemorySegment data = MemorySegment.ofArray(message(DATA));
        private final MemorySegment end = MemorySegment.ofArray(message(END));
        private final SharedQueue.MessageHandler handler = message -> received(message.get(JAVA_BYTE, 0));

        Interproc(String region, String slot, String mode) {
            this.memory = SharedMemory.open(region);
            this.queue = memory.sharedQueue(slot, QueueBenchmark.CAPACITY, MESSAGE_BYTES);
            this.mode = mode;
        }

        @Override
        void send(byte kind) throws InterruptedException {
            queue.put(kind == END ? end : data);
        }

        @Override
        int receive(int limit) throws InterruptedException {
            int received =
                    switch (mode) {
                        case "take" -> {
                            received(queue.take()[0]);
                            yield 1;
                        }
                        case "read" -> queue.read(handler, FOREVER) ? 1 : 0;
                        default -> queue.drain(handler, limit, FOREVER);
                    };
            if (received == 0) {
                throw new IllegalStateException("no message for a day");
            }
            return received;
        }

        @Override
        public void close() {
            memory.close();
        }
    }

    /** An Agrona ring buffer over a file of /dev/shm that every process maps. */
    private static final class Agrona extends QueueTransport {
        private final RingBuffer ring;
        private final UnsafeBuffer buffer;
        /** Whether each write is followed by the fence and read of a blocking producer. */
        private final boolean fenced;
        /** The word the fenced producer reads: the trailer's correlation counter, which nothing here writes. */
        private final int sleepersIndex;

        private final IdleStrategy idle = idleStrategy();
        private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(MESSAGE_BYTES));
        private final org.agrona.concurrent.MessageHandler handler =
                (type, buffer, index, length) -> received(buffer.getByte(index));

        Agrona(Path file, boolean manyToOne, boolean fenced) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                buffer = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
            }
            ring = manyToOne ? new ManyToOneRingBuffer(buffer) : new OneToOneRingBuffer(buffer);
            this.fenced = fenced;
            this.sleepersIndex = ring.capacity() + RingBufferDescriptor.CORRELATION_COUNTER_OFFSET;
        }

        private static IdleStrategy idleStrategy() {
            return switch (System.getProperty("agronaIdle", "yielding")) {
                case "yielding" -> new YieldingIdleStrategy();
                case "busy" -> new BusySpinIdleStrategy();
                case "backoff" -> new BackoffIdleStrategy();
                default -> throw new IllegalArgumentException("agronaIdle: yielding, busy or backoff");
            };
        }

        @Override
        void send(byte kind) {
            message.putByte(0, kind);
            while (!ring.write(kind, message, 0, MESSAGE_BYTES)) {
                idle.idle();
            }
            if (fenced) {
                VarHandle.fullFence();
                sink += buffer.getLongVolatile(sleepersIndex);
            }
            idle.reset();
        }

        @Override
        int receive(int limit) {
            int received;
            while ((received = ring.read(handler, limit)) == 0) {
                idle.idle();
            }
            idle.reset();
            return received;
        }
    }

    /** A Connection over a Unix socket. */
    private static final class Socket extends QueueTransport {
        private static final byte[] KEY = "queue-benchmark".getBytes(StandardCharsets.US_ASCII);
        private static final long CONNECT_NANOS = 60_000_000_000L;
        private final Connection connection;
        private final byte[] data = message(DATA);
        private final byte[] end = message(END);
        private final byte[] buffer = new byte[MESSAGE_BYTES];

        Socket(Path socket, boolean listen) throws IOException, InterruptedException {
            Address address = new Address.Unix(socket);
            if (listen) {
                try (Listener listener = Listener.bind(address, 1, KEY)) {
                    connection = listener.accept();
                }
            } else {
                connection = connect(address);
            }
        }

        /** Connects, retrying while the listening worker (started at the same time) has not bound yet. */
        private static Connection connect(Address address) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + CONNECT_NANOS;
            while (true) {
                try {
                    return Client.connect(address, KEY);
                } catch (IOException notYet) { // no socket file yet, or nobody listening
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(10);
                }
            }
        }

        @Override
        void send(byte kind) throws IOException {
            connection.sendBytes(kind == END ? end : data);
        }

        @Override
        int receive(int limit) throws IOException {
            connection.recvBytesInto(buffer);
            received(buffer[0]);
            return 1;
        }

        @Override
        public void close() {
            connection.close();
        }
    }
}
