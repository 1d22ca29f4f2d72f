package dev.interproc.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The FFM bindings of libinterproc: one downcall handle per function of native/include/interproc.h
 * and of its test hooks, native/include/interproc_debug.h, in jextract's shape, and nothing else. Callers check arguments and state before calling; these
 * methods return the C function's result unchanged (0 or a negative error code that {@link #strerror} explains).
 *
 * <p>Functions that can block (they take the directory mutex or wait for a region) are linked
 * without {@link Linker.Option#critical}, so a blocked call never stalls the garbage collector.
 */
public final class Native {

    private static final Map<String, FunctionDescriptor> DESCRIPTORS = new LinkedHashMap<>();

    private static final MethodHandle IP_STRERROR = bind("ip_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), true);
    private static final MethodHandle IP_LAYOUT_VALUE =
            bind("ip_layout_value", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), true);
    private static final MethodHandle IP_REGION_CREATE = bind(
            "ip_region_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
            false);
    private static final MethodHandle IP_REGION_OPEN =
            bind("ip_region_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS), false);
    private static final MethodHandle IP_REGION_OPEN_OR_CREATE = bind(
            "ip_region_open_or_create",
            FunctionDescriptor.of(
                    JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
            false);
    private static final MethodHandle IP_REGION_INSPECT =
            bind("ip_region_inspect", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS), false);
    private static final MethodHandle IP_REGION_CLOSE =
            bind("ip_region_close", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle IP_REGION_CLOSE_RESERVING =
            bind("ip_region_close_reserving", FunctionDescriptor.of(JAVA_INT, ADDRESS), false);
    private static final MethodHandle IP_RANGE_RELEASE =
            bind("ip_range_release", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), false);
    private static final MethodHandle IP_REGION_UNLINK =
            bind("ip_region_unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle IP_REGION_UNLINK_IF_SAME =
            bind("ip_region_unlink_if_same", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), false);
    private static final MethodHandle IP_REGION_LAYOUT_VERSION =
            bind("ip_region_layout_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle IP_REGION_BASE =
            bind("ip_region_base", FunctionDescriptor.of(ADDRESS, ADDRESS), true);
    private static final MethodHandle IP_REGION_SIZE =
            bind("ip_region_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS), true);
    private static final MethodHandle IP_REGION_PROCESS_INDEX =
            bind("ip_region_process_index", FunctionDescriptor.of(JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_REGION_RECLAIMED =
            bind("ip_region_reclaimed", FunctionDescriptor.of(JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_PROCESS_ALIVE =
            bind("ip_process_alive", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), false);
    private static final MethodHandle IP_SLOT_ENSURE = bind(
            "ip_slot_ensure",
            FunctionDescriptor.of(
                    JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS,
                    ADDRESS),
            false);
    private static final MethodHandle IP_SLOT_FIND =
            bind("ip_slot_find", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), true);
    private static final MethodHandle IP_SLOT_ADDRESS =
            bind("ip_slot_address", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), true);
    private static final MethodHandle IP_SLOT_COUNT =
            bind("ip_slot_count", FunctionDescriptor.of(JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_SLOT_ENTRY_COPY =
            bind("ip_slot_entry_copy", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_REGION_CHECK =
            bind("ip_region_check", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), false);
    private static final MethodHandle IP_REGION_CHECK_OBJECT = bind(
            "ip_region_check_object", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG), false);
    private static final MethodHandle IP_REGION_MAX_PROCESSES =
            bind("ip_region_max_processes", FunctionDescriptor.of(JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_REGION_PROCESS_TABLE_OFFSET =
            bind("ip_region_process_table_offset", FunctionDescriptor.of(JAVA_LONG, ADDRESS), true);
    private static final MethodHandle IP_REGION_OWNER_TOKEN =
            bind("ip_region_owner_token", FunctionDescriptor.of(JAVA_INT, ADDRESS), true);
    private static final MethodHandle IP_OWNER_ALIVE =
            bind("ip_owner_alive", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle IP_FUTEX_WAIT =
            bind("ip_futex_wait", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), false);
    private static final MethodHandle IP_FUTEX_WAKE =
            bind("ip_futex_wake", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle IP_LOCK_ACQUIRE =
            bind("ip_lock_acquire", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), false);
    private static final MethodHandle IP_LOCK_RELEASE =
            bind("ip_lock_release", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle IP_DEBUG_SET_DIRECTORY_PAUSE =
            bind("ip_debug_set_directory_pause", FunctionDescriptor.ofVoid(JAVA_INT), true);

    private Native() {}

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, boolean critical) {
        MemorySegment symbol = NativeLibrary.lookup()
                .find(name)
                .orElseThrow(() -> new IllegalStateException(
                        "libinterproc has no function " + name + ": the loaded library is older than these bindings"));
        DESCRIPTORS.put(name, descriptor);
        Linker.Option[] options = critical ? new Linker.Option[] {Linker.Option.critical(false)} : new Linker.Option[0];
        return Linker.nativeLinker().downcallHandle(symbol, descriptor, options);
    }

    /** The bound functions and their descriptors, in declaration order (for the binding test). */
    public static Map<String, FunctionDescriptor> descriptors() {
        return Collections.unmodifiableMap(DESCRIPTORS);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a native downcall", t);
    }

    /** The explanation of an error code. */
    public static String strerror(int code) {
        try {
            return ((MemorySegment) IP_STRERROR.invokeExact(code))
                    .reinterpret(Long.MAX_VALUE)
                    .getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int layoutValue(MemorySegment key, MemorySegment value) {
        try {
            return (int) IP_LAYOUT_VALUE.invokeExact(key, value);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionCreate(
            MemorySegment name,
            MemorySegment dir,
            long size,
            int mode,
            int maxSlots,
            int maxProcesses,
            MemorySegment out) {
        try {
            return (int) IP_REGION_CREATE.invokeExact(name, dir, size, mode, maxSlots, maxProcesses, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionOpen(MemorySegment name, MemorySegment dir, int timeoutMs, MemorySegment out) {
        try {
            return (int) IP_REGION_OPEN.invokeExact(name, dir, timeoutMs, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionOpenOrCreate(
            MemorySegment name,
            MemorySegment dir,
            long size,
            int mode,
            int maxSlots,
            int maxProcesses,
            int timeoutMs,
            MemorySegment out,
            MemorySegment created) {
        try {
            return (int) IP_REGION_OPEN_OR_CREATE.invokeExact(
                    name, dir, size, mode, maxSlots, maxProcesses, timeoutMs, out, created);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionInspect(MemorySegment name, MemorySegment dir, int timeoutMs, MemorySegment out) {
        try {
            return (int) IP_REGION_INSPECT.invokeExact(name, dir, timeoutMs, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionClose(MemorySegment region) {
        try {
            return (int) IP_REGION_CLOSE.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionCloseReserving(MemorySegment region) {
        try {
            return (int) IP_REGION_CLOSE_RESERVING.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int rangeRelease(MemorySegment base, long size) {
        try {
            return (int) IP_RANGE_RELEASE.invokeExact(base, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionUnlink(MemorySegment name, MemorySegment dir) {
        try {
            return (int) IP_REGION_UNLINK.invokeExact(name, dir);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionUnlinkIfSame(MemorySegment region, MemorySegment name, MemorySegment dir) {
        try {
            return (int) IP_REGION_UNLINK_IF_SAME.invokeExact(region, name, dir);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionLayoutVersion(MemorySegment name, MemorySegment dir) {
        try {
            return (int) IP_REGION_LAYOUT_VERSION.invokeExact(name, dir);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment regionBase(MemorySegment region) {
        try {
            return (MemorySegment) IP_REGION_BASE.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long regionSize(MemorySegment region) {
        try {
            return (long) IP_REGION_SIZE.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionProcessIndex(MemorySegment region) {
        try {
            return (int) IP_REGION_PROCESS_INDEX.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionReclaimed(MemorySegment region) {
        try {
            return (int) IP_REGION_RECLAIMED.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int processAlive(MemorySegment region, int index) {
        try {
            return (int) IP_PROCESS_ALIVE.invokeExact(region, index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int slotEnsure(
            MemorySegment region,
            MemorySegment name,
            int type,
            long size,
            MemorySegment meta,
            int metaLength,
            MemorySegment init,
            long initLength,
            MemorySegment index,
            MemorySegment created) {
        try {
            return (int) IP_SLOT_ENSURE.invokeExact(
                    region, name, type, size, meta, metaLength, init, initLength, index, created);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int slotFind(MemorySegment region, MemorySegment name, MemorySegment index) {
        try {
            return (int) IP_SLOT_FIND.invokeExact(region, name, index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static MemorySegment slotAddress(MemorySegment region, int index) {
        try {
            return (MemorySegment) IP_SLOT_ADDRESS.invokeExact(region, index);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int slotCount(MemorySegment region) {
        try {
            return (int) IP_SLOT_COUNT.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int slotEntryCopy(MemorySegment region, int index, MemorySegment out) {
        try {
            return (int) IP_SLOT_ENTRY_COPY.invokeExact(region, index, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionCheck(MemorySegment region, MemorySegment text, long capacity) {
        try {
            return (int) IP_REGION_CHECK.invokeExact(region, text, capacity);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionCheckObject(MemorySegment name, MemorySegment dir, MemorySegment text, long capacity) {
        try {
            return (int) IP_REGION_CHECK_OBJECT.invokeExact(name, dir, text, capacity);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionMaxProcesses(MemorySegment region) {
        try {
            return (int) IP_REGION_MAX_PROCESSES.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long regionProcessTableOffset(MemorySegment region) {
        try {
            return (long) IP_REGION_PROCESS_TABLE_OFFSET.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int regionOwnerToken(MemorySegment region) {
        try {
            return (int) IP_REGION_OWNER_TOKEN.invokeExact(region);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ownerAlive(MemorySegment region, int token) {
        try {
            return (int) IP_OWNER_ALIVE.invokeExact(region, token);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks the calling carrier: virtual threads call it through {@code internal.wait.FutexWaits}, off their carrier. */
    public static int futexWait(MemorySegment word, int expected, long timeoutNanos) {
        try {
            return (int) IP_FUTEX_WAIT.invokeExact(word, expected, timeoutNanos);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int futexWake(MemorySegment word, int count) {
        try {
            return (int) IP_FUTEX_WAKE.invokeExact(word, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int lockAcquire(MemorySegment region, MemorySegment word, long timeoutNanos, MemorySegment fence) {
        try {
            return (int) IP_LOCK_ACQUIRE.invokeExact(region, word, timeoutNanos, fence);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int lockRelease(MemorySegment region, MemorySegment word) {
        try {
            return (int) IP_LOCK_RELEASE.invokeExact(region, word);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Test hook: see ip_debug_set_directory_pause in interproc_debug.h. */
    public static void debugSetDirectoryPause(int ms) {
        try {
            IP_DEBUG_SET_DIRECTORY_PAUSE.invokeExact(ms);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads one layout value ("offsetof.ip_header.state", "const.IP_TYPE_INT64", ...); fails on an unknown key. */
    public static long layout(String key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            int rc = layoutValue(arena.allocateFrom(key), value);
            if (rc != 0) {
                throw new IllegalStateException("libinterproc does not know the layout key '" + key + "' ("
                        + strerror(rc) + "): the loaded library does not match these bindings");
            }
            return value.get(JAVA_LONG, 0);
        }
    }
}
