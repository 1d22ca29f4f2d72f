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
 *   <li>{@code api}: {@link SharedLong}: since 2026-11-23 a VarHandle on one global segment spanning all memory
 *       at the address its object holds, re-read after the access (a closed region throws instead of crashing;
 *       before, a VarHandle on its slot's segment of the region's shared arena);
 *   <li>{@code everythingSegmentField}: a VarHandle on one global segment spanning all memory, at an address
 *       read from a field of the benchmark's state, with no closed check at all;
 *   <li>{@code getAndAddFinalField}, {@code getAndAddRecordComponent}: the same at an address held by a handle
 *       object in a {@code final} field or a record component, which the JIT might have treated as constant
 *       across the loop (it does not: both cost what a plain field does);
 *   <li>{@code everythingSegmentRegister}: the same with the address in a local variable, the best case.
 * </ul>
 * All work on a word of a POSIX shared-memory mapping.
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
    private FinalAddress finalAddress;
    private RecordAddress recordAddress;

    @Setup
    public void open() throws IOException {
        memory = SharedMemory.create("ip-jmh-path-" + ProcessHandle.current().pid());
        shared = memory.sharedLong("word");
        mappedFile =
                Path.of("/dev/shm", "ip-jmh-path-raw-" + ProcessHandle.current().pid());
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(
                mappedFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            address =
                    channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena).address() + 64;
        }
        finalAddress = new FinalAddress(address);
        recordAddress = new RecordAddress(address);
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

    /** A handle object holding the address in a final field. */
    static final class FinalAddress {
        final long address;

        FinalAddress(long address) {
            this.address = address;
        }
    }

    /** A handle object holding the address as a record component (whose fields HotSpot trusts as final). */
    record RecordAddress(long address) {}

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getAndAddFinalField() {
        FinalAddress handle = finalAddress;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getAndAdd(EVERYTHING, handle.address, 1L);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long getAndAddRecordComponent() {
        RecordAddress handle = recordAddress;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += (long) LONG.getAndAdd(EVERYTHING, handle.address(), 1L);
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
