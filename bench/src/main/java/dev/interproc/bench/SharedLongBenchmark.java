package dev.interproc.bench;

import dev.interproc.SharedLong;
import dev.interproc.SharedMemory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SharedLong operations by one thread (uncontended), in nanoseconds per operation, beside the same
 * operations on a heap {@link AtomicLong} as the in-JVM reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class SharedLongBenchmark {

    private SharedMemory memory;
    private SharedLong shared;
    private final AtomicLong heap = new AtomicLong();
    private long next;

    @Setup
    public void open() {
        memory = SharedMemory.create("ip-jmh-" + ProcessHandle.current().pid());
        shared = memory.sharedLong("word");
    }

    @TearDown
    public void remove() {
        memory.unlink();
    }

    @Benchmark
    public long sharedGet() {
        return shared.get();
    }

    @Benchmark
    public void sharedSet() {
        shared.set(next++);
    }

    @Benchmark
    public long sharedGetAndAdd() {
        return shared.getAndAdd(1);
    }

    /** Uncontended, so it always succeeds: the thread knows the current value. */
    @Benchmark
    public boolean sharedCompareAndSet() {
        return shared.compareAndSet(next, ++next);
    }

    @Benchmark
    public long heapGet() {
        return heap.get();
    }

    @Benchmark
    public void heapSet() {
        heap.set(next++);
    }

    @Benchmark
    public long heapGetAndAdd() {
        return heap.getAndAdd(1);
    }

    @Benchmark
    public boolean heapCompareAndSet() {
        return heap.compareAndSet(next, ++next);
    }
}
