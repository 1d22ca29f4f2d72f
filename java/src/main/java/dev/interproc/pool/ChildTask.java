package dev.interproc.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One task run in a new child JVM: Python's {@code multiprocessing.Process(target=...)}. Named so as not to be
 * mistaken for {@link java.lang.Process} (the operating-system process, which this wraps) nor for
 * {@link dev.interproc.process.JavaProcess} (the launcher it is started with): what it stands for is the task.
 *
 * <p>The task is serialized when the {@code ChildTask} is made, so an unserializable one is refused there, naming the
 * captured value that is not serializable. {@link #start()} starts the child JVM with this JVM's class path and
 * waits for its handshake, which refuses a child that runs other code; the child runs the task, sends its
 * {@linkplain #result() result} or failure back and exits with 0, or 1 if the task failed. The child never outlives
 * this JVM: it exits as soon as its connection to this JVM ends, also when this JVM is killed with SIGKILL.
 *
 * <p>Instances are safe for use by several threads; {@link #start()} may be called once.
 *
 * @param <T> the task's result type
 */
public final class ChildTask<T> implements AutoCloseable {

    private static final AtomicInteger NUMBERS = new AtomicInteger();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final byte[] task;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile Worker worker;

    /**
     * A child task named {@code ChildTask-N}.
     *
     * @param task what the child runs
     * @throws IllegalArgumentException if the task cannot be serialized; the message names the captured value or
     *     field that is not
     */
    public ChildTask(SerializableCallable<T> task) {
        this("ChildTask-" + NUMBERS.incrementAndGet(), task);
    }

    /**
     * A child task with a name.
     *
     * @param name the name, for messages and the child's threads
     * @param task what the child runs
     * @throws IllegalArgumentException if the task cannot be serialized; the message names the captured value or
     *     field that is not
     */
    public ChildTask(String name, SerializableCallable<T> task) {
        this.name = Objects.requireNonNull(name, "name");
        this.task = Wire.encodeTask(Objects.requireNonNull(task, "task"));
    }

    /**
     * A child task that runs a {@link SerializableRunnable}; its result is null.
     *
     * @param name the name, for messages and the child's threads
     * @param task what the child runs
     * @return the child task, not started
     * @throws IllegalArgumentException if the task cannot be serialized
     */
    public static ChildTask<Void> ofRunnable(String name, SerializableRunnable task) {
        Objects.requireNonNull(task, "task");
        return new ChildTask<>(name, new RunnableTask(task));
    }

    /**
     * Starts the child JVM, waits for its handshake and sends it the task; blocks for the JVM's start-up, a few
     * hundred milliseconds.
     *
     * @throws IllegalStateException if this task was started before, or the child runs other code than this JVM
     *     (their class path hashes differ); the child is then killed
     * @throws UncheckedIOException if the child could not be started, ended or sent no handshake within a minute
     * @throws InterruptedException if this thread is interrupted while waiting for the handshake; the child is
     *     killed
     */
    public synchronized void start() throws InterruptedException {
        if (worker != null) {
            throw new IllegalStateException(name + " was started already: a child task can only be started once");
        }
        try {
            String hash = ClassPathHash.current();
            // The AOT cache of a pool's workers without options fits this child too, when there is one.
            List<String> options = AotCache.enabledByDefault()
                    ? AotCache.of(AotCache.defaultDirectory(), List.of(), hash).options()
                    : List.of();
            worker = Worker.start(name, options, hash, START_TIMEOUT, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("cannot start " + name, e));
        }
        try {
            worker.send(new Wire.Job(0, true, 0, task, null).encode());
        } catch (IOException diedAfterItsHandshake) {
            // Receiving the outcome below meets the same end and fails the result with WorkerDiedException.
        }
        Thread.ofPlatform().daemon().name(name + " result").start(this::awaitOutcome);
    }

    @SuppressWarnings("unchecked")
    private void awaitOutcome() {
        Worker started = worker;
        try {
            Wire.Outcome outcome = started.receive(name);
            started.close();
            if (outcome.failure() == null) {
                result.complete((T) outcome.value());
            } else {
                result.completeExceptionally(RemoteTaskException.chainedTo(outcome.failure(), started.toString()));
            }
        } catch (WorkerDiedException died) {
            started.close();
            result.completeExceptionally(died);
        }
    }

    /**
     * The task's result, or its failure: what the task threw (with the child's stack trace as its cause, a
     * {@link RemoteTaskException}), or {@link WorkerDiedException} if the child ended first. Completes after the
     * child has exited. Cancelling it does not stop the child; {@link #kill()} does.
     *
     * @return the future of the result
     */
    public CompletableFuture<T> result() {
        return result;
    }

    /**
     * Waits for the child to exit.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if it has exited, {@code false} if it still runs after the timeout
     * @throws IllegalStateException if this task was not started
     * @throws InterruptedException if this thread is interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return started().process().process().waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The child's exit code: 0 after the task succeeded, 1 after it failed, 128 + the signal number when a signal
     * ended it (137 for SIGKILL, 143 for SIGTERM). Python gives minus the signal number instead.
     *
     * @return the exit code, or empty if the task was not started or the child still runs
     */
    public OptionalInt exitCode() {
        Worker started = worker;
        if (started == null || started.process().isAlive()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(started.process().process().exitValue());
    }

    /** {@return whether the child was started and has not exited yet} */
    public boolean isAlive() {
        Worker started = worker;
        return started != null && started.process().isAlive();
    }

    /**
     * The child's pid.
     *
     * @return the pid
     * @throws IllegalStateException if this task was not started
     */
    public long pid() {
        return started().pid();
    }

    /** {@return the name} */
    public String name() {
        return name;
    }

    /**
     * Sends SIGTERM to the child and returns at once: its shutdown hooks run, then it exits with 143.
     *
     * @throws IllegalStateException if this task was not started
     */
    public void terminate() {
        started().terminate();
    }

    /**
     * Sends SIGKILL to the child and returns at once: nothing more runs in it, and it exits with 137.
     *
     * @throws IllegalStateException if this task was not started
     */
    public void kill() {
        started().kill();
    }

    /** Kills the child if it still runs and waits for it to end. Does nothing if it was not started. */
    @Override
    public void close() {
        Worker started = worker;
        if (started != null) {
            started.kill();
            started.close();
        }
    }

    private Worker started() {
        Worker started = worker;
        if (started == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return started;
    }

    @Override
    public String toString() {
        Worker started = worker;
        return started == null ? name + " (not started)" : started.toString();
    }

    /**
     * A runnable as a callable of null, for {@link #ofRunnable}.
     *
     * @param runnable the task
     */
    record RunnableTask(SerializableRunnable runnable) implements SerializableCallable<Void> {
        @Override
        public Void call() {
            runnable.run();
            return null;
        }
    }
}
