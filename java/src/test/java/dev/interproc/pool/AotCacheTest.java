package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' AOT cache ({@link AotCache}): never required (a corrupt, empty or stale file gives a working pool,
 * silently), the user's options win, and, with a class path of JARs, the first pool trains it for the next.
 */
@Timeout(300)
class AotCacheTest {

    @TempDir
    Path directory;

    /** {@return the worker JVM's own command line, after the {@code java} binary} */
    static ArrayList<String> workerOptions() {
        return new ArrayList<>(
                List.of(ProcessHandle.current().info().arguments().orElseThrow()));
    }

    @Test
    void aCorruptOrEmptyCacheIsIgnoredAndThePoolWorks() throws Exception {
        Path file = AotCache.of(directory, List.of(), ClassPathHash.current()).file();
        Files.createDirectories(directory);
        byte[] garbage = new byte[100_000];
        new java.util.Random(7).nextBytes(garbage);
        for (byte[] content : List.of(garbage, new byte[0])) {
            Files.write(file, content);
            try (Pool pool =
                    Pool.builder().workers(1).aotCacheDirectory(directory).build()) {
                ArrayList<String> options = pool.apply(AotCacheTest::workerOptions);
                assertTrue(options.contains("-XX:AOTCache=" + file), options.toString());
                assertEquals(List.of(2, 3), pool.map(x -> x + 1, List.of(1, 2)));
                assertEquals(Optional.of(file), pool.aotCache().get(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theUsersOptionsComeAfterThePoolsSoTheyWin() throws Exception {
        Path file = AotCache.of(directory, List.of("-XX:AOTMode=off"), ClassPathHash.current())
                .file();
        Files.write(file, new byte[] {1, 2, 3});
        try (Pool pool = Pool.builder()
                .workers(1)
                .aotCacheDirectory(directory)
                .jvmOptions("-XX:AOTMode=off")
                .build()) {
            ArrayList<String> options = pool.apply(AotCacheTest::workerOptions);
            int logging = options.indexOf(Worker.DEFAULT_OPTIONS.getFirst());
            int cache = options.indexOf("-XX:AOTCache=" + file);
            int users = options.indexOf("-XX:AOTMode=off");
            assertTrue(0 <= logging && logging < cache && cache < users, options.toString());
        }
    }

    @Test
    void withoutTheCacheNoOptionIsAddedAndNothingIsWritten() throws Exception {
        try (Pool pool = Pool.builder()
                .workers(1)
                .aotCache(false)
                .aotCacheDirectory(directory)
                .build()) {
            ArrayList<String> options = pool.apply(AotCacheTest::workerOptions);
            assertTrue(options.stream().noneMatch(o -> o.startsWith("-XX:AOTCache")), options.toString());
            assertEquals(Optional.empty(), pool.aotCache().get(60, TimeUnit.SECONDS));
        }
        try (Pool pool = Pool.builder().workers(1).aotCacheDirectory(directory).build()) {
            // This test JVM's class path holds directories, of which the JDK caches nothing: no training.
            assertEquals(Optional.empty(), pool.aotCache().get(60, TimeUnit.SECONDS));
        }
        try (var files = Files.list(directory)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void aParentOnJarsTrainsTheCacheOnceAndItsNextPoolsUseIt() throws Exception {
        Path jars = Files.createDirectories(directory.resolve("jars"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = jars.resolve("dir" + classPath.size() + ".jar");
                ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
                assertEquals(
                        0, tool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", entry, "."));
                classPath.add(jar.toString());
            } else if (Files.isRegularFile(path)) {
                classPath.add(entry);
            }
        }
        Path caches = directory.resolve("caches");
        for (int run = 1; run <= 2; run++) {
            String output = runParent(classPath, caches);
            assertTrue(output.contains("result 42"), output);
            // The first run trains the cache its second pool uses; the second run's pools all use it.
            assertTrue(output.contains("first pool uses a cache: " + (run == 2)), output);
            assertTrue(output.contains("second pool uses a cache: true"), output);
        }
        Path cache;
        try (var files = Files.list(caches)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            cache = all.getFirst();
            assertTrue(cache.getFileName().toString().matches("worker-[0-9a-f]{32}\\.aot"), all.toString());
        }

        // Three trainings cut short today (their JVMs gone, their temporary files left): no fourth one.
        Files.delete(cache);
        // Pids above Linux's largest possible (2^22) are never alive.
        for (int i = 1; i <= AotCache.MAX_CUT_SHORT; i++) {
            Files.write(cache.resolveSibling(cache.getFileName() + "." + (2_000_000_000L + i) + ".tmp"), new byte[0]);
        }
        String output = runParent(classPath, caches, "expect-none");
        assertTrue(output.contains("first pool's cache: Optional.empty"), output);
        assertTrue(!Files.exists(cache), "no training, no cache");
    }

    /** Runs {@link AotCacheChild} in a JVM on the class path {@code classPath}, and returns its output. */
    private static String runParent(List<String> classPath, Path caches, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                String.join(File.pathSeparator, classPath),
                AotCacheChild.class.getName(),
                caches.toString()));
        command.addAll(List.of(more));
        Process parent = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(parent.getInputStream().readAllBytes());
        assertEquals(0, parent.waitFor(), output);
        System.out.print(output);
        return output;
    }
}
