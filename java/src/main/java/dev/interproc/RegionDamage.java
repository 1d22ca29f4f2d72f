package dev.interproc;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What is damaged in a region, in words: the native checks ({@code ip_region_check}, {@code
 * ip_region_check_object}) name the first field that contradicts the region's geometry, as docs/layout.md
 * names it ("Damaged regions"). Every {@code IP_ECORRUPT} and {@code IP_ESTUCK} becomes an
 * {@link IncompatibleRegionException} here, whether it came while opening or while using the region.
 */
final class RegionDamage {

    private static final long TEXT_CAPACITY = 512;

    private RegionDamage() {}

    /** Whether an error code says the region's bytes are damaged or one of its mutexes is stuck. */
    static boolean isDamage(int rc) {
        return rc == RegionLayout.E_CORRUPT || rc == RegionLayout.E_STUCK;
    }

    /**
     * The exception for {@code rc} met while {@code doing} something with the open region.
     *
     * @param rc {@code IP_ECORRUPT} or {@code IP_ESTUCK}
     * @param doing what failed, e.g. "create or find slot 'jobs'"
     */
    static IncompatibleRegionException whileOpen(Region region, int rc, String doing) {
        String found;
        try (Arena call = Arena.ofConfined()) {
            found = check(call, text -> Native.regionCheck(region.handle(), text, TEXT_CAPACITY));
        }
        return exception(rc, "cannot " + doing + " in region '" + region.name() + "'", found);
    }

    /** The exception for {@code rc} met while opening (creating, inspecting) the region called {@code name}. */
    static IncompatibleRegionException whileOpening(int rc, String name, RegionOptions options, String verb) {
        return exception(
                rc, "cannot " + verb + " region '" + name + "' in " + options.location(), describe(name, options));
    }

    /**
     * The damage found in the region called {@code name}, read without attaching: its header, then (if that is
     * sound) the rest; null if none is found.
     */
    static String describe(String name, RegionOptions options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment cName = call.allocateFrom(name);
            MemorySegment dir = options.directoryIn(call);
            String found = check(call, text -> Native.regionCheckObject(cName, dir, text, TEXT_CAPACITY));
            return found != null
                    ? found
                    : checkMapped(call, cName, dir, (int) options.openTimeout().toMillis());
        }
    }

    /** Maps the region without attaching (the header is sound) and looks for damage beyond the header. */
    private static String checkMapped(Arena call, MemorySegment name, MemorySegment dir, int timeoutMs) {
        MemorySegment out = call.allocate(ADDRESS);
        if (Native.regionInspect(name, dir, timeoutMs, out) != 0) {
            return null;
        }
        MemorySegment handle = out.get(ADDRESS, 0);
        try {
            return check(call, text -> Native.regionCheck(handle, text, TEXT_CAPACITY));
        } finally {
            Native.regionClose(handle);
        }
    }

    private interface Check {
        int into(MemorySegment text);
    }

    /** The damage a check names, or what it notes about a held mutex; null if neither. */
    private static String check(Arena call, Check check) {
        MemorySegment text = call.allocate(TEXT_CAPACITY);
        check.into(text);
        String found = text.getString(0);
        return found.isEmpty() ? null : found;
    }

    private static IncompatibleRegionException exception(int rc, String failed, String found) {
        String remedy = "; remove the region (interproc rm) and create it again";
        if (rc == RegionLayout.E_STUCK) {
            String why = found != null ? ": " + found : "; the process that holds it is alive but does not release it";
            return new IncompatibleRegionException(
                    failed + ": a mutex of the region stayed locked for the whole wait (the open timeout,"
                            + " RegionOptions.withOpenTimeout)" + why + "; interproc show lists the region's"
                            + " processes: stop the one that holds it, or" + remedy.substring(1),
                    rc);
        }
        String what = found != null ? found : "a field changed while it was read and reads correctly now";
        return new IncompatibleRegionException(failed + ": the region is damaged: " + what + remedy, rc);
    }
}
