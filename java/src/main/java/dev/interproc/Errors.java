package dev.interproc;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Turns libinterproc error codes into exceptions whose messages say what broke and what to do. */
final class Errors {

    private Errors() {}

    static RuntimeException region(int rc, String name, RegionOptions options, String verb) {
        String where = "region '" + name + "' in " + options.location();
        String cause = " (" + Native.strerror(rc) + ")";
        if (rc == RegionLayout.E_NOENT) {
            return new RegionNotFoundException(
                    "cannot " + verb + " " + where + ": it does not exist; create it with "
                            + "SharedMemory.create or openOrCreate",
                    rc);
        }
        if (rc == RegionLayout.E_EXIST) {
            return new RegionExistsException(
                    "cannot create " + where + ": the name is taken; open it with "
                            + "SharedMemory.open, or remove it first (interproc rm " + name + ")",
                    rc);
        }
        if (rc == RegionLayout.E_MAGIC) {
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": the shared-memory object of that "
                            + "name is not an interproc region (another program made it); choose another name",
                    rc);
        }
        if (rc == RegionLayout.E_VERSION) {
            int found = storedVersion(name, options);
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": it has layout version " + found
                            + ", this library reads layout version " + RegionLayout.LAYOUT_VERSION
                            + "; use the interproc "
                            + "release that created it, or remove and recreate the region",
                    rc);
        }
        if (rc == RegionLayout.E_NOTREADY) {
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": it is still initialising after "
                            + options.openTimeout().toMillis()
                            + " ms; its creator may have died while creating it. Remove it "
                            + "(interproc rm " + name + ") and create it again",
                    rc);
        }
        if (rc == RegionLayout.E_CORRUPT) {
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": its header contradicts itself "
                            + "or the object's size (was it truncated by another program?); remove and recreate it",
                    rc);
        }
        if (rc == RegionLayout.E_SHMFULL || rc == RegionLayout.E_NOSPC) {
            return new InsufficientSpaceException(
                    "cannot create " + where + " of " + options.size() + " bytes: the "
                            + "file system has less free space than that; free shared memory (interproc ls, interproc rm) or "
                            + "choose a smaller size",
                    rc);
        }
        if (rc == RegionLayout.E_PROCFULL) {
            return new InsufficientSpaceException(
                    "cannot " + verb + " " + where + ": its process table is full of "
                            + "live processes; create the region with a larger RegionOptions.withMaxProcesses",
                    rc);
        }
        if (rc == RegionLayout.E_ACCES) {
            return new InterprocException(
                    "cannot " + verb + " " + where + ": permission denied; the region's mode "
                            + "does not let this user open it (RegionOptions.withMode at creation)",
                    rc);
        }
        if (rc == RegionLayout.E_NAME || rc == RegionLayout.E_ARG) {
            return new IllegalArgumentException("cannot " + verb + " " + where + cause);
        }
        return new InterprocException("cannot " + verb + " " + where + cause, rc);
    }

    static RuntimeException slot(int rc, String slot, String region, long size) {
        String where = "slot '" + slot + "' in region '" + region + "'";
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
        return new InterprocException("cannot create or find " + where + " (" + Native.strerror(rc) + ")", rc);
    }

    static String typeName(int type) {
        if (type == RegionLayout.TYPE_INT32) {
            return "SharedInt";
        } else if (type == RegionLayout.TYPE_INT64) {
            return "SharedLong";
        } else if (type == RegionLayout.TYPE_FLOAT64) {
            return "SharedDouble";
        } else if (type == RegionLayout.TYPE_INT32_ARRAY) {
            return "SharedIntArray";
        } else if (type == RegionLayout.TYPE_INT64_ARRAY) {
            return "SharedLongArray";
        } else if (type == RegionLayout.TYPE_ENUM) {
            return "SharedEnum";
        } else if (type == RegionLayout.TYPE_LOCK) {
            return "SharedLock";
        } else if (type == RegionLayout.TYPE_RLOCK) {
            return "SharedRLock";
        } else if (type == RegionLayout.TYPE_CONDITION) {
            return "SharedCondition";
        } else if (type == RegionLayout.TYPE_SEMAPHORE) {
            return "SharedSemaphore";
        } else if (type == RegionLayout.TYPE_EVENT) {
            return "SharedEvent";
        } else if (type == RegionLayout.TYPE_BARRIER) {
            return "SharedBarrier";
        }
        return "slot of unknown type " + type;
    }

    private static int storedVersion(String name, RegionOptions options) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dir = options.directory()
                    .map(p -> call.allocateFrom(p.toString()))
                    .orElse(MemorySegment.NULL);
            return Native.regionLayoutVersion(call.allocateFrom(name), dir);
        }
    }
}
