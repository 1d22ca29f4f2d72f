package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The bytes of a region file at one moment, with where its parts lie as a healthy header and directory say
 * (docs/layout.md): what {@link RegionCorruptionTest} corrupts, and compares with the bytes after a process used the
 * region.
 *
 * @param bytes the whole file
 * @param entries the published directory entries, in directory order
 */
record RegionImage(byte[] bytes, List<Entry> entries) {

    /** Offset of {@code directory_mutex} in the header. */
    static final long DIRECTORY_MUTEX_OFFSET = Native.layout("offsetof.ip_header.directory_mutex");

    /** Offset of {@code liveness} in a process-table entry. */
    static final long LIVENESS_OFFSET = Native.layout("offsetof.ip_process_entry.liveness");

    /** Bytes of a {@code pthread_mutex_t}: {@code liveness} is followed by the entry's {@code state}. */
    static final long MUTEX_SIZE = RegionLayout.PROCESS_STATE_OFFSET - LIVENESS_OFFSET;

    /** A published directory entry: {@code at} is the entry's own offset, the others its fields. */
    record Entry(String name, long at, int type, long offset, long size, long metaOffset, int metaLength) {}

    /** Reads the file of a healthy region. */
    static RegionImage read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MemorySegment memory = MemorySegment.ofArray(bytes);
        long directory = memory.get(JAVA_LONG_UNALIGNED, RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET);
        int count = memory.get(JAVA_INT_UNALIGNED, RegionLayout.HEADER_SLOT_COUNT_OFFSET);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = directory + i * RegionLayout.SLOT_ENTRY_SIZE;
            entries.add(new Entry(
                    memory.getString(at + RegionLayout.SLOT_NAME_OFFSET),
                    at,
                    memory.get(JAVA_INT_UNALIGNED, at + RegionLayout.SLOT_TYPE_OFFSET),
                    memory.get(JAVA_LONG_UNALIGNED, at + RegionLayout.SLOT_VALUE_OFFSET_OFFSET),
                    memory.get(JAVA_LONG_UNALIGNED, at + RegionLayout.SLOT_SIZE_OFFSET),
                    memory.get(JAVA_LONG_UNALIGNED, at + RegionLayout.SLOT_META_OFFSET_OFFSET),
                    memory.get(JAVA_INT_UNALIGNED, at + RegionLayout.SLOT_META_LENGTH_OFFSET)));
        }
        return new RegionImage(bytes, List.copyOf(entries));
    }

    /** The 64-bit field at {@code offset}. */
    long longAt(long offset) {
        return MemorySegment.ofArray(bytes).get(JAVA_LONG_UNALIGNED, offset);
    }

    /** The 32-bit field at {@code offset}. */
    int intAt(long offset) {
        return MemorySegment.ofArray(bytes).get(JAVA_INT_UNALIGNED, offset);
    }

    long size() {
        return bytes.length;
    }

    /** The offset of process-table entry {@code index}. */
    long processEntry(int index) {
        return longAt(RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET) + index * RegionLayout.PROCESS_ENTRY_SIZE;
    }

    /** The index of the first process-table entry whose {@code state} is attached. */
    int attachedEntry() {
        return IntStream.range(0, intAt(RegionLayout.HEADER_MAX_PROCESSES_OFFSET))
                .filter(i ->
                        intAt(processEntry(i) + RegionLayout.PROCESS_STATE_OFFSET) == RegionLayout.PROCESS_ATTACHED)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no attached process-table entry"));
    }

    /** The published entry of the slot {@code name}. */
    Entry entry(String name) {
        return entries.stream()
                .filter(entry -> entry.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no slot " + name));
    }

    /**
     * The bytes that a process may change when it opens the region, uses every slot and closes it again: the
     * process table, {@code directory_mutex} and the slots' values; and, if {@code created} (it created a slot),
     * also {@code data_top}, {@code slot_count}, the unused directory entries and the free data area. A
     * {@code slotCountNow} below this image's count un-publishes the entries above it, which the protocol then
     * lets the next creation reuse (docs/layout.md, "Damaged regions": a lower count is a valid one).
     */
    BitSet writable(boolean created, int slotCountNow) {
        BitSet writable = new BitSet(bytes.length);
        long table = processEntry(0);
        writable.set((int) table, (int)
                (table + intAt(RegionLayout.HEADER_MAX_PROCESSES_OFFSET) * RegionLayout.PROCESS_ENTRY_SIZE));
        writable.set((int) DIRECTORY_MUTEX_OFFSET, (int) (DIRECTORY_MUTEX_OFFSET + MUTEX_SIZE));
        for (Entry entry : entries) {
            writable.set((int) entry.offset(), (int) (entry.offset() + entry.size()));
        }
        if (created) {
            writable.set(
                    (int) RegionLayout.HEADER_DATA_TOP_OFFSET,
                    (int) RegionLayout.HEADER_SLOT_COUNT_OFFSET + Integer.BYTES);
            long directory = longAt(RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET);
            int published = slotCountNow >= 0 && slotCountNow < entries.size() ? slotCountNow : entries.size();
            writable.set((int) (directory + published * RegionLayout.SLOT_ENTRY_SIZE), (int)
                    (directory + intAt(RegionLayout.HEADER_MAX_SLOTS_OFFSET) * RegionLayout.SLOT_ENTRY_SIZE));
            writable.set((int) longAt(RegionLayout.HEADER_DATA_TOP_OFFSET), bytes.length);
        }
        return writable;
    }

    /**
     * The byte ranges in which {@code after} differs from {@code before} outside {@code writable}, each described by
     * the part of this (healthy) region it lies in; empty if there are none.
     */
    List<String> changesOutside(byte[] before, byte[] after, BitSet writable) {
        List<String> changes = new ArrayList<>();
        if (after.length != before.length) {
            changes.add("the file's length changed from " + before.length + " to " + after.length);
        }
        int length = Math.min(after.length, before.length);
        for (int i = 0; i < length; i++) {
            if (after[i] != before[i] && !writable.get(i)) {
                int end = i;
                while (end < length && after[end] != before[end] && !writable.get(end)) {
                    end++;
                }
                changes.add("bytes " + i + ".." + (end - 1) + " (" + partAt(i) + ")");
                i = end;
            }
        }
        return changes;
    }

    /** The part of the region that byte {@code offset} belongs to, in docs/layout.md's words. */
    String partAt(long offset) {
        if (offset < RegionLayout.HEADER_SIZE) {
            return "header";
        }
        if (offset < longAt(RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET)) {
            return "process table";
        }
        for (Entry entry : entries) {
            if (offset >= entry.at() && offset < entry.at() + RegionLayout.SLOT_ENTRY_SIZE) {
                return "directory entry of " + entry.name();
            }
            if (offset >= entry.offset() && offset < entry.offset() + entry.size()) {
                return "value of " + entry.name();
            }
            if (offset >= entry.metaOffset() && offset < entry.metaOffset() + entry.metaLength()) {
                return "metadata of " + entry.name();
            }
        }
        if (offset < longAt(RegionLayout.HEADER_DATA_OFFSET_OFFSET)) {
            return "unused directory entries";
        }
        return "data area";
    }
}
