package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Writes into a region's slots and directory by walking it in a separate file mapping: how a foreign, buggy or
 * hostile writer would.
 */
final class RawSlotWriter {

    private RawSlotWriter() {}

    static void writeInt(String region, String slot, int value) {
        editEntry(
                region,
                slot,
                (memory, entry) -> memory.set(
                        JAVA_INT, memory.get(JAVA_LONG, entry + RegionLayout.SLOT_VALUE_OFFSET_OFFSET), value));
    }

    /** Overwrites the size the directory records for the slot, as a corrupt or hostile writer could. */
    static void writeRecordedSize(String region, String slot, long size) {
        editEntry(region, slot, (memory, entry) -> memory.set(JAVA_LONG, entry + RegionLayout.SLOT_SIZE_OFFSET, size));
    }

    /** Overwrites the offset the directory records for the slot's value. */
    static void writeRecordedOffset(String region, String slot, long offset) {
        editEntry(
                region,
                slot,
                (memory, entry) -> memory.set(JAVA_LONG, entry + RegionLayout.SLOT_VALUE_OFFSET_OFFSET, offset));
    }

    /** Overwrites the 32-bit header field at {@code offset} (a {@code RegionLayout.HEADER_*_OFFSET}). */
    static void writeHeaderInt(String region, long offset, int value) {
        editMapping(region, memory -> memory.set(JAVA_INT, offset, value));
    }

    private static void editEntry(String region, String slot, BiConsumer<MemorySegment, Long> edit) {
        editMapping(region, memory -> {
            long directory = memory.get(JAVA_LONG, RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET);
            int count = memory.get(JAVA_INT, RegionLayout.HEADER_SLOT_COUNT_OFFSET);
            for (int i = 0; i < count; i++) {
                long entry = directory + i * RegionLayout.SLOT_ENTRY_SIZE;
                if (memory.getString(entry + RegionLayout.SLOT_NAME_OFFSET).equals(slot)) {
                    edit.accept(memory, entry);
                    return;
                }
            }
            throw new IllegalArgumentException("no slot " + slot + " in " + region);
        });
    }

    private static void editMapping(String region, Consumer<MemorySegment> edit) {
        editFile(Path.of("/dev/shm", region), edit);
    }

    /**
     * Maps the whole region file {@code file} (in /dev/shm or a directory of {@link RegionOptions#withDirectory})
     * read-write and lets {@code edit} change any of its bytes.
     */
    static void editFile(Path file, Consumer<MemorySegment> edit) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                Arena arena = Arena.ofConfined()) {
            edit.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
