package dev.interproc.connection;

import dev.interproc.internal.ffm.Dup2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's standard input and output taken over for a connection to its parent ({@link Pipe#toParent()},
 * {@link Pipe#toParentBlocking()}): once per process, and only when both are pipes. Links no more C than
 * {@link #redirect()} needs, {@link Dup2}, so that a child that takes them starts fast.
 */
final class StandardStreams {

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    /** Whether the standard streams have been taken; guarded by the class's lock. */
    private static boolean taken;

    private StandardStreams() {}

    /**
     * Checks that standard input and output are pipes not taken yet, and marks them taken.
     *
     * @throws IOException if standard input or output is not a pipe
     * @throws IllegalStateException if they were taken before
     */
    static synchronized void take() throws IOException {
        if (taken) {
            throw new IllegalStateException("this process's standard input and output already carry a connection");
        }
        requirePipe(STDIN, "input");
        requirePipe(STDOUT, "output");
        taken = true;
    }

    private static void requirePipe(int fd, String name) throws IOException {
        String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        if (!target.startsWith("pipe:")) {
            throw new IOException("standard " + name + " is " + target + ", not a pipe: start this process with"
                    + " Pipe.startChild, or give it pipes for standard input and output (Python: subprocess.PIPE)");
        }
    }

    /**
     * Makes descriptors 0 and 1 copies of descriptor 2 (standard error), so that nothing written to standard output,
     * by native code or a child process that inherits it, reaches the pipe, and nothing reads from the input pipe
     * (a read of descriptor 0 fails: it is open for writing only). The caller has reopened both pipes.
     *
     * @throws IOException if {@code dup2} fails
     * @throws IllegalStateException if this JVM denies native access
     */
    static void redirect() throws IOException {
        Dup2.duplicate(STDERR, STDOUT);
        Dup2.duplicate(STDERR, STDIN);
    }
}
