package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * Reads regions for tools without attaching to them: the snapshots of {@link SharedMemory#inspect} and
 * the scan of {@link SharedMemory#list}. Every offset comes from {@link RegionLayout}.
 */
final class RegionInspector {

    /** Array slots show this many elements, then how many there are. */
    private static final int ARRAY_ELEMENTS_SHOWN = 8;
    /** Slots of a type this version does not know show this many raw 32-bit words. */
    private static final int RAW_WORDS_SHOWN = 4;

    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int TOKEN_INDEX_MASK = (1 << RegionLayout.TOKEN_INDEX_BITS) - 1;
    private static final int TOKEN_GENERATION_MASK = (1 << RegionLayout.TOKEN_GENERATION_BITS) - 1;

    private RegionInspector() {}

    // ------------------------------------------------------------------------------------- list

    static List<RegionListing> list(RegionOptions options) {
        Path location = Path.of(options.location());
        List<String> names;
        try (Stream<Path> entries = Files.list(location)) {
            names = entries.filter(Files::isRegularFile)
                    .map(path -> path.getFileName().toString())
                    .filter(SharedMemory::isValidRegionName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the shared-memory objects in " + location, e);
        }
        List<RegionListing> found = new ArrayList<>();
        for (String name : names) {
            int version = storedLayoutVersion(name, options);
            if (version == RegionLayout.LAYOUT_VERSION) {
                try {
                    found.add(SharedMemory.inspect(name, options));
                } catch (RegionNotFoundException removedMeanwhile) {
                    // Removed between the scan and the inspection: it is gone, as if never listed.
                } catch (IncompatibleRegionException changedMeanwhile) {
                    found.add(new UnreadableRegion(name, fileSize(location, name), -1, changedMeanwhile.getMessage()));
                }
            } else if (version >= 0) {
                found.add(new UnreadableRegion(
                        name,
                        fileSize(location, name),
                        version,
                        "layout version " + version + "; this library reads layout version "
                                + RegionLayout.LAYOUT_VERSION));
            } else if (version == RegionLayout.E_NOTREADY) {
                found.add(new UnreadableRegion(
                        name,
                        fileSize(location, name),
                        -1,
                        "not ready: its creator is still " + "initialising it, or died doing so"));
            } else if (version == RegionLayout.E_CORRUPT) {
                found.add(new UnreadableRegion(
                        name, fileSize(location, name), -1, "its header contradicts itself or " + "the object's size"));
            }
            // Anything else is not an interproc region (IP_EMAGIC), vanished, or not ours to read: skipped.
        }
        return found;
    }

    /** The version in the object's header read with pread (never mapped), or a negative error code. */
    static int storedLayoutVersion(String name, RegionOptions options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dir = options.directory()
                    .map(p -> call.allocateFrom(p.toString()))
                    .orElse(MemorySegment.NULL);
            return Native.regionLayoutVersion(call.allocateFrom(name), dir);
        }
    }

    private static long fileSize(Path location, String name) {
        try {
            return Files.size(location.resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------- snapshot

    /** Reads a snapshot of a region opened for inspection. */
    static RegionInfo snapshot(SharedMemory region) {
        MemorySegment memory = region.mappedMemory();
        List<ProcessInfo> processes = processes(region, memory);
        List<SlotInfo> slots = new ArrayList<>();
        int count = (int) INT.getAcquire(memory, RegionLayout.HEADER_SLOT_COUNT_OFFSET);
        long directory = memory.get(JAVA_LONG, RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET);
        for (int i = 0; i < count; i++) {
            slots.add(slot(region, memory, directory + i * RegionLayout.SLOT_ENTRY_SIZE));
        }
        return new RegionInfo(
                region.name(),
                region.options().location(),
                memory.byteSize(),
                memory.get(JAVA_INT, RegionLayout.HEADER_LAYOUT_VERSION_OFFSET),
                memory.get(JAVA_INT, RegionLayout.HEADER_CREATOR_PID_OFFSET),
                memory.get(JAVA_LONG, RegionLayout.HEADER_CREATOR_START_TIME_OFFSET),
                Instant.ofEpochMilli(memory.get(JAVA_LONG, RegionLayout.HEADER_CREATED_UNIX_MS_OFFSET)),
                memory.get(JAVA_INT, RegionLayout.HEADER_MAX_PROCESSES_OFFSET),
                memory.get(JAVA_INT, RegionLayout.HEADER_MAX_SLOTS_OFFSET),
                processes,
                slots);
    }

    private static List<ProcessInfo> processes(SharedMemory region, MemorySegment memory) {
        int max = memory.get(JAVA_INT, RegionLayout.HEADER_MAX_PROCESSES_OFFSET);
        long table = memory.get(JAVA_LONG, RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET);
        List<ProcessInfo> attached = new ArrayList<>();
        for (int index = 0; index < max; index++) {
            long entry = table + index * RegionLayout.PROCESS_ENTRY_SIZE;
            if ((int) INT.getAcquire(memory, entry + RegionLayout.PROCESS_STATE_OFFSET)
                    != RegionLayout.PROCESS_ATTACHED) {
                continue;
            }
            int generation = (int) INT.getVolatile(memory, entry + RegionLayout.PROCESS_GENERATION_OFFSET);
            int token = ((generation & TOKEN_GENERATION_MASK) << RegionLayout.TOKEN_INDEX_BITS) | (index + 1);
            attached.add(new ProcessInfo(
                    index,
                    memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET),
                    memory.get(JAVA_LONG, entry + RegionLayout.PROCESS_START_TIME_OFFSET),
                    region.ownerAlive(token)));
        }
        return attached;
    }

    private static SlotInfo slot(SharedMemory region, MemorySegment memory, long entry) {
        String name = memory.getString(entry + RegionLayout.SLOT_NAME_OFFSET);
        int type = memory.get(JAVA_INT, entry + RegionLayout.SLOT_TYPE_OFFSET);
        long size = memory.get(JAVA_LONG, entry + RegionLayout.SLOT_SIZE_OFFSET);
        MemorySegment value;
        try {
            value = memory.asSlice(memory.get(JAVA_LONG, entry + RegionLayout.SLOT_VALUE_OFFSET_OFFSET), size);
        } catch (IndexOutOfBoundsException corrupt) {
            return new SlotInfo(
                    name,
                    Errors.typeName(type),
                    size,
                    "unreadable: the directory places it outside the" + " region",
                    null);
        }
        try {
            return typedSlot(region, memory, entry, name, type, size, value);
        } catch (IndexOutOfBoundsException corrupt) {
            return new SlotInfo(
                    name,
                    Errors.typeName(type),
                    size,
                    "unreadable: " + size + " bytes are too few for" + " its type; " + rawWords(value),
                    null);
        }
    }

    private static SlotInfo typedSlot(
            SharedMemory region,
            MemorySegment memory,
            long entry,
            String name,
            int type,
            long size,
            MemorySegment value) {
        if (type == RegionLayout.TYPE_INT32) {
            return new SlotInfo(name, "SharedInt", size, String.valueOf((int) INT.getVolatile(value, 0L)), null);
        } else if (type == RegionLayout.TYPE_INT64) {
            return new SlotInfo(name, "SharedLong", size, String.valueOf((long) LONG.getVolatile(value, 0L)), null);
        } else if (type == RegionLayout.TYPE_FLOAT64) {
            return new SlotInfo(
                    name,
                    "SharedDouble",
                    size,
                    String.valueOf(Double.longBitsToDouble((long) LONG.getVolatile(value, 0L))),
                    null);
        } else if (type == RegionLayout.TYPE_INT32_ARRAY) {
            return new SlotInfo(name, "SharedIntArray", size, array(value, Integer.BYTES), null);
        } else if (type == RegionLayout.TYPE_INT64_ARRAY) {
            return new SlotInfo(name, "SharedLongArray", size, array(value, Long.BYTES), null);
        } else if (type == RegionLayout.TYPE_ENUM) {
            long metaOffset = memory.get(JAVA_LONG, entry + RegionLayout.SLOT_META_OFFSET_OFFSET);
            int metaLength = memory.get(JAVA_INT, entry + RegionLayout.SLOT_META_LENGTH_OFFSET);
            String descriptor =
                    new String(memory.asSlice(metaOffset, metaLength).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            return enumSlot(name, size, descriptor, (int) INT.getVolatile(value, 0L));
        } else if (type == RegionLayout.TYPE_LOCK || type == RegionLayout.TYPE_RLOCK) {
            LockInfo lock = lock(region, memory, value);
            return new SlotInfo(name, Errors.typeName(type), size, lock.describe(), lock);
        } else if (type == RegionLayout.TYPE_CONDITION
                || type == RegionLayout.TYPE_SEMAPHORE
                || type == RegionLayout.TYPE_EVENT
                || type == RegionLayout.TYPE_BARRIER) {
            IntFields fields = new IntFields(region, value);
            String state = type == RegionLayout.TYPE_CONDITION
                    ? SharedCondition.describe(fields)
                    : type == RegionLayout.TYPE_SEMAPHORE
                            ? SharedSemaphore.describe(fields)
                            : type == RegionLayout.TYPE_EVENT
                                    ? SharedEvent.describe(fields)
                                    : SharedBarrier.describe(fields);
            return new SlotInfo(name, Errors.typeName(type), size, state, null);
        }
        return new SlotInfo(name, Errors.typeName(type), size, rawWords(value), null);
    }

    /** Renders an enum slot by the constant names of the descriptor it stores: "enum CLASS\nNAME=code\n...". */
    private static SlotInfo enumSlot(String name, long size, String descriptor, int code) {
        EnumCodes.Stored stored = EnumCodes.Stored.parse(descriptor);
        String constant = stored.codes().entrySet().stream()
                .filter(e -> e.getValue() == code)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        return new SlotInfo(
                name,
                "SharedEnum<" + stored.className() + ">",
                size,
                constant != null ? constant : "unknown code " + code,
                null);
    }

    private static LockInfo lock(SharedMemory region, MemorySegment memory, MemorySegment value) {
        int word = (int) INT.getVolatile(value, 0L);
        long fence = (long) LONG.getVolatile(value, (long) RegionLayout.LOCK_FENCE_OFFSET);
        boolean waiters = (word & RegionLayout.LOCK_WAITERS) != 0;
        int token = word & ~RegionLayout.LOCK_WAITERS;
        if (token == 0) {
            return new LockInfo(LockInfo.State.FREE, 0, waiters, fence);
        }
        boolean alive = region.ownerAlive(token);
        return new LockInfo(
                alive ? LockInfo.State.HELD : LockInfo.State.OWNER_DEAD, holderPid(memory, token), waiters, fence);
    }

    /**
     * The pid recorded in the process-table entry an owner token names, or 0 when the entry no longer
     * belongs to that owner (freed, or reused by a later process with another generation).
     */
    private static int holderPid(MemorySegment memory, int token) {
        int index = (token & TOKEN_INDEX_MASK) - 1;
        int max = memory.get(JAVA_INT, RegionLayout.HEADER_MAX_PROCESSES_OFFSET);
        if (index < 0 || index >= max) {
            return 0;
        }
        long entry = memory.get(JAVA_LONG, RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET)
                + index * RegionLayout.PROCESS_ENTRY_SIZE;
        int generation = (int) INT.getVolatile(memory, entry + RegionLayout.PROCESS_GENERATION_OFFSET);
        boolean sameOwner =
                (int) INT.getAcquire(memory, entry + RegionLayout.PROCESS_STATE_OFFSET) == RegionLayout.PROCESS_ATTACHED
                        && (generation & TOKEN_GENERATION_MASK) == token >>> RegionLayout.TOKEN_INDEX_BITS;
        return sameOwner ? memory.get(JAVA_INT, entry + RegionLayout.PROCESS_PID_OFFSET) : 0;
    }

    private static String array(MemorySegment value, int elementBytes) {
        long length = value.byteSize() / elementBytes;
        StringJoiner shown = new StringJoiner(", ", "[", "");
        for (long i = 0; i < Math.min(length, ARRAY_ELEMENTS_SHOWN); i++) {
            shown.add(
                    elementBytes == Integer.BYTES
                            ? String.valueOf((int) INT.getVolatile(value, i * elementBytes))
                            : String.valueOf((long) LONG.getVolatile(value, i * elementBytes)));
        }
        return shown + (length > ARRAY_ELEMENTS_SHOWN ? ", ... (" + length + " elements)]" : "]");
    }

    private static String rawWords(MemorySegment value) {
        StringJoiner words = new StringJoiner(", ", "words [", "]");
        for (long i = 0; i < Math.min(value.byteSize() / Integer.BYTES, RAW_WORDS_SHOWN); i++) {
            words.add(String.valueOf((int) INT.getVolatile(value, i * Integer.BYTES)));
        }
        return words.toString();
    }
}
