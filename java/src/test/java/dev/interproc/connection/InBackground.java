package dev.interproc.connection;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** One side of a connection run on another thread, for tests that drive the other side on their own thread. */
final class InBackground {

    /** A step that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoStep<T> {
        T run() throws IOException;
    }

    private InBackground() {}

    /**
     * Runs {@code step} on a new platform thread, not a pool's: steps block on sockets and pipes, and a shared pool
     * (one thread on two cores) could starve them. {@code get()} reports what it threw as its cause.
     */
    static <T> CompletableFuture<T> supply(IoStep<T> step) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return step.run();
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                },
                task -> Thread.ofPlatform().daemon().start(task));
    }
}
