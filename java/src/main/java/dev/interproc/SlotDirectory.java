package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The region's directory of named slots, as the Java side uses it: find a slot or create it atomically across
 * processes ({@code ip_slot_ensure}), read what a slot was created with, and list the slots. The directory's
 * bytes and its protocol are specified in docs/layout.md, "Slot directory"; every offset comes from
 * {@link RegionLayout}.
 */
final class SlotDirectory {

    private static final Pattern SLOT_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,63}");
    private static final byte[] NO_META = new byte[0];

    /**
     * What a slot of one type and shape is created with: its size, its type metadata (compared byte for byte
     * by every later opener), and the initial bytes its creator writes before publishing it.
     */
    record Spec(SlotType type, long size, byte[] meta, long initLength, Consumer<MemorySegment> initializer) {

        /** A slot created zeroed, without metadata. */
        static Spec zeroed(SlotType type, long size) {
            return new Spec(type, size, NO_META, 0, init -> {});
        }

        /** A slot without metadata whose first {@code initLength} bytes {@code initializer} writes. */
        static Spec initialised(SlotType type, long size, long initLength, Consumer<MemorySegment> initializer) {
            return new Spec(type, size, NO_META, initLength, initializer);
        }

        /** As {@link #initialised}, with text metadata every opener must repeat exactly. */
        Spec withMeta(String text) {
            return new Spec(type, size, text.getBytes(StandardCharsets.UTF_8), initLength, initializer);
        }
    }

    /**
     * A directory entry as stored, for tools; {@code value} is null where it lies outside the region, and
     * {@code meta} where the metadata does.
     */
    record Entry(String name, int tag, long size, MemorySegment value, String meta) {}

    private final Region region;

    SlotDirectory(Region region) {
        this.region = region;
    }

    Region region() {
        return region;
    }

    /**
     * The memory of the slot called {@code slot}, created as {@code spec} says if it does not exist.
     *
     * @throws IllegalArgumentException if the slot name is invalid
     * @throws IncompatibleSlotException if the slot exists with another type, size or metadata
     * @throws InsufficientSpaceException if the data area or the directory is full
     * @throws IllegalStateException if the region is closed in this process
     */
    MemorySegment ensure(String slot, Spec spec) {
        checkName(slot);
        return region.whileOpen(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment init = call.allocate(Math.max(spec.initLength(), 1));
                spec.initializer().accept(init);
                byte[] meta = spec.meta();
                MemorySegment metaSegment = meta.length == 0 ? MemorySegment.NULL : call.allocateFrom(JAVA_BYTE, meta);
                MemorySegment index = call.allocate(JAVA_INT);
                MemorySegment createdFlag = call.allocate(JAVA_INT);
                int rc = Native.slotEnsure(
                        region.handle(),
                        call.allocateFrom(slot),
                        spec.type().tag(),
                        spec.size(),
                        metaSegment,
                        meta.length,
                        spec.initLength() == 0 ? MemorySegment.NULL : init,
                        spec.initLength(),
                        index,
                        createdFlag);
                if (rc == RegionLayout.E_SLOTTYPE || rc == RegionLayout.E_SLOTSIZE || rc == RegionLayout.E_SLOTMETA) {
                    throw incompatible(rc, slot, spec);
                }
                if (rc != 0) {
                    throw notCreated(rc, slot, spec.size());
                }
                MemorySegment entry = checkedEntry(call, index.get(JAVA_INT, 0), "create or find slot '" + slot + "'");
                return region.memory()
                        .asSlice(entry.get(JAVA_LONG, RegionLayout.SLOT_VALUE_OFFSET_OFFSET), spec.size());
            }
        });
    }

    /** The metadata the slot called {@code slot} was created with, as text. */
    String storedMeta(String slot) {
        return region.whileOpen(() -> {
            try (Arena call = Arena.ofConfined()) {
                return metaOf(checkedEntry(call, find(slot), "read slot '" + slot + "'"));
            }
        });
    }

    /** The names of the slots, in creation order. */
    List<String> names() {
        return region.whileOpen(() -> {
            try (Arena call = Arena.ofConfined()) {
                List<String> names = new ArrayList<>();
                for (int i = 0, count = count(); i < count; i++) {
                    names.add(checkedEntry(call, i, "list the slots").getString(RegionLayout.SLOT_NAME_OFFSET));
                }
                return names;
            }
        });
    }

    /**
     * Every entry as stored, in creation order, for tools; a damaged entry is listed with the fields it holds,
     * its value and metadata null.
     */
    List<Entry> entries() {
        return region.whileOpen(() -> {
            try (Arena call = Arena.ofConfined()) {
                List<Entry> entries = new ArrayList<>();
                MemorySegment entry = call.allocate(RegionLayout.SLOT_ENTRY_SIZE);
                for (int i = 0, count = count(); i < count; i++) {
                    boolean sound = Native.slotEntryCopy(region.handle(), i, entry) == 0;
                    long size = entry.get(JAVA_LONG, RegionLayout.SLOT_SIZE_OFFSET);
                    entries.add(new Entry(
                            entry.getString(RegionLayout.SLOT_NAME_OFFSET),
                            entry.get(JAVA_INT, RegionLayout.SLOT_TYPE_OFFSET),
                            size,
                            sound
                                    ? region.memory()
                                            .asSlice(entry.get(JAVA_LONG, RegionLayout.SLOT_VALUE_OFFSET_OFFSET), size)
                                    : null,
                            sound ? metaOf(entry) : null));
                }
                return entries;
            }
        });
    }

    /** The published slots; the native side checks the count against the directory's capacity. */
    private int count() {
        int count = Native.slotCount(region.handle());
        if (count < 0) {
            throw RegionDamage.whileOpen(region, count, "read the slot directory");
        }
        return count;
    }

    /** A copy of directory entry {@code index}, checked by the native side against the region's geometry. */
    private MemorySegment checkedEntry(Arena call, int index, String doing) {
        MemorySegment entry = call.allocate(RegionLayout.SLOT_ENTRY_SIZE);
        int rc = Native.slotEntryCopy(region.handle(), index, entry);
        if (rc != 0) {
            throw RegionDamage.isDamage(rc)
                    ? RegionDamage.whileOpen(region, rc, doing)
                    : new InterprocException("cannot " + doing + " (" + Native.strerror(rc) + ")", rc);
        }
        return entry;
    }

    /** The metadata of a checked entry copy: its offset and length lie inside the region. */
    private String metaOf(MemorySegment entry) {
        long metaOffset = entry.get(JAVA_LONG, RegionLayout.SLOT_META_OFFSET_OFFSET);
        int metaLength = entry.get(JAVA_INT, RegionLayout.SLOT_META_LENGTH_OFFSET);
        return new String(region.memory().asSlice(metaOffset, metaLength).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private IncompatibleSlotException incompatible(int rc, String slot, Spec spec) {
        String stored;
        long storedSize;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment entry = checkedEntry(call, find(slot), "read slot '" + slot + "'");
            stored = SlotType.nameOf(entry.get(JAVA_INT, RegionLayout.SLOT_TYPE_OFFSET));
            storedSize = entry.get(JAVA_LONG, RegionLayout.SLOT_SIZE_OFFSET);
        }
        String where = "slot '" + slot + "' in region '" + region.name() + "'";
        String message;
        if (rc == RegionLayout.E_SLOTTYPE) {
            message = where + " is a " + stored + ", not a " + spec.type().javaName()
                    + ": use the accessor of its type, or another slot name";
        } else if (rc == RegionLayout.E_SLOTSIZE && spec.type().elementBytes() > 0) {
            int element = spec.type().elementBytes();
            message = where + " is a " + stored + " of " + storedSize / element + " elements, not "
                    + spec.size() / element + " (arrays keep the length they were created with)";
        } else if (rc == RegionLayout.E_SLOTSIZE) {
            message = where + " is a " + stored + " of " + storedSize + " bytes, not " + spec.size()
                    + " (its directory entry's field size; a barrier's follows its parties, anything else's is"
                    + " fixed, so the region may be damaged)";
        } else {
            message = where + " was created with other type metadata";
        }
        return new IncompatibleSlotException(message, rc);
    }

    private RuntimeException notCreated(int rc, String slot, long size) {
        String where = "slot '" + slot + "' in region '" + region.name() + "'";
        if (rc == RegionLayout.E_NOSPACE) {
            return new InsufficientSpaceException(
                    "cannot create " + where + " of " + size + " bytes: the region's data "
                            + "area is full; create the region with a larger RegionOptions.withSize",
                    rc);
        }
        if (rc == RegionLayout.E_DIRFULL) {
            return new InsufficientSpaceException(
                    "cannot create " + where + ": the region's slot directory is full; "
                            + "create the region with a larger RegionOptions.withMaxSlots",
                    rc);
        }
        if (rc == RegionLayout.E_NAME || rc == RegionLayout.E_ARG) {
            return new IllegalArgumentException("bad " + where + " (" + Native.strerror(rc) + ")");
        }
        if (RegionDamage.isDamage(rc)) {
            return RegionDamage.whileOpen(region, rc, "create or find slot '" + slot + "'");
        }
        return new InterprocException("cannot create or find " + where + " (" + Native.strerror(rc) + ")", rc);
    }

    private int find(String slot) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment index = call.allocate(JAVA_INT);
            int rc = Native.slotFind(region.handle(), call.allocateFrom(slot), index);
            if (rc != 0) {
                throw notCreated(rc, slot, 0);
            }
            return index.get(JAVA_INT, 0);
        }
    }

    private static void checkName(String slot) {
        if (slot == null || !SLOT_NAME.matcher(slot).matches()) {
            throw new IllegalArgumentException(
                    "invalid slot name '" + slot + "': use 1 to 63 characters from" + " A-Z a-z 0-9 . _ - : /");
        }
    }
}
