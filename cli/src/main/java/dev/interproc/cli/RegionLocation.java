package dev.interproc.cli;

import dev.interproc.RegionOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --dir} option every region command shares: where the regions live. */
final class RegionLocation {

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Look for regions in this directory (on a tmpfs) instead of /dev/shm, as "
                    + "RegionOptions.withDirectory does.")
    private Path directory;

    /** The options that name the location. */
    RegionOptions options() {
        return directory == null
                ? RegionOptions.defaults()
                : RegionOptions.defaults().withDirectory(directory);
    }

    /** The location for messages: the directory, or /dev/shm. */
    String describe() {
        return directory == null ? "/dev/shm" : directory.toString();
    }
}
