package dev.interproc.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Configures and starts a {@link Pool}: Python's {@code Pool(processes, initializer, maxtasksperchild)}, and retries. Not thread-safe. */
public final class PoolBuilder {

    int workers = Runtime.getRuntime().availableProcessors();
    final List<String> jvmOptions = new ArrayList<>();
    byte[] initializer;
    int maxTasksPerWorker;
    int maxRetries;
    boolean aotCache = AotCache.enabledByDefault();
    Path aotCacheDirectory;

    PoolBuilder() {}

    /**
     * Sets how many worker JVMs the pool keeps; as many as this JVM has processors unless set (Python's
     * {@code os.cpu_count()}).
     *
     * @param count the number of workers, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public PoolBuilder workers(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("Number of processes must be at least 1, not " + count);
        }
        this.workers = count;
        return this;
    }

    /**
     * Adds options for every worker JVM, such as {@code -Xmx256m}. They come after the pool's own (logging to
     * standard error, no {@code hsperfdata} file, the AOT cache), so they win where they conflict: {@code -XX:AOTCache=FILE} or
     * {@code -XX:AOTMode=off} overrides the pool's cache. {@code -XX:TieredStopAtLevel=1} (the C1 compiler only)
     * starts a worker a little faster and suits short tasks; long computations want the default. An option that
     * makes the JVM log to standard output (such as {@code -Xlog:gc}, whose default output is standard output)
     * corrupts the worker's connection: give such options an output, {@code -Xlog:gc:stderr}.
     *
     * @param options the options
     * @return this builder
     */
    public PoolBuilder jvmOptions(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /**
     * Sets a task every worker runs once, before any other (Python's {@code initializer}): to open a resource,
     * warm a cache. A worker whose initializer throws is refused as one that does not start: {@link #build()}
     * fails with the initializer's exception as the cause (where Python restarts such workers forever).
     *
     * @param initializer the task, serialized now
     * @return this builder
     * @throws IllegalArgumentException if the initializer cannot be serialized, naming the value that is not
     */
    public PoolBuilder initializer(SerializableRunnable initializer) {
        this.initializer =
                Wire.encodeTask(new ChildTask.RunnableTask(Objects.requireNonNull(initializer, "initializer")));
        return this;
    }

    /**
     * Sets how many tasks a worker runs before the pool replaces it with a new one (Python's
     * {@code maxtasksperchild}), to bound what a task leaks; unlimited unless set.
     *
     * @param tasks the number of tasks (or chunks of a {@code map}), positive
     * @return this builder
     * @throws IllegalArgumentException if {@code tasks} is not positive
     */
    public PoolBuilder maxTasksPerWorker(int tasks) {
        if (tasks <= 0) {
            throw new IllegalArgumentException("maxtasksperchild must be a positive int, not " + tasks);
        }
        this.maxTasksPerWorker = tasks;
        return this;
    }

    /**
     * Sets how many times a task is run again when the worker running it dies (SIGKILL, the OOM killer,
     * {@code System.exit}), as Ray's {@code max_retries}; none unless set. For idempotent tasks only: a task may have
     * run in part before its worker died. A retried task goes to the head of the queue, to the next free worker;
     * once its retries are spent it fails with the last {@link WorkerDiedException}, the earlier ones suppressed in
     * it. A task that threw is never retried, nor one that was cancelled or timed out (its worker was killed on
     * purpose), nor one whose pool is terminating. A task that kills its own worker every time is run
     * {@code retries + 1} times.
     *
     * @param retries the number of re-runs per task, 0 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code retries} is negative
     */
    public PoolBuilder maxRetries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("maxRetries must be 0 or more, not " + retries);
        }
        this.maxRetries = retries;
        return this;
    }

    /**
     * Sets whether the workers use the JDK's AOT cache (JEP 483, 514, 515) of their class path, and train it in the
     * background when there is none: a worker then starts several times faster (docs/pool.md, "Start-up"). On unless
     * the system property {@code interproc.pool.aotCache} is {@code false}. A cache is trained once per worker
     * command line and set of JARs, by one extra worker JVM after the pool has started, and only when the class path
     * and module path hold JARs only (the JDK caches no class from a directory); {@link Pool#aotCache()} tells when
     * it is ready. A missing, stale or corrupt cache is ignored (the pool works as without one), silently.
     *
     * @param enabled whether to use and train the cache
     * @return this builder
     */
    public PoolBuilder aotCache(boolean enabled) {
        this.aotCache = enabled;
        return this;
    }

    /**
     * Sets the directory of the AOT caches (see {@link #aotCache(boolean)}): the system property
     * {@code interproc.pool.aotCacheDirectory} unless set, else {@code $XDG_CACHE_HOME/interproc/aot}, else
     * {@code ~/.cache/interproc/aot}. The directory keeps the 8 most recently used caches (each tens of megabytes).
     *
     * @param directory the directory, created when a cache is first written
     * @return this builder
     */
    public PoolBuilder aotCacheDirectory(Path directory) {
        this.aotCacheDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Starts the pool and waits until all its workers are ready (they start in parallel).
     *
     * @return the running pool
     * @throws IllegalStateException if a worker could not start, runs other code (its class path hash differs) or
     *     its initializer threw; the others are then terminated
     * @throws InterruptedException if this thread is interrupted while waiting for the workers
     */
    public Pool build() throws InterruptedException {
        return new Pool(this);
    }
}
