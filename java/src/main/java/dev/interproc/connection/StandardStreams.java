package dev.interproc.connection;

import dev.interproc.internal.ffm.Dup2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * This process's standard input and output taken over for a connection to its parent ({@link Pipe#toParent()},
 * {@link Pipe#toParentBlocking()}): once per process, and only when both are pipes. Links no more C than
 * {@link #redirect()} needs, {@link Dup2}, so that a child that takes them starts fast; and none when the parent
 * moved the pipes before the JVM started ({@link #MOVED_PROPERTY}).
 */
final class StandardStreams {

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    /**
     * The system property a parent sets on a child's command line when the child's launcher moved the pipes of its
     * standard input and output to descriptors {@value #MOVED_INPUT} and {@value #MOVED_OUTPUT}, and made descriptor
     * 0 {@code /dev/null} and descriptor 1 a copy of standard error, before the JVM started
     * ({@link Pipe#startChildBlocking}): the child then has nothing to redirect.
     */
    static final String MOVED_PROPERTY = "interproc.connection.parentPipes";

    /** The value of {@link #MOVED_PROPERTY}: the descriptors of the pipes from and to the parent. */
    static final String MOVED_VALUE = "3,4";

    private static final int MOVED_INPUT = 3;
    private static final int MOVED_OUTPUT = 4;

    /**
     * Where the connection to the parent is: the descriptors to read from and write to.
     *
     * @param input the descriptor of the pipe from the parent
     * @param output the descriptor of the pipe to the parent
     */
    record Descriptors(int input, int output) {

        /**
         * {@return whether the pipes are standard input and output, which must still be {@linkplain #redirect()
         * redirected}, rather than descriptors a launcher moved them to}
         */
        boolean redirectionNeeded() {
            return input == STDIN;
        }
    }

    /** Whether the standard streams have been taken; guarded by the class's lock. */
    private static boolean taken;

    private StandardStreams() {}

    /**
     * Checks that the pipes from and to the parent are there and not taken yet, and marks them taken: standard input
     * and output, or descriptors 3 and 4 if the parent moved them ({@link #MOVED_PROPERTY}).
     *
     * @return where the pipes are
     * @throws IOException if one of them is not a pipe
     * @throws IllegalStateException if they were taken before
     */
    static synchronized Descriptors take() throws IOException {
        if (taken) {
            throw new IllegalStateException("this process's standard input and output already carry a connection");
        }
        Descriptors descriptors = MOVED_VALUE.equals(System.getProperty(MOVED_PROPERTY))
                ? new Descriptors(MOVED_INPUT, MOVED_OUTPUT)
                : new Descriptors(STDIN, STDOUT);
        requirePipe(descriptors.input(), "input");
        requirePipe(descriptors.output(), "output");
        taken = true;
        return descriptors;
    }

    private static void requirePipe(int fd, String name) throws IOException {
        Path link = Path.of("/proc/self/fd/" + fd);
        String target = Files.exists(link, LinkOption.NOFOLLOW_LINKS)
                ? Files.readSymbolicLink(link).toString()
                : "not open";
        if (!target.startsWith("pipe:")) {
            String what = fd == STDIN || fd == STDOUT
                    ? "standard " + name
                    : "descriptor " + fd + " (the " + name + " pipe, moved there as " + MOVED_PROPERTY + " says)";
            throw new IOException(what + " is " + target + ", not a pipe: start this process with"
                    + " Pipe.startChild, or give it pipes for standard input and output (Python: subprocess.PIPE)");
        }
    }

    /**
     * Releases the pipes a launcher moved ({@code descriptors}, which do not need redirection) once their reopened
     * streams are closed: makes both descriptors copies of standard error, with {@code dup2}, which links C only now.
     * Without native access they stay open until the process exits, and the parent sees end of file then.
     *
     * @param descriptors where the pipes were
     * @throws IOException if {@code dup2} fails
     */
    static void release(Descriptors descriptors) throws IOException {
        try {
            Dup2.duplicate(STDERR, descriptors.input());
            Dup2.duplicate(STDERR, descriptors.output());
        } catch (IllegalStateException nativeAccessDenied) {
            // Documented: end of file reaches the parent when this process exits.
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
