package dev.interproc;

import static dev.interproc.ChildProcesses.STARTUP;
import static dev.interproc.ChildProcesses.assertExitsCleanly;
import static dev.interproc.ChildProcesses.child;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One enum slot used by JVMs that each have their own release of the same enum class, {@code variant.Phase}:
 * every release is compiled at test time into its own directory, which goes first on one child's class path.
 */
class EnumAcrossProcessesTest {

    private static final String ORIGINAL = "public enum Phase { IDLE, RUNNING, DONE }";

    @TempDir
    static Path releases;

    /** The first session creates the region. */
    @RegisterExtension
    final TestRegion region = TestRegion.nameOnly("enum-peers");

    private final AtomicInteger requestIds = new AtomicInteger();

    @BeforeAll
    static void compileReleases() throws IOException {
        compile("original", ORIGINAL);
        compile("reordered", "public enum Phase { RUNNING, IDLE, DONE }");
        compile("renamed", "public enum Phase { IDLE, WORKING, DONE }");
        compile("extra", "public enum Phase { IDLE, RUNNING, DONE, FAILED }");
        compile("coded", """
                public enum Phase implements dev.interproc.CodedEnum {
                    DONE(2), RUNNING(1), IDLE(0);
                    private final int code;
                    Phase(int code) { this.code = code; }
                    @Override public int code() { return code; }
                }""");
    }

    private static void compile(String release, String declaration) throws IOException {
        Path source = releases.resolve(release + "-src").resolve("variant").resolve("Phase.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package variant;\n" + declaration + "\n");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "-d",
                releases.resolve(release).toString(),
                "-cp",
                System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, rc, "javac failed on release " + release + " of variant.Phase");
    }

    private JavaProcess session(String release, String mode) {
        return child("enum-session", region.name(), "phase", mode, "variant.Phase")
                .classPathPrefix(releases.resolve(release))
                .start();
    }

    /** A session that has opened (or created) the slot and waits for commands. */
    private JavaProcess readySession(String release, String mode) throws InterruptedException, TimeoutException {
        JavaProcess session = session(release, mode);
        try {
            StartHandshake.awaitReady(session, STARTUP);
        } catch (InterruptedException | TimeoutException | RuntimeException e) {
            session.close();
            throw e;
        }
        return session;
    }

    /** Sends a command to an enum session and returns its answer. */
    private String ask(JavaProcess session, String command) throws InterruptedException, TimeoutException {
        String id = String.valueOf(requestIds.incrementAndGet());
        session.sendLine(id + " " + command);
        return session.awaitLine(line -> line.startsWith(id + " "), STARTUP).substring(id.length() + 1);
    }

    private void quit(JavaProcess session) throws InterruptedException, TimeoutException {
        assertEquals("bye", ask(session, "quit"));
        assertExitsCleanly(session);
    }

    @Test
    void createdByOneProcessReadSetAndComparedAndSetByAnother() throws Exception {
        try (JavaProcess creator = readySession("original", "create")) {
            try (JavaProcess user = readySession("original", "open")) {
                assertEquals("IDLE 0", ask(user, "get"));
                assertEquals("ok", ask(user, "set RUNNING"));
                assertEquals("RUNNING 1", ask(creator, "get"));
                assertEquals("false", ask(user, "cas IDLE DONE"));
                assertEquals("true", ask(user, "cas RUNNING DONE"));
                assertEquals("DONE 2", ask(creator, "get"));
                assertEquals("ok", ask(creator, "set IDLE"));
                assertEquals("IDLE 0", ask(user, "get"));
                quit(user);
            }
            quit(creator);
        }
    }

    @Test
    void releasesWithOtherConstantsAreRefusedNamingTheDifference() throws Exception {
        try (JavaProcess creator = readySession("original", "create")) {
            assertEquals("ok", ask(creator, "set DONE"));
            assertRefused(
                    "reordered",
                    "RUNNING has code 1 in the region but 0 here; " + "IDLE has code 0 in the region but 1 here");
            assertRefused("renamed", "WORKING=1 exists only here; RUNNING=1 exists only in the region");
            assertRefused("extra", "FAILED=3 exists only here");
            assertEquals("DONE 2", ask(creator, "get"), "refused processes changed nothing");
            quit(creator);
        }
    }

    @Test
    void reorderedReleaseWithStableCodesIsAccepted() throws Exception {
        try (JavaProcess creator = readySession("original", "create")) {
            assertEquals("ok", ask(creator, "set RUNNING"));
            try (JavaProcess coded = readySession("coded", "open")) {
                assertEquals("RUNNING 1", ask(coded, "get"));
                assertEquals("true", ask(coded, "cas RUNNING DONE"));
                assertEquals("DONE 2", ask(creator, "get"));
                quit(coded);
            }
            quit(creator);
        }
    }

    private void assertRefused(String release, String differences) throws Exception {
        try (JavaProcess refused = session(release, "open")) {
            String line = refused.awaitLine(l -> l.startsWith("REFUSED ") || l.equals(StartHandshake.READY), STARTUP);
            assertTrue(
                    line.startsWith("REFUSED "),
                    () -> "release " + release + " was accepted; transcript:\n" + refused.transcript());
            assertTrue(
                    line.contains(
                            "enum slot 'phase' in region '" + region.name() + "' was created for an incompatible enum: "
                                    + differences + ". Every process must use the same constants and codes"),
                    line);
            assertExitsCleanly(refused);
        }
    }
}
