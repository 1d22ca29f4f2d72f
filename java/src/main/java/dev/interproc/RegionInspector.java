package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
                    .filter(Region::isValidName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the shared-memory objects in " + location, e);
        }
        List<RegionListing> found = new ArrayList<>();
        for (String name : names) {
            int version = Region.storedLayoutVersion(name, options);
            if (version == RegionLayout.LAYOUT_VERSION) {
                try {
                    found.add(inspect(name, options));
                } catch (RegionNotFoundException removedMeanwhile) {
                    // Removed between the scan and the inspection: it is gone, as if never listed.
                } catch (IncompatibleRegionException changedMeanwhile) {
                    found.add(new UnreadableRegion(name, fileSize(location, name), -1, changedMeanwhile.getMessage()));
                } catch (RuntimeException damaged) {
                    // Bytes another process scribbled on: this region is unreadable, the others are still listed.
                    found.add(new UnreadableRegion(
                            name, fileSize(location, name), -1, "damaged: reading it failed with " + damaged));
                }
            } else if (version >= 0) {
                found.add(new UnreadableRegion(
                        name,
                        fileSize(location, name),
                        version,
                        "header field layout_version is " + version + "; this library reads layout version "
                                + RegionLayout.LAYOUT_VERSION));
            } else if (version == RegionLayout.E_NOTREADY) {
                found.add(new UnreadableRegion(
                        name,
                        fileSize(location, name),
                        -1,
                        "not ready (header field magic still zero or field state 0): its creator is still"
                                + " initialising it, or died doing so"));
            } else if (version == RegionLayout.E_CORRUPT) {
                String damage = RegionDamage.describe(name, options);
                found.add(new UnreadableRegion(
                        name,
                        fileSize(location, name),
                        -1,
                        "damaged: " + (damage != null ? damage : "its header changed while it was read")));
            }
            // Anything else is not an interproc region (IP_EMAGIC), vanished, or not ours to read: skipped.
        }
        return found;
    }

    private static long fileSize(Path location, String name) {
        try {
            return Files.size(location.resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------- snapshot

    /**
     * A snapshot of the region called {@code name}, mapped without attaching to it.
     *
     * @throws RegionNotFoundException if it does not exist
     * @throws IncompatibleRegionException if it is not a region of this layout version
     */
    static RegionInfo inspect(String name, RegionOptions options) {
        Region region = Region.connect(name, options, Region.Mode.INSPECT);
        try {
            return snapshot(region);
        } finally {
            region.release(Region.State.CLOSED);
        }
    }

    /** Reads a snapshot of a region opened for inspection. */
    static RegionInfo snapshot(Region region) {
        MemorySegment memory = region.memory();
        List<SlotInfo> slots = new SlotDirectory(region)
                .entries().stream().map(entry -> slot(region, entry)).toList();
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
                region.processes().attached(),
                slots);
    }

    private static SlotInfo slot(Region region, SlotDirectory.Entry entry) {
        String typeName = SlotType.nameOf(entry.tag());
        if (entry.value() == null) {
            return new SlotInfo(
                    entry.name(),
                    typeName,
                    entry.size(),
                    "unreadable: the directory places it outside the region",
                    null);
        }
        SlotType type = SlotType.ofTag(entry.tag());
        if (type == null) {
            return new SlotInfo(entry.name(), typeName, entry.size(), SlotType.rawWords(entry.value()), null);
        }
        try {
            return type.describe(new SlotType.Stored(entry, region));
        } catch (IndexOutOfBoundsException corrupt) {
            return new SlotInfo(
                    entry.name(),
                    typeName,
                    entry.size(),
                    "unreadable: " + entry.size() + " bytes are too few for its type; "
                            + SlotType.rawWords(entry.value()),
                    null);
        }
    }
}
