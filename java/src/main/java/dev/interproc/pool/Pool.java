package dev.interproc.pool;

import dev.interproc.internal.wait.YieldSpin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Worker JVMs that run tasks: Python's {@code multiprocessing.Pool}, and an {@link ExecutorService}. The workers
 * start in parallel when the pool is made and are reused; each is a child JVM with this JVM's class path, fed one
 * task at a time over its own connection (docs/pool.md). Tasks are {@link SerializableCallable}s (a lambda passed to
 * {@link #submit(SerializableCallable)} or {@link #applyAsync} is one), serialized in the caller's thread: one that
 * cannot be is refused there with {@link IllegalArgumentException}, naming the captured value that is not
 * serializable. {@code submit(Callable)} and {@code submit(Runnable)} take only serializable tasks, too.
 *
 * <p><b>Results</b> are {@link CompletableFuture}s. A task's exception reaches the caller with its type and message,
 * the worker's stack trace its cause ({@link RemoteTaskException}, Python's {@code RemoteTraceback}).
 *
 * <p><b>Death.</b> A worker that dies while running a task (SIGKILL, the OOM killer, {@code System.exit}) fails
 * that task with {@link WorkerDiedException} as soon as its connection ends (or runs it again, {@linkplain
 * PoolBuilder#maxRetries if asked}), and is replaced; every other task goes on. A worker that died idle loses nothing: the task sent to it next goes to its replacement. {@code cancel(true)}
 * of a running task's future, and a task's {@linkplain #applyAsync(SerializableCallable, Duration) timeout}, kill
 * exactly the worker running it, which is replaced.
 *
 * <p><b>States</b>, as Python's: running; {@link #shutdown()} (Python's {@code close()}) refuses new tasks and lets
 * the queued ones finish; {@link #terminate()} (also {@link #shutdownNow()}) kills the workers at once and cancels
 * what has not finished. New tasks after either throw {@link RejectedExecutionException} ("Pool not running");
 * {@link #join()} before either throws {@link IllegalStateException}. {@link #close()}, for try-with-resources, is
 * {@link ExecutorService#close()}: shutdown and wait for every task, where Python's {@code with} block terminates.
 *
 * <p>Instances are safe for use by several threads.
 */
public final class Pool extends TaskExecutor {

    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TERMINATE_PATIENCE = Duration.ofSeconds(1);

    private enum State {
        RUNNING,
        CLOSED,
        TERMINATED
    }

    private final LinkedBlockingDeque<Submission> queue = new LinkedBlockingDeque<>();
    private final List<WorkerSlot> slots = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final AtomicInteger liveSlots;
    private final AtomicInteger idleSlots = new AtomicInteger();
    private final int maxRetries;
    private final CompletableFuture<Optional<Path>> aotCache;
    /** How long {@link #apply} spins for its result before it blocks: the workers' receive spin. */
    private final long applySpinNanos;

    Pool(PoolBuilder options) throws InterruptedException {
        int workers = options.workers;
        List<String> userOptions = List.copyOf(options.jvmOptions);
        byte[] initializer = options.initializer;
        liveSlots = new AtomicInteger(workers);
        maxRetries = options.maxRetries;
        String hash = ClassPathHash.current();
        AotCache aot = options.aotCache
                ? AotCache.of(
                        options.aotCacheDirectory != null ? options.aotCacheDirectory : AotCache.defaultDirectory(),
                        userOptions,
                        hash)
                : null;
        List<String> jvmOptions = new ArrayList<>(aot != null ? aot.options() : List.of());
        jvmOptions.addAll(userOptions);
        String name = "Pool-" + POOLS.incrementAndGet();
        for (int i = 1; i <= workers; i++) {
            WorkerSlot slot = new WorkerSlot(
                    name + "-worker-" + i,
                    queue,
                    () -> state.get() == State.TERMINATED,
                    workerName -> Worker.start(workerName, jvmOptions, hash, START_TIMEOUT, initializer),
                    options.maxTasksPerWorker,
                    idleSlots,
                    this::slotStopped);
            slots.add(slot);
            threads.add(Thread.ofPlatform().daemon().name(name + " slot " + i).start(slot));
        }
        Duration spin = Duration.ZERO;
        for (WorkerSlot slot : slots) {
            try {
                spin = slot.started().get().receiveSpin();
            } catch (ExecutionException e) {
                terminate();
                throw new IllegalStateException("a worker of " + name + " could not start", e.getCause());
            }
        }
        aotCache = aot != null
                ? aot.trainIfMissing(userOptions, hash)
                : CompletableFuture.completedFuture(Optional.empty());
        applySpinNanos = spin.toNanos();
    }

    /**
     * Starts a pool of {@code workers} workers and waits until all are ready (they start in parallel); for more
     * options, {@link #builder()}.
     *
     * @param workers how many worker JVMs
     * @param jvmOptions options for each worker JVM, such as {@code -Xmx256m}
     * @return the running pool
     * @throws IllegalArgumentException if {@code workers} is not positive
     * @throws IllegalStateException if a worker could not start, or runs other code (its class path hash differs);
     *     the others are then terminated
     * @throws InterruptedException if this thread is interrupted while waiting for the workers
     */
    public static Pool create(int workers, String... jvmOptions) throws InterruptedException {
        return builder().workers(workers).jvmOptions(jvmOptions).build();
    }

    /**
     * Starts configuring a pool: its workers, their JVM options, an initializer, the tasks a worker runs before it
     * is replaced.
     *
     * @return a new builder
     */
    public static PoolBuilder builder() {
        return new PoolBuilder();
    }

    /**
     * The AOT cache the workers of later pools start with ({@link PoolBuilder#aotCache(boolean)}): complete at once
     * if it existed when this pool was made (this pool's workers used it), or once this pool has trained it in the
     * background; empty if the pool uses no cache, none can be trained (a directory on the class path) or the
     * training failed. Never completes exceptionally; waiting on it is the way to have a cache before a pool whose
     * start-up counts (a benchmark, a service's first request).
     *
     * @return the future of the cache file
     */
    public CompletableFuture<Optional<Path>> aotCache() {
        return aotCache.copy();
    }

    // ------------------------------------------------------------------------------------------- Python's API

    /**
     * Runs a task in a worker and waits for its result (Python's {@code apply}). The wait first spins, yielding the
     * processor, for as long as the workers' connections spin for a reply ({@link
     * dev.interproc.connection.Connection#setReceiveSpin}, 50 us by default), then blocks.
     *
     * @param task the task
     * @param <T> the result type
     * @return its result
     * @throws ExecutionException if the task threw (its exception the cause) or its worker died
     *     ({@link WorkerDiedException} the cause)
     * @throws InterruptedException if this thread is interrupted while waiting; the task goes on
     * @throws RejectedExecutionException if the pool is not running
     * @throws IllegalArgumentException if the task cannot be serialized
     */
    public <T> T apply(SerializableCallable<T> task) throws ExecutionException, InterruptedException {
        CompletableFuture<T> result = applyAsync(task);
        // A trivial task's result comes within microseconds: spinning for it, as the workers' connections spin for
        // theirs, spares this thread a wake-up from get(), tens of microseconds on an idle virtual machine.
        // An interrupt ends the spin, so that get() throws as it would have.
        YieldSpin.whileUncontended(
                () -> result.isDone() || Thread.currentThread().isInterrupted() ? 1 : 0,
                applySpinNanos,
                YieldSpin.NO_DEADLINE);
        return result.get();
    }

    /**
     * Queues a task (Python's {@code apply_async}); callbacks are the future's {@code whenComplete} and kin.
     * {@code cancel(true)} on the future kills the worker if the task is running (the pool replaces it); a
     * cancelled task not started yet is skipped.
     *
     * @param task the task
     * @param <T> the result type
     * @return the future of its result
     * @throws RejectedExecutionException if the pool is not running
     * @throws IllegalArgumentException if the task cannot be serialized
     */
    @Override
    public <T> CompletableFuture<T> applyAsync(SerializableCallable<T> task) {
        return queue(task, null);
    }

    /**
     * As {@link #applyAsync(SerializableCallable)}, with a time limit: a task still running {@code timeout} after
     * it was sent to a worker fails with {@link java.util.concurrent.TimeoutException} and its worker is killed
     * and replaced; the other workers go on (Python has no such limit).
     *
     * @param task the task
     * @param timeout how long it may run in a worker
     * @param <T> the result type
     * @return the future of its result
     * @throws RejectedExecutionException if the pool is not running
     * @throws IllegalArgumentException if the task cannot be serialized
     */
    public <T> CompletableFuture<T> applyAsync(SerializableCallable<T> task, Duration timeout) {
        return queue(task, Objects.requireNonNull(timeout, "timeout"));
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> queue(SerializableCallable<T> task, Duration timeout) {
        Objects.requireNonNull(task, "task");
        Submission submission = new Submission(task, "task " + task, timeout);
        enqueue(submission);
        return (CompletableFuture<T>) (CompletableFuture<?>) submission.future;
    }

    /**
     * Applies a function to every item in the workers, with Python's default chunk size, and waits (Python's
     * {@code map}).
     *
     * @param function the function
     * @param items the items, each serializable
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in the items' order
     * @throws ExecutionException with the first failure (by completion) as its cause
     * @throws InterruptedException if this thread is interrupted while waiting; the tasks go on
     */
    public <T, R> List<R> map(SerializableFunction<T, R> function, List<? extends T> items)
            throws ExecutionException, InterruptedException {
        return mapAsync(function, items, defaultChunkSize(items)).get();
    }

    /**
     * Applies a function to every item, one message per {@code chunksize} items (Python's {@code map_async}).
     *
     * @param function the function
     * @param items the items, each serializable
     * @param chunksize how many items go to a worker at once, positive
     * @param <T> the item type
     * @param <R> the result type
     * @return the future of the results, in the items' order; it fails as soon as one chunk fails, with its failure
     *     (the other chunks still run, as in Python); cancelling it cancels the chunks: those not started are
     *     skipped, and {@code cancel(true)} kills the workers running one (the pool replaces them)
     * @throws IllegalArgumentException if {@code chunksize} is not positive, or an item cannot be serialized
     * @throws RejectedExecutionException if the pool is not running
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(
            SerializableFunction<T, R> function, List<? extends T> items, int chunksize) {
        return ChunkTask.concatenation(submitChunks(function, items, chunksize), items.size());
    }

    /**
     * Python's {@code mapAsync} with its default chunk size: the items spread over four chunks per worker.
     *
     * @param function the function
     * @param items the items, each serializable
     * @param <T> the item type
     * @param <R> the result type
     * @return the future of the results, as {@link #mapAsync(SerializableFunction, List, int)}
     */
    public <T, R> CompletableFuture<List<R>> mapAsync(SerializableFunction<T, R> function, List<? extends T> items) {
        return mapAsync(function, items, defaultChunkSize(items));
    }

    /**
     * Applies a function to every item and returns the results in order as they come (Python's {@code imap}): a
     * failed item throws at its position and the iteration goes on.
     *
     * @param function the function
     * @param items the items, each serializable
     * @param chunksize how many items go to a worker at once, positive (Python's default is 1)
     * @param <T> the item type
     * @param <R> the result type
     * @return the iterator of the results
     */
    public <T, R> ResultIterator<R> imap(SerializableFunction<T, R> function, List<? extends T> items, int chunksize) {
        return ResultIterator.ordered(submitChunks(function, items, chunksize));
    }

    /**
     * As {@link #imap}, in the order the chunks complete (Python's {@code imap_unordered}).
     *
     * @param function the function
     * @param items the items, each serializable
     * @param chunksize how many items go to a worker at once, positive (Python's default is 1)
     * @param <T> the item type
     * @param <R> the result type
     * @return the iterator of the results
     */
    public <T, R> ResultIterator<R> imapUnordered(
            SerializableFunction<T, R> function, List<? extends T> items, int chunksize) {
        return ResultIterator.unordered(submitChunks(function, items, chunksize));
    }

    /**
     * Applies a function of two arguments to every pair, with Python's default chunk size, and waits (Python's
     * {@code starmap}). A pair is a {@link Map.Entry}, such as {@code Map.entry(a, b)}; for more arguments,
     * {@link #map} over records does it ({@code map(r -> f(r.a(), r.b(), r.c()), records)}).
     *
     * @param function the function
     * @param pairs the pairs of arguments, each key and value serializable
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results, in the pairs' order
     * @throws ExecutionException with the first failure (by completion) as its cause
     * @throws InterruptedException if this thread is interrupted while waiting; the tasks go on
     */
    public <A, B, R> List<R> starmap(
            SerializableBiFunction<A, B, R> function, List<? extends Map.Entry<? extends A, ? extends B>> pairs)
            throws ExecutionException, InterruptedException {
        return starmapAsync(function, pairs, defaultChunkSize(pairs)).get();
    }

    /**
     * As {@link #starmap}, one message per {@code chunksize} pairs, without waiting (Python's {@code starmap_async}).
     *
     * @param function the function
     * @param pairs the pairs of arguments, each key and value serializable
     * @param chunksize how many pairs go to a worker at once, positive
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the future of the results, in the pairs' order; it fails as soon as one chunk fails, with its failure
     * @throws IllegalArgumentException if {@code chunksize} is not positive, or an argument cannot be serialized
     * @throws RejectedExecutionException if the pool is not running
     */
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(
            SerializableBiFunction<A, B, R> function,
            List<? extends Map.Entry<? extends A, ? extends B>> pairs,
            int chunksize) {
        return mapAsync(
                new ChunkTask.Spread<>(Objects.requireNonNull(function, "function")),
                ChunkTask.Pair.of(pairs),
                chunksize);
    }

    /**
     * {@link #starmapAsync(SerializableBiFunction, List, int)} with Python's default chunk size.
     *
     * @param function the function
     * @param pairs the pairs of arguments, each key and value serializable
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the future of the results, in the pairs' order
     */
    public <A, B, R> CompletableFuture<List<R>> starmapAsync(
            SerializableBiFunction<A, B, R> function, List<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        return starmapAsync(function, pairs, defaultChunkSize(pairs));
    }

    private int defaultChunkSize(List<?> items) {
        return ChunkTask.defaultSize(items.size(), slots.size());
    }

    @SuppressWarnings("unchecked")
    private <T, R> List<CompletableFuture<List<R>>> submitChunks(
            SerializableFunction<T, R> function, List<? extends T> items, int chunksize) {
        Objects.requireNonNull(function, "function");
        // Encoded once for all chunks; a function holding state is kept decoded by a worker for this call only.
        Wire.Encoded encoded = Wire.encodeFunction(function);
        Wire.Encoded once = encoded.key() != 0 ? encoded : new Wire.Encoded(Wire.newKey(), encoded.bytes());
        List<Submission> submissions = new ArrayList<>();
        long batch = Wire.newKey();
        for (ArrayList<T> chunk : ChunkTask.<T>split(items, chunksize)) {
            String description =
                    "chunk of " + chunk.size() + " items from " + chunk.getFirst() + " of map(" + function + ")";
            submissions.add(new Submission(
                    new ChunkTask<>(function, chunk),
                    description,
                    null,
                    once,
                    ChunkTask.encodeItems(chunk, description),
                    batch));
        }
        List<CompletableFuture<List<R>>> futures = new ArrayList<>();
        for (Submission submission : submissions) {
            enqueue(submission);
            futures.add((CompletableFuture<List<R>>) (CompletableFuture<?>) submission.future);
        }
        return futures;
    }

    private void enqueue(Submission submission) {
        if (state.get() != State.RUNNING) {
            throw new RejectedExecutionException("Pool not running");
        }
        if (liveSlots.get() == 0) {
            throw new RejectedExecutionException("Pool has no worker left: replacements failed to start");
        }
        submission.retriesLeft = maxRetries;
        queue.add(submission);
    }

    /** When the last slot has stopped without a shutdown, nothing would serve the queue: fail what it holds. */
    private void slotStopped() {
        if (liveSlots.decrementAndGet() == 0) {
            failQueued(() -> new RejectedExecutionException("no worker left to run it"));
        }
    }

    private List<Submission> failQueued(java.util.function.Supplier<RuntimeException> why) {
        List<Submission> drained = new ArrayList<>();
        queue.drainTo(drained);
        drained.remove(Submission.STOP);
        drained.forEach(submission -> submission.future.completeExceptionally(why.get()));
        return drained;
    }

    /**
     * The pids of the current workers, in slot order; a dead worker's pid stays until it is replaced.
     *
     * @return a new list of pids
     */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (WorkerSlot slot : slots) {
            Worker worker = slot.worker();
            if (worker != null) {
                pids.add(worker.pid());
            }
        }
        return pids;
    }

    /** {@return how many workers the pool keeps} */
    public int size() {
        return slots.size();
    }

    // -------------------------------------------------------------------------------------------- lifecycle

    /**
     * Python's {@code close()}: refuses new tasks; the queued ones run, then the workers exit. Does not block.
     * Does nothing after {@link #terminate()}.
     */
    @Override
    public void shutdown() {
        if (state.compareAndSet(State.RUNNING, State.CLOSED)) {
            slots.forEach(slot -> queue.add(Submission.STOP));
        }
    }

    /**
     * Kills every worker at once (SIGKILL, so a task cannot delay it) and cancels every task not finished: queued
     * tasks' futures and running tasks' futures fail with {@link CancellationException}. Waits up to about a
     * second for the workers to be reaped, whatever they do.
     */
    public void terminate() {
        if (state.getAndSet(State.TERMINATED) == State.TERMINATED) {
            return;
        }
        failQueued(() -> new CancellationException("the pool was terminated"));
        slots.forEach(slot -> queue.add(Submission.STOP));
        slots.forEach(WorkerSlot::kill);
        try {
            awaitTermination(TERMINATE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@link #terminate()}, returning the tasks that never started: the {@link SerializableCallable}s given, as
     * runnables that call them.
     *
     * @return the tasks that never started
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> neverStarted = new ArrayList<>();
        for (Submission submission : queue) {
            if (submission != Submission.STOP) {
                neverStarted.add(submission.asRunnable());
            }
        }
        terminate();
        return neverStarted;
    }

    /**
     * Waits for the workers to exit, after {@link #shutdown()} or {@link #terminate()} (Python's {@code join()}).
     *
     * @throws IllegalStateException if the pool is still running
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public void join() throws InterruptedException {
        if (state.get() == State.RUNNING) {
            throw new IllegalStateException("Pool is still running");
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    @Override
    public boolean isShutdown() {
        return state.get() != State.RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return isShutdown() && threads.stream().noneMatch(Thread::isAlive);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                return isTerminated();
            }
        }
        return isTerminated();
    }

    @Override
    public String toString() {
        return "Pool[" + state.get() + ", workers " + workerPids() + ", queued " + queue.size() + "]";
    }
}
