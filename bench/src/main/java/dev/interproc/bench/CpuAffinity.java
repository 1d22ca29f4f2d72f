package dev.interproc.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with Linux's sched_setaffinity, as the C baseline pins its
 * processes: two contending processes then always run on two different CPUs, instead of sometimes
 * taking turns on one (which hides the cost of moving the cache line between them).
 */
final class CpuAffinity {

    private static final MethodHandle SCHED_SETAFFINITY = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker()
                            .defaultLookup()
                            .find("sched_setaffinity")
                            .orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private CpuAffinity() {}

    /** Pins the calling thread to CPU {@code cpu} (0 to 63). */
    static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu > 63) {
            throw new IllegalArgumentException("cpu must be 0 to 63, was " + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(JAVA_LONG);
            mask.set(JAVA_LONG, 0, 1L << cpu);
            int rc = (int) SCHED_SETAFFINITY.invokeExact(0, JAVA_LONG.byteSize(), mask);
            if (rc != 0) {
                throw new IllegalStateException("sched_setaffinity to CPU " + cpu + " failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
