package dev.interproc.connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * The child JVM of {@link StandardStreamPipeTest}, talking to its parent over standard input and output.
 * {@code stream}: sends {@link NumberedMessages} while receiving and checking the parent's, reports "RECEIVED n" on
 * standard error, then echoes. {@code blocking}: the same over {@link Pipe#toParentBlocking()}, and a grandchild
 * that inherits standard output writes to it before the echo. {@code echo}: returns every message until an empty one. {@code raw-in N}: reads N
 * raw bytes of standard input, without a connection, and prints them as hex on standard error. {@code raw-out HEX}:
 * writes the bytes to standard output, without a connection, and exits.
 */
public final class PipeChild {

    /** What the child prints to System.out after the takeover; the parent finds it on standard error. */
    static final String STRAY_LINE = "System.out after toParent";

    /** What a process the {@code blocking} child starts prints on the standard output it inherits. */
    static final String INHERITED_LINE = "standard output inherited by a grandchild";

    /** What the {@code close-early} child prints once it closed its connection, which it then outlives. */
    static final String CLOSED_LINE = "connection closed, process running on";

    /** What the {@code blocking} child prints when a poll with a timeout was refused. */
    static final String NO_TIMEOUTS = "poll with a timeout refused";

    private PipeChild() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "stream" -> {
                try (Connection parent = Pipe.toParent()) {
                    reportDescriptors("stream");
                    System.out.println(STRAY_LINE);
                    NumberedMessages.streamFromChild(parent, System.err);
                    echo(parent);
                }
            }
            case "blocking" -> {
                try (Connection parent = Pipe.toParentBlocking()) {
                    System.out.println(STRAY_LINE);
                    NumberedMessages.streamFromChild(parent, System.err);
                    reportDescriptors("blocking"); // after a receive: the redirection has been made
                    // Descriptor 1 is standard error now: a grandchild writing to it cannot reach the pipe.
                    new ProcessBuilder("sh", "-c", "echo '" + INHERITED_LINE + "'")
                            .inheritIO()
                            .start()
                            .waitFor();
                    try {
                        parent.poll(java.time.Duration.ofMillis(10));
                    } catch (UnsupportedOperationException expected) {
                        System.err.println(NO_TIMEOUTS);
                    }
                    echo(parent);
                }
            }
            case "close-early" -> {
                Connection parent = Pipe.toParentBlocking();
                parent.recvBytes();
                parent.close();
                System.err.println(CLOSED_LINE);
                Thread.sleep(600_000); // killed by the parent
            }
            case "echo" -> {
                try (Connection parent = Pipe.toParent()) {
                    echo(parent);
                }
            }
            case "raw-in" ->
                System.err.println("RAW " + HexFormat.of().formatHex(System.in.readNBytes(Integer.parseInt(args[1]))));
            case "raw-out" -> {
                OutputStream out = System.out;
                out.write(HexFormat.of().parseHex(args[1]));
                out.flush();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Prints the mode and what descriptors 0 to 4 are, as "FD n target" lines, on standard error. */
    private static void reportDescriptors(String mode) throws IOException {
        System.err.println("MODE " + mode);
        for (int fd = 0; fd <= 4; fd++) {
            Path link = Path.of("/proc/self/fd/" + fd);
            String target = Files.exists(link, LinkOption.NOFOLLOW_LINKS)
                    ? Files.readSymbolicLink(link).toString()
                    : "not open";
            System.err.println("FD " + fd + " " + target);
        }
    }

    /** The target of descriptor {@code fd} in the lines {@link #reportDescriptors} printed. */
    static String descriptor(List<String> errorLines, int fd) {
        String prefix = "FD " + fd + " ";
        return errorLines.stream()
                .filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the child did not report descriptor " + fd + ": " + errorLines));
    }

    /** Sends every message back until an empty one, the parent's goodbye. */
    private static void echo(Connection parent) throws IOException {
        byte[] message;
        while ((message = parent.recvBytes()).length > 0) {
            parent.sendBytes(message);
        }
    }
}
