package dev.interproc.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.SharedLong;
import dev.interproc.SharedMemory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What an atomic access to shared memory costs from Java along each possible path, in loops shaped like the C
 * baseline's (bench/baselines/atomics_baseline.c: {@value #BATCH} operations per invocation), to tell the price
 * of SharedLong's safety checks from the floor of the Foreign Function &amp; Memory API:
 * <ul>
 *   <li>{@code api}: {@link SharedLong}, a VarHandle on its slot's segment of the region's shared arena: bounds,
 *       alignment and liveness checks on every access (a closed region throws instead of crashing);
 *   <li>{@code everythingSegmentField}: a VarHandle on one global segment spanning all memory, at an address
 *       read from a field, as a handle object would hold it: alignment and bounds checks only, and nothing
 *       stops an access after the memory is unmapped (a crash), which is why SharedLong does not do this;
 *   <li>{@code everythingSegmentRegister}: the same with the address in a local variable, the best case.
 * </ul>
 * All three work on a word of a POSIX shared-memory mapping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class AccessPathBenchmark {

    static final int BATCH = 4096;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private SharedMemory memory;
    private SharedLong shared;
    private Path mappedFile;
    private Arena arena;
    private long address;

    @Setup
    public void open() throws IOException {
        memory = SharedMemory.create("ip-jmh-path-" + ProcessHandle.current().pid());
        shared = memory.sharedLong("word");
        mappedFile = Path.of("/dev/shm", "ip-jmh-path-raw-" + ProcessHandle.current().pid());
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(mappedFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            address = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena).address() + 64;
        }
    }

    @TearDown
    public void close() throws IOException {
        memory.unlink();
        arena.close();
        Files.delete(mappedFile);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getApi() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += shared.get();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getEverythingSegmentField() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getVolatile(EVERYTHING, address);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getEverythingSegmentRegister() {
        long at = address;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getVolatile(EVERYTHING, at);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getAndAddApi() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += shared.getAndAdd(1);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getAndAddEverythingSegmentField() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getAndAdd(EVERYTHING, address, 1L);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getAndAddEverythingSegmentRegister() {
        long at = address;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getAndAdd(EVERYTHING, at, 1L);
        }
        return sum;
    }
}
