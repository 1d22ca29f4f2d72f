package dev.interproc.pool;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The task-taking half of {@link ExecutorService} in terms of {@link #applyAsync}, for {@link Pool}: every task
 * must be serializable, and every result is a {@link CompletableFuture}.
 */
abstract sealed class TaskExecutor implements ExecutorService permits Pool {

    /**
     * Queues a task.
     *
     * @param task the task
     * @param <T> the result type
     * @return the future of its result
     */
    abstract <T> CompletableFuture<T> applyAsync(SerializableCallable<T> task);

    /**
     * Queues a task; a lambda passed here is serializable.
     *
     * @param task the task
     * @param <T> the result type
     * @return the future of its result
     * @throws java.util.concurrent.RejectedExecutionException if the pool is not running
     * @throws IllegalArgumentException if the task cannot be serialized, naming the value that is not
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return applyAsync(task);
    }

    /**
     * Queues a task whose result is null; a lambda passed here is serializable.
     *
     * @param task the task
     * @return the future of null
     * @throws java.util.concurrent.RejectedExecutionException if the pool is not running
     * @throws IllegalArgumentException if the task cannot be serialized, naming the value that is not
     */
    public CompletableFuture<Void> submit(SerializableRunnable task) {
        return applyAsync(new ChildTask.RunnableTask(Objects.requireNonNull(task, "task")));
    }

    /**
     * Queues a task, which must be {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, naming the value that is not
     */
    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        return applyAsync(serializable(task));
    }

    /**
     * Queues a task, which must be {@link Serializable}; its future's result is null.
     *
     * @throws IllegalArgumentException if the task is not serializable, naming the value that is not
     */
    @Override
    public CompletableFuture<?> submit(Runnable task) {
        return submit(serializable(task));
    }

    /**
     * Queues a task, which must be {@link Serializable}, as must {@code result}.
     *
     * @throws IllegalArgumentException if the task is not serializable, naming the value that is not
     */
    @Override
    public <T> CompletableFuture<T> submit(Runnable task, T result) {
        SerializableRunnable runnable = serializable(task);
        return applyAsync(() -> {
            runnable.run();
            return result;
        });
    }

    /**
     * Queues a task, which must be {@link Serializable}.
     *
     * @throws IllegalArgumentException if the task is not serializable, naming the value that is not
     */
    @Override
    public void execute(Runnable command) {
        submit(command);
    }

    /** Queues every task, then waits for all of them; the futures returned are complete. */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> future : futures) {
            try {
                future.get();
            } catch (ExecutionException | java.util.concurrent.CancellationException failed) {
                // Reported by the future itself.
            }
        }
        return futures;
    }

    /** Queues every task, then waits for all of them until the timeout, cancelling those not complete by then. */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks);
        for (Future<T> future : futures) {
            try {
                future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | java.util.concurrent.CancellationException failed) {
                // Reported by the future itself.
            } catch (TimeoutException late) {
                futures.forEach(each -> each.cancel(true));
                break;
            }
        }
        return futures;
    }

    /** Queues every task and returns the first successful result; cancels the others then. */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException never) {
            throw new AssertionError("no timeout", never);
        }
    }

    /** Queues every task and returns the first successful result within the timeout; cancels the others then. */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks");
        }
        List<Future<T>> futures = submitAll(tasks);
        CompletableFuture<T> first = new CompletableFuture<>();
        int[] failures = {0};
        for (Future<T> future : futures) {
            ((CompletableFuture<T>) future).whenComplete((value, failure) -> {
                if (failure == null) {
                    first.complete(value);
                } else {
                    synchronized (failures) {
                        if (++failures[0] == futures.size()) {
                            first.completeExceptionally(failure);
                        }
                    }
                }
            });
        }
        try {
            return first.get(timeout, unit);
        } finally {
            futures.forEach(future -> future.cancel(true));
        }
    }

    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(submit(task));
        }
        return futures;
    }

    @SuppressWarnings("unchecked")
    private static <T> SerializableCallable<T> serializable(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof SerializableCallable<T> callable) {
            return callable;
        }
        if (task instanceof Serializable) {
            return new SerializableCallableAdapter<>(task);
        }
        throw new IllegalArgumentException(
                "the task " + task + " cannot be sent to a worker JVM: " + Wire.culprit(task) + " is not serializable");
    }

    private static SerializableRunnable serializable(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (task instanceof SerializableRunnable runnable) {
            return runnable;
        }
        if (task instanceof Serializable) {
            return task::run;
        }
        throw new IllegalArgumentException(
                "the task " + task + " cannot be sent to a worker JVM: " + Wire.culprit(task) + " is not serializable");
    }

    /**
     * A callable that is serializable without implementing {@link SerializableCallable}.
     *
     * @param callable the callable
     * @param <T> the result type
     */
    private record SerializableCallableAdapter<T>(Callable<T> callable) implements SerializableCallable<T> {
        @Override
        public T call() throws Exception {
            return callable.call();
        }
    }
}
