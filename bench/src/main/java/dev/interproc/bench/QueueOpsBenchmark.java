package dev.interproc.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.SharedMemory;
import dev.interproc.SharedQueue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each side of a 64-byte message costs one thread with nobody else on the queue, in nanoseconds per message,
 * to tell where {@link QueueBenchmark}'s one-producer figure goes (docs/benchmarks.md, "Suite {@code queue}"):
 * <ul>
 *   <li>{@code put}, {@code take}, {@code read}, {@code drain}: {@value #BATCH} messages through
 *       {@link SharedQueue} per invocation, the queue emptied (or filled) between invocations;
 *   <li>{@code agronaWrite}, {@code agronaRead}: the same through Agrona's {@code OneToOneRingBuffer} on a
 *       /dev/shm mapping, {@code read(handler, limit)} being its batch read;
 *   <li>{@code lockFloor}: a compare-and-set 0 -> token and one back on a word of a /dev/shm mapping, the least
 *       any acquisition and release of a lock word costs; {@code lockAndStoreFloor} adds the sequentially
 *       consistent store of a position, the fenced accesses of one put as the queue protocol has them.
 * </ul>
 * Single-threaded: no cache line moves between processors here, which a producer and a consumer on two add.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {QueueOpsBenchmark.NATIVE, QueueOpsBenchmark.AGRONA})
@Threads(1)
public class QueueOpsBenchmark {

    static final int BATCH = 64;
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    /** Agrona's classes reach into jdk.internal.misc.Unsafe. */
    static final String AGRONA = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final int TOKEN = 0x1234;

    private Path wordFile;
    private Arena arena;
    private long word;

    @Setup
    public void map() throws IOException {
        arena = Arena.ofShared();
        wordFile = Path.of("/dev/shm", "ip-jmh-word-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (FileChannel channel = FileChannel.open(
                wordFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            word = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena).address();
        }
    }

    @TearDown
    public void unmap() throws IOException {
        arena.close();
        Files.delete(wordFile);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public boolean lockFloor() {
        long at = word;
        boolean held = true;
        for (int i = 0; i < BATCH; i++) {
            held &= INT.compareAndSet(EVERYTHING, at, 0, TOKEN);
            held &= INT.compareAndSet(EVERYTHING, at, TOKEN, 0);
        }
        return held;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public boolean lockAndStoreFloor() {
        long at = word;
        boolean held = true;
        for (int i = 0; i < BATCH; i++) {
            held &= INT.compareAndSet(EVERYTHING, at, 0, TOKEN);
            LONG.setVolatile(EVERYTHING, at + 128, (long) i);
            held &= INT.compareAndSet(EVERYTHING, at, TOKEN, 0);
        }
        return held;
    }

    /** A SharedQueue and an Agrona ring of {@link QueueBenchmark#CAPACITY} bytes, for one thread. */
    @State(Scope.Thread)
    public abstract static class Rings {
        long sink;
        SharedMemory memory;
        SharedQueue queue;
        final MemorySegment message = MemorySegment.ofArray(new byte[QueueTransport.MESSAGE_BYTES]);
        final SharedQueue.MessageHandler handler = bytes -> sink += bytes.get(JAVA_BYTE, 0);
        Path ringFile;
        OneToOneRingBuffer agrona;
        final UnsafeBuffer agronaMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(QueueTransport.MESSAGE_BYTES));
        final org.agrona.concurrent.MessageHandler agronaHandler =
                (type, buffer, index, length) -> sink += buffer.getByte(index);

        @Setup
        public void open() throws IOException {
            String pid = ProcessHandle.current().pid() + "-" + System.nanoTime();
            memory = SharedMemory.create("ip-jmh-queue-" + pid);
            queue = memory.sharedQueue("queue", QueueBenchmark.CAPACITY, QueueTransport.MESSAGE_BYTES);
            ringFile = Path.of("/dev/shm", "ip-jmh-agrona-" + pid);
            try (FileChannel channel = FileChannel.open(
                    ringFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long bytes = QueueBenchmark.CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
                agrona =
                        new OneToOneRingBuffer(new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes)));
            }
        }

        @TearDown
        public void close() throws IOException {
            memory.unlink();
            Files.delete(ringFile);
        }

        void empty() {
            queue.drain(handler, Integer.MAX_VALUE);
            agrona.read(agronaHandler, Integer.MAX_VALUE);
        }
    }

    /** The producers' side: both rings emptied before each invocation. */
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, AGRONA})
    public static class Producers extends Rings {
        @Setup(Level.Invocation)
        public void emptyBoth() {
            empty();
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public void put() throws InterruptedException {
            for (int i = 0; i < BATCH; i++) {
                queue.put(message);
            }
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public boolean agronaWrite() {
            boolean written = true;
            for (int i = 0; i < BATCH; i++) {
                written &= agrona.write(1, agronaMessage, 0, QueueTransport.MESSAGE_BYTES);
            }
            return written;
        }
    }

    /** The consumers' side: both rings filled with {@link #BATCH} messages before each invocation. */
    @Fork(
            value = 1,
            jvmArgsAppend = {NATIVE, AGRONA})
    public static class Consumers extends Rings {
        @Setup(Level.Invocation)
        public void fillBoth() {
            empty();
            for (int i = 0; i < BATCH; i++) {
                queue.offer(message);
                agrona.write(1, agronaMessage, 0, QueueTransport.MESSAGE_BYTES);
            }
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public long take() throws InterruptedException {
            long sum = 0;
            for (int i = 0; i < BATCH; i++) {
                sum += queue.take()[0];
            }
            return sum;
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public long read() {
            for (int i = 0; i < BATCH; i++) {
                queue.read(handler);
            }
            return sink;
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public int drain() {
            return queue.drain(handler, BATCH);
        }

        @Benchmark
        @BenchmarkMode(Mode.AverageTime)
        @OutputTimeUnit(TimeUnit.NANOSECONDS)
        @OperationsPerInvocation(BATCH)
        public int agronaRead() {
            return agrona.read(agronaHandler, BATCH);
        }
    }
}
