package dev.interproc.pool;

import dev.interproc.process.JavaProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JDK's AOT cache (JEP 483, 514, 515) of the worker JVMs of a class path: a file of classes loaded and linked
 * ahead of time, and of method profiles, that a worker JVM maps at start-up instead of loading, linking and
 * profiling its classes again (docs/pool.md, "Start-up").
 *
 * <p>One file per worker command line (this JVM's {@code java} binary and version, the workers' options, class path
 * and module path) and {@link ClassPathHash} (the JARs' sizes and modification times), named for a hash of them in a
 * per-user directory. A pool whose file exists starts its workers with {@code -XX:AOTCache=FILE}; one whose file is
 * missing, and whose class path holds only JARs (the JDK caches no class from a directory), trains it once in the
 * background: a worker JVM started with {@code -XX:AOTCacheOutput} runs a few representative jobs and exits, writing
 * the cache, which is then moved into place atomically. A cache never is required: the JVM ignores one that is
 * stale, truncated or corrupt, and its messages about it are switched off ({@link Worker#DEFAULT_OPTIONS}); a training that fails
 * leaves a {@code .failed} marker, so that it is not tried again until the marker is deleted.
 *
 * <p>Caches are tens of megabytes: after each training only the {@value #KEPT} most recently used files stay.
 */
final class AotCache {

    /** The system property naming the cache directory, instead of {@link #defaultDirectory()}. */
    static final String DIRECTORY_PROPERTY = "interproc.pool.aotCacheDirectory";

    /** The system property that, set to {@code false}, makes pools not use or train caches unless told. */
    static final String ENABLED_PROPERTY = "interproc.pool.aotCache";

    /**
     * How many trainings of a cache may be cut short in a day (their JVM exited first, which kills the trainer, as a
     * short-lived program's does) before no more are started that day: each costs a JVM's work for nothing.
     * {@code Pool.aotCache().get()} before exiting lets one finish.
     */
    static final int MAX_CUT_SHORT = 3;

    /** How many cache files the directory keeps. */
    static final int KEPT = 8;

    /** How long a training may take, the writing of the cache included. */
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(5);

    /** The cache files being trained by this JVM, so that each is trained once at a time. */
    private static final Set<Path> TRAINING = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final boolean trainable;

    private AotCache(Path file, boolean trainable) {
        this.file = file;
        this.trainable = trainable;
    }

    /**
     * The cache of the workers started with these options by this JVM.
     *
     * @param directory where the caches are kept
     * @param jvmOptions the workers' options, as the user gave them
     * @param classPathHash {@link ClassPathHash#current()}
     * @return the cache, whose file may not exist
     */
    static AotCache of(Path directory, List<String> jvmOptions, String classPathHash) {
        List<String> command = JavaProcess.builder(WorkerMain.class.getName())
                .jvmOptions(jvmOptions.toArray(String[]::new))
                .command();
        String key = String.join("\n", command) + "\n" + System.getProperty("java.vm.version") + "\n" + classPathHash;
        String name = "worker-" + ClassPathHash.hash(key) + ".aot";
        return new AotCache(directory.toAbsolutePath().resolve(name), onlyJars());
    }

    /**
     * {@return the per-user cache directory: the system property {@value #DIRECTORY_PROPERTY}, else
     * {@code $XDG_CACHE_HOME/interproc/aot}, else {@code ~/.cache/interproc/aot}}
     */
    static Path defaultDirectory() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("interproc").resolve("aot");
    }

    /** {@return whether pools use and train caches unless told: not when {@value #ENABLED_PROPERTY} is false} */
    static boolean enabledByDefault() {
        return !"false"
                .equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim());
    }

    /** {@return the cache file} */
    Path file() {
        return file;
    }

    /**
     * {@return the options that make a worker use the cache, when its file exists (and mark it used), else none}
     */
    List<String> options() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // A read-only cache is used all the same; it is only pruned sooner.
        }
        return List.of("-XX:AOTCache=" + file);
    }

    /**
     * Trains the cache in the background unless its file exists, training is not possible (a directory on the
     * class path), it failed before, or this JVM trains it already.
     *
     * @param jvmOptions the workers' options, as the user gave them
     * @param classPathHash {@link ClassPathHash#current()}
     * @return the future of the cache file: completes when it exists, at once if it did; empty if there is none and
     *     none is being trained here, or the training failed. Never completes exceptionally.
     */
    CompletableFuture<Optional<Path>> trainIfMissing(List<String> jvmOptions, String classPathHash) {
        if (Files.isRegularFile(file)) {
            return CompletableFuture.completedFuture(Optional.of(file));
        }
        if (!trainable || Files.exists(failedMarker()) || cutShort() >= MAX_CUT_SHORT || !TRAINING.add(file)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<Path>> trained = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("interproc AOT cache training").start(() -> {
            try {
                trained.complete(train(jvmOptions, classPathHash));
            } catch (Throwable e) { // an Error: the future still ends, empty, as Pool.aotCache() promises
                trained.complete(Optional.empty());
                throw e;
            } finally {
                TRAINING.remove(file);
            }
        });
        return trained;
    }

    private Optional<Path> train(List<String> jvmOptions, String classPathHash) {
        Path temporary = file.resolveSibling(
                file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            // Left behind, with this JVM's pid, if this JVM exits before the training ends (see cutShort).
            Files.write(temporary, new byte[0]);
            List<String> options = new ArrayList<>(jvmOptions);
            options.add("-XX:AOTCacheOutput=" + temporary);
            Worker trainer = Worker.start("AOT-cache-trainer", options, classPathHash, TRAINING_TIMEOUT, null);
            try {
                exercise(trainer);
                if (!trainer.process().process().waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        || trainer.process().process().exitValue() != 0
                        || !Files.isRegularFile(temporary)) {
                    throw new IOException("the trainer did not write the cache; its standard error:\n"
                            + trainer.process().transcript());
                }
            } finally {
                trainer.close();
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            prune();
            return Optional.of(file);
        } catch (Exception e) {
            try {
                Files.deleteIfExists(temporary);
                Files.writeString(failedMarker(), e + System.lineSeparator(), StandardCharsets.UTF_8);
            } catch (IOException ignored) {
                // Nothing to tell: the pool works without a cache.
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    /**
     * Runs what a pool's worker runs, so that the cache holds its classes and profiles: a task (a method reference),
     * a {@code map} chunk, a task that throws, and a last task, after which the worker exits and writes the cache.
     */
    private static void exercise(Worker trainer) throws IOException {
        Wire.Encoded task = Wire.encodeFunction((SerializableCallable<Integer>) AotCache::trainingValue);
        Wire.Encoded function =
                Wire.encodeFunction((SerializableFunction<Integer, Integer>) AotCache::trainingIncrement);
        Wire.Encoded failing = Wire.encodeFunction((SerializableCallable<Integer>) AotCache::trainingFailure);
        byte[] items = ChunkTask.encodeItems(new ArrayList<>(List.of(1, 2, 3)), "the training chunk");
        byte[] last = Wire.encodeTask(new ChildTask.RunnableTask(AotCache::trainingEnd));
        List<Wire.Job> jobs = List.of(
                new Wire.Job(1, false, task.key(), task.bytes(), null),
                new Wire.Job(2, false, function.key(), function.bytes(), items),
                new Wire.Job(3, false, failing.key(), failing.bytes(), null),
                new Wire.Job(4, true, 0, last, null));
        for (Wire.Job job : jobs) {
            trainer.send(job.encode());
            Wire.Outcome outcome = trainer.receive("training job " + job.id());
            if ((outcome.failure() != null) != (job.id() == 3)) {
                throw new IOException("training job " + job.id() + " came to " + outcome, outcome.failure());
            }
        }
    }

    private static Integer trainingValue() {
        return 1;
    }

    private static Integer trainingIncrement(Integer x) {
        return x + 1;
    }

    private static Integer trainingFailure() {
        throw new IllegalStateException("a task's failure, for training");
    }

    private static void trainingEnd() {
        // The last job: the worker exits after it.
    }

    /** {@return how many trainings of this cache in the last day left their temporary file behind, their JVM gone} */
    private int cutShort() {
        String prefix = file.getFileName() + ".";
        try (Stream<Path> files = Files.list(file.getParent())) {
            return (int) files.map(f -> f.getFileName().toString())
                    .filter(name -> name.startsWith(prefix) && name.endsWith(".tmp"))
                    .map(name -> name.substring(prefix.length(), name.length() - ".tmp".length()))
                    .filter(pid -> pid.chars().allMatch(Character::isDigit) && !pid.isEmpty())
                    .filter(pid -> ProcessHandle.of(Long.parseLong(pid)).isEmpty())
                    .map(pid -> file.resolveSibling(prefix + pid + ".tmp"))
                    .filter(leftover ->
                            lastModified(leftover).toMillis() > System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1))
                    .count();
        } catch (IOException | RuntimeException noDirectoryYet) {
            return 0;
        }
    }

    /** {@return the file whose existence says that training this cache failed, with the reason in it} */
    Path failedMarker() {
        return file.resolveSibling(file.getFileName() + ".failed");
    }

    /**
     * Deletes all but the {@value #KEPT} most recently used caches of the directory, and the temporary files of
     * trainings that were cut short.
     */
    private void prune() throws IOException {
        List<Path> caches;
        try (Stream<Path> files = Files.list(file.getParent())) {
            caches = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.aot"))
                    .sorted(Comparator.comparing(AotCache::lastModified).reversed())
                    .toList();
        }
        for (Path old : caches.subList(Math.min(KEPT, caches.size()), caches.size())) {
            Files.deleteIfExists(old);
        }
        // What trainings left whose parent died before moving the cache into place (the JVM also leaves a
        // ".config" file there), once they are surely over.
        FileTime over = FileTime.fromMillis(System.currentTimeMillis() - 2 * TRAINING_TIMEOUT.toMillis());
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(file.getParent())) {
            leftovers = files.filter(f -> f.getFileName().toString().matches("worker-[0-9a-f]+\\.aot\\.[0-9]+\\.tmp.*"))
                    .filter(f -> lastModified(f).compareTo(over) < 0)
                    .toList();
        }
        for (Path leftover : leftovers) {
            Files.deleteIfExists(leftover);
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException gone) {
            return FileTime.fromMillis(0);
        }
    }

    /** {@return whether every class path and module path entry is a file (a JAR): the JDK caches no directory} */
    static boolean onlyJars() {
        String paths = System.getProperty("java.class.path", "")
                + File.pathSeparator
                + System.getProperty("jdk.module.path", "");
        boolean any = false;
        for (String entry : paths.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                if (!Files.isRegularFile(Path.of(entry))) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }
}
