package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.connection.Address;
import dev.interproc.manager.ManagedMap;
import dev.interproc.manager.ManagerClient;
import dev.interproc.process.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code interproc manager serve | shutdown} and the listing, against a standalone manager in a child JVM started
 * as a user starts it ({@code interproc manager serve}).
 */
class ManagerCommandTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private Path keyFile(String name, String text) throws Exception {
        Path file = directory.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void serveListAndShutDownAStandaloneManager() throws Exception {
        Path socket = directory.resolve("manager.sock");
        Path key = keyFile("key", "secret\n");
        try (JavaProcess serving = JavaProcess.builder(Main.class)
                .args("manager", "serve", "--address", socket.toString(), "--authkey-file", key.toString())
                .start()) {
            assertEquals(
                    "serving at " + socket + " (pid " + serving.pid() + ")",
                    serving.awaitLine(line -> line.startsWith("serving at "), TIMEOUT));
            CommandRun empty =
                    CommandRun.of("manager", "--address", socket.toString(), "--authkey-file", key.toString());
            assertEquals(0, empty.exitCode(), empty::err);
            assertEquals("manager at " + socket + ": 0 objects\n", empty.out());

            try (ManagerClient client = ManagerClient.connect(new Address.Unix(socket), "secret".getBytes());
                    ManagedMap<String, Integer> dict = client.dict()) {
                dict.put("jobs", 3);
                CommandRun listed =
                        CommandRun.of("manager", "--address", socket.toString(), "--authkey-file", key.toString());
                assertEquals(0, listed.exitCode(), listed::err);
                assertTrue(listed.out().startsWith("manager at " + socket + ": 1 object\n"), listed::out);
                assertTrue(listed.out().contains(dict.ident() + ":       refcount=1\n    {'jobs': 3}"), listed::out);
            }

            CommandRun wrongKey = CommandRun.of(
                    "manager",
                    "--address",
                    socket.toString(),
                    "--authkey-file",
                    keyFile("wrong", "other").toString());
            assertEquals(1, wrongKey.exitCode(), wrongKey::out);
            assertTrue(wrongKey.err().contains("refused the key"), wrongKey::err);

            CommandRun stop = CommandRun.of(
                    "manager", "shutdown", "--address", socket.toString(), "--authkey-file", key.toString());
            assertEquals(0, stop.exitCode(), stop::err);
            assertEquals(0, serving.waitFor(TIMEOUT), serving::transcript);
            assertTrue(serving.output().contains("stopped"), serving::transcript);
        }
        CommandRun gone = CommandRun.of("manager", "--address", socket.toString(), "--authkey-file", key.toString());
        assertEquals(1, gone.exitCode(), gone::out);
        assertTrue(gone.err().contains("no manager answers at " + socket), gone::err);
    }

    @Test
    void aTcpManagerAtHostAndPortStopsOnSigterm() throws Exception {
        Path key = keyFile("key", "k");
        try (JavaProcess serving = JavaProcess.builder(Main.class)
                .args("manager", "serve", "--address", "127.0.0.1:0", "--authkey-file", key.toString())
                .start()) {
            String line = serving.awaitLine(l -> l.startsWith("serving at "), TIMEOUT);
            String address = line.substring("serving at ".length(), line.indexOf(" (pid"));
            assertTrue(address.startsWith("('127.0.0.1', "), line);
            CommandRun listed = CommandRun.of("manager", "--address", address, "--authkey-file", key.toString());
            assertEquals(0, listed.exitCode(), listed::err);
            serving.process().destroy(); // SIGTERM
            assertEquals(143, serving.waitFor(TIMEOUT), serving::transcript);
        }
    }

    @Test
    void badArgumentsAreUsageErrorsAndAnExposedKeyIsWarnedAbout() throws Exception {
        Path empty = keyFile("empty", "");
        CommandRun noKey = CommandRun.of(
                "manager", "--address", directory.resolve("s").toString(), "--authkey-file", empty.toString());
        assertEquals(2, noKey.exitCode(), noKey::out);
        assertTrue(noKey.err().contains("is empty"), noKey::err);
        Path exposed = keyFile("exposed", "k");
        Files.setPosixFilePermissions(exposed, PosixFilePermissions.fromString("rw-r--r--"));
        CommandRun warned = CommandRun.of(
                "manager", "--address", directory.resolve("none").toString(), "--authkey-file", exposed.toString());
        assertTrue(warned.err().contains("readable by other users"), warned::err);
        assertEquals(1, warned.exitCode(), warned::out);
        CommandRun missing =
                CommandRun.of("manager", "--address", directory.resolve("s").toString());
        assertEquals(2, missing.exitCode());
    }
}
