package dev.interproc.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.probe.LoadProbe;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs load the bundled library: they leave nothing behind, clean what dead JVMs left, and explain refusals. */
class NativeLoadingTest {

    private static final Path TEST_CLASSES = Path.of(
            LoadProbe.class.getProtectionDomain().getCodeSource().getLocation().getPath());

    @TempDir
    Path workdir;

    @Test
    void twentyRunsLeaveNothingInTheWorkFolder() throws Exception {
        for (int run = 0; run < 20; run++) {
            List<String> lines = probe(List.of("--enable-native-access=ALL-UNNAMED"));
            assertTrue(lines.get(0).startsWith("LOADED libinterproc for linux-"), lines::toString);
            try (Stream<Path> left = Files.list(workdir)) {
                assertEquals(List.of(), left.toList(), "after run " + run);
            }
        }
    }

    @Test
    void theNextLoadRemovesTheFoldersOfDeadJvmsOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path ofDeadJvm = leftover(NativeLibrary.FOLDER_PREFIX + gone.pid() + "-1700000000000-1");
        ProcessHandle self = ProcessHandle.current();
        Path ofReusedPid = leftover(NativeLibrary.FOLDER_PREFIX + self.pid() + "-1-2");
        Path ofLiveJvm = leftover(NativeLibrary.folderPrefix(self) + "3");
        Path notOurs = leftover(NativeLibrary.FOLDER_PREFIX + "1234567890");

        List<String> lines = probe(List.of("--enable-native-access=ALL-UNNAMED"));

        assertTrue(lines.get(0).contains("2 stale folder(s) of dead JVMs removed"), lines::toString);
        assertFalse(Files.exists(ofDeadJvm));
        assertFalse(Files.exists(ofReusedPid));
        assertTrue(Files.exists(ofLiveJvm.resolve("libinterproc.so")));
        assertTrue(Files.exists(notOurs.resolve("libinterproc.so")));
    }

    @Test
    void deniedNativeAccessOnTheClassPathNamesTheFlagAtEveryCall() throws Exception {
        List<String> lines = probe(List.of("--illegal-native-access=deny"));
        String expected = "FAILED java.lang.IllegalStateException: interproc needs native access, which this JVM"
                + " denies: run java with --enable-native-access=ALL-UNNAMED (interproc is on the class path";
        assertBothCallsFailWith(expected, lines);
    }

    @Test
    void deniedNativeAccessFailsAConnectionClearlyAtEveryCall() throws Exception {
        List<String> lines =
                run(List.of("--illegal-native-access=deny"), System.getProperty("java.class.path"), "connection");
        String expected = "FAILED java.lang.IllegalStateException: interproc needs native access, which this JVM"
                + " denies: run java with --enable-native-access=ALL-UNNAMED (interproc is on the class path";
        assertBothCallsFailWith(expected, lines);
    }

    @Test
    void deniedNativeAccessOnTheModulePathNamesTheModule() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "--illegal-native-access=deny",
                "--module-path",
                libraryModulePath(),
                "--add-modules",
                "dev.interproc"));
        List<String> lines = run(command, TEST_CLASSES.toString());
        String expected = "FAILED java.lang.IllegalStateException: interproc needs native access, which this JVM"
                + " denies: run java with --enable-native-access=dev.interproc (interproc is on the module path";
        assertBothCallsFailWith(expected, lines);
    }

    @Test
    void aMissingArchitectureIsNamedAtEveryCall() throws Exception {
        List<String> lines = probe(List.of("--enable-native-access=ALL-UNNAMED", "-Dos.arch=riscv64"));
        String expected = "FAILED java.lang.IllegalStateException: this interproc JAR has no native library for"
                + " linux-riscv64 (os.arch riscv64";
        assertBothCallsFailWith(expected, lines);
    }

    @Test
    void muslIsRefusedByName() throws IOException {
        Path maps = workdir.resolve("maps");
        Files.writeString(maps, "7f0000000000-7f0000001000 r-xp 00000000 08:01 42   /lib/ld-musl-x86_64.so.1\n");
        RuntimeException refused = assertThrows(RuntimeException.class, () -> NativeLibrary.refuseMusl(maps));
        assertTrue(refused.getMessage().contains("musl libc (/lib/ld-musl-x86_64.so.1)"), refused::getMessage);
        Files.writeString(maps, "7f0000000000-7f0000001000 r-xp 00000000 08:01 42   /usr/lib/libc.so.6\n");
        NativeLibrary.refuseMusl(maps);
    }

    /** Both calls of the probe failed alike: the reason is given again, not hidden behind NoClassDefFoundError. */
    private static void assertBothCallsFailWith(String expected, List<String> lines) {
        assertEquals(2, lines.size(), lines::toString);
        lines.forEach(line -> assertTrue(line.startsWith(expected), line));
    }

    private Path leftover(String name) throws IOException {
        Path folder = Files.createDirectory(workdir.resolve(name));
        Files.writeString(folder.resolve("libinterproc.so"), "left by a killed JVM");
        return folder;
    }

    /** Runs {@link LoadProbe} on this JVM's class path with these options and the work folder of the test. */
    private List<String> probe(List<String> options) throws Exception {
        return run(options, System.getProperty("java.class.path"));
    }

    private List<String> run(List<String> options, String classPath, String... probeArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-D" + NativeLibrary.WORKDIR_PROPERTY + "=" + workdir);
        command.addAll(List.of("-cp", classPath, LoadProbe.class.getName()));
        command.addAll(List.of(probeArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return Arrays.stream(output.split("\n"))
                .filter(line -> line.startsWith("LOADED") || line.startsWith("FAILED"))
                .toList();
    }

    /** The library's classes and the modules it requires, found among this JVM's class path entries. */
    private static String libraryModulePath() {
        Path classes = Path.of(NativeLibrary.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath());
        ModuleDescriptor library =
                ModuleFinder.of(classes).find("dev.interproc").orElseThrow().descriptor();
        ModuleFinder classPath = ModuleFinder.of(
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(Path::of)
                        .filter(entry -> entry.toString().endsWith(".jar"))
                        .toArray(Path[]::new));
        List<String> entries = new ArrayList<>(List.of(classes.toString()));
        for (ModuleDescriptor.Requires requires : library.requires()) {
            if (ModuleFinder.ofSystem().find(requires.name()).isEmpty()) {
                ModuleReference dependency = classPath.find(requires.name()).orElseThrow();
                entries.add(Path.of(dependency.location().orElseThrow()).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
