package dev.interproc;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.nio.file.Files;

/** Turns libinterproc error codes into exceptions whose messages say what broke and what to do. */
final class Errors {

    private Errors() {}

    static RuntimeException region(int rc, String name, RegionOptions options, String verb) {
        String where = "region '" + name + "' in " + options.location();
        String cause = " (" + Native.strerror(rc) + ")";
        if (rc == RegionLayout.E_NOENT
                && options.directory().isPresent()
                && !Files.isDirectory(options.directory().get())) {
            String message = "cannot " + verb + " " + where + ": the directory " + options.location()
                    + " does not exist; create it, or name another with RegionOptions.withDirectory";
            return verb.equals("create")
                    ? new InterprocException(message, rc)
                    : new RegionNotFoundException(message, rc);
        }
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
                            + "name is not an interproc region (its header field magic is not 'interprc': another "
                            + "program made it, or it was overwritten); choose another name",
                    rc);
        }
        if (rc == RegionLayout.E_VERSION) {
            int found = Region.storedLayoutVersion(name, options);
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": its header field layout_version is " + found
                            + ", this library reads layout version " + RegionLayout.LAYOUT_VERSION
                            + "; use the interproc "
                            + "release that created it, or remove and recreate the region",
                    rc);
        }
        if (rc == RegionLayout.E_NOTREADY) {
            return new IncompatibleRegionException(
                    "cannot " + verb + " " + where + ": it is still initialising after "
                            + options.openTimeout().toMillis()
                            + " ms (its header field magic is still zero, or its field state 0); its creator may"
                            + " have died while creating it. Remove it "
                            + "(interproc rm " + name + ") and create it again",
                    rc);
        }
        if (RegionDamage.isDamage(rc)) {
            return RegionDamage.whileOpening(rc, name, options, verb);
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
}
