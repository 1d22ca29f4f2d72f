package dev.interproc.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The results of {@link Pool#imap} or {@link Pool#imapUnordered}, as they come: Python's {@code IMapIterator}. A
 * chunk that failed throws its failure once, at its position, and iteration goes on with the next chunk.
 *
 * <p>{@link #next()} blocks, uninterruptibly, as {@link CompletableFuture#join()} does; {@link #next(Duration)}
 * waits at most the timeout and can be interrupted. Not safe for use by several threads.
 *
 * @param <R> the result type
 */
public final class ResultIterator<R> implements Iterator<R> {

    /** The chunks, in submission order ({@code imap}) or in completion order as they complete ({@code imapUnordered}). */
    private final LinkedBlockingDeque<CompletableFuture<List<R>>> chunks = new LinkedBlockingDeque<>();

    private final Queue<R> ready = new ArrayDeque<>();
    private int chunksLeft;

    private ResultIterator(int chunkCount) {
        this.chunksLeft = chunkCount;
    }

    /** {@return an iterator over the chunks' results in the chunks' order} */
    static <R> ResultIterator<R> ordered(List<CompletableFuture<List<R>>> chunks) {
        ResultIterator<R> iterator = new ResultIterator<>(chunks.size());
        iterator.chunks.addAll(chunks);
        return iterator;
    }

    /** {@return an iterator over the chunks' results in the order the chunks complete} */
    static <R> ResultIterator<R> unordered(List<CompletableFuture<List<R>>> chunks) {
        ResultIterator<R> iterator = new ResultIterator<>(chunks.size());
        chunks.forEach(chunk -> chunk.whenComplete((results, failure) -> iterator.chunks.add(chunk)));
        return iterator;
    }

    @Override
    public boolean hasNext() {
        return !ready.isEmpty() || chunksLeft > 0;
    }

    /**
     * The next result; blocks, uninterruptibly, until it is there.
     *
     * @return the next result
     * @throws CompletionException with the task's failure as its cause, if the chunk holding the next result failed
     * @throws java.util.concurrent.CancellationException if that chunk was cancelled, as by {@link Pool#terminate()}
     * @throws NoSuchElementException if there are no more results
     */
    @Override
    public R next() {
        while (ready.isEmpty()) {
            CompletableFuture<List<R>> chunk = takeUninterruptibly();
            ready.addAll(chunk.join());
        }
        return ready.remove();
    }

    /**
     * The next result, waiting at most {@code timeout} for it (Python's {@code next(timeout)}).
     *
     * @param timeout how long to wait
     * @return the next result
     * @throws TimeoutException if it did not come in time; a later call may still return it
     * @throws InterruptedException if this thread is interrupted while waiting
     * @throws CompletionException with the task's failure as its cause, if the chunk holding the next result failed
     * @throws java.util.concurrent.CancellationException if that chunk was cancelled, as by {@link Pool#terminate()}
     * @throws NoSuchElementException if there are no more results
     */
    public R next(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ready.isEmpty()) {
            checkHasNext();
            CompletableFuture<List<R>> chunk = chunks.pollFirst(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (chunk == null) {
                throw new TimeoutException("no result within " + timeout);
            }
            try {
                chunk.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException notYet) {
                chunks.putFirst(chunk);
                throw new TimeoutException("no result within " + timeout);
            } catch (ExecutionException failed) {
                // join() below throws the failure, as next() does.
            }
            chunksLeft--;
            ready.addAll(chunk.join());
        }
        return ready.remove();
    }

    private CompletableFuture<List<R>> takeUninterruptibly() {
        checkHasNext();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    CompletableFuture<List<R>> chunk = chunks.takeFirst();
                    chunksLeft--;
                    return chunk;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkHasNext() {
        if (chunksLeft == 0) {
            throw new NoSuchElementException("no more results");
        }
    }
}
