package dev.interproc.cli;

import dev.interproc.RegionOptions;
import dev.interproc.SharedMemory;
import dev.interproc.testing.CodedPhase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for the CLI tests: creates a region in the directory given as second argument, with a
 * long, an enum and a lock it holds, prints {@value #READY}, and keeps everything until standard input
 * ends, so that a test can kill it with SIGKILL while it holds the lock.
 */
public final class RegionHolder {

    static final String READY = "ready";

    private RegionHolder() {}

    public static void main(String[] args) throws IOException {
        RegionOptions options = RegionOptions.defaults().withSize(64 * 1024).withDirectory(Path.of(args[1]));
        try (SharedMemory memory = SharedMemory.create(args[0], options)) {
            memory.sharedLong("counter", 7);
            memory.sharedEnum("phase", CodedPhase.class, CodedPhase.RUNNING);
            memory.sharedLock("held").lock();
            System.out.println(READY);
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
