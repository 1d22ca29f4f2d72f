package dev.interproc.pool;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A function applied to a chunk of items in a worker, Python's {@code mapstar}: what {@link Pool#map} and its kin
 * send, one message per chunk.
 *
 * @param function the function
 * @param items the chunk, a serializable copy
 * @param <T> the item type
 * @param <R> the result type
 */
record ChunkTask<T, R>(SerializableFunction<T, R> function, ArrayList<T> items)
        implements SerializableCallable<List<R>> {

    @Override
    public List<R> call() {
        return applyTo(function, items);
    }

    /**
     * Python's {@code mapstar}: the function applied to each item, in order, in this JVM.
     *
     * @param function the function
     * @param items the items
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, a new {@link ArrayList}
     */
    static <T, R> ArrayList<R> applyTo(Function<? super T, ? extends R> function, List<? extends T> items) {
        ArrayList<R> results = new ArrayList<>(items.size());
        for (T item : items) {
            results.add(function.apply(item));
        }
        return results;
    }

    /**
     * Encodes a chunk's items for its {@link Wire.Job}.
     *
     * @param items the chunk
     * @param description the chunk, for the message
     * @return the encoding
     * @throws IllegalArgumentException if an item cannot be serialized
     */
    static byte[] encodeItems(ArrayList<?> items, String description) {
        try {
            return Values.encode(items);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the items of the " + description + " cannot be sent to a worker JVM: an item is not serializable ("
                            + e + ")",
                    e);
        }
    }

    /**
     * Two arguments of a {@code starmap} item, a serializable copy of its {@link Map.Entry} (whose
     * {@code Map.entry} form is not serializable).
     *
     * @param first the entry's key
     * @param second the entry's value
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     */
    record Pair<A, B>(A first, B second) implements Serializable {

        /** {@return the entries' pairs, in order} */
        static <A, B> List<Pair<A, B>> of(List<? extends Map.Entry<? extends A, ? extends B>> entries) {
            List<Pair<A, B>> pairs = new ArrayList<>(entries.size());
            for (Map.Entry<? extends A, ? extends B> entry : entries) {
                pairs.add(new Pair<>(entry.getKey(), entry.getValue()));
            }
            return pairs;
        }
    }

    /**
     * A function of two arguments applied to a {@link Pair}: Python's {@code starmapstar}.
     *
     * @param function the function
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     */
    record Spread<A, B, R>(SerializableBiFunction<A, B, R> function) implements SerializableFunction<Pair<A, B>, R> {

        @Override
        public R apply(Pair<A, B> pair) {
            return function.apply(pair.first(), pair.second());
        }
    }

    /**
     * Python's default chunk size for {@code map}: the items spread over four chunks per worker, rounded up.
     *
     * @param items how many items
     * @param workers how many workers
     * @return {@code ceil(items / (4 * workers))}, at least 1
     */
    static int defaultSize(int items, int workers) {
        int chunks = 4 * workers;
        return Math.max(1, (items + chunks - 1) / chunks);
    }

    /**
     * Cuts items into chunks.
     *
     * @param items the items
     * @param size the chunk size, positive
     * @param <T> the item type
     * @return the chunks, in order; the last may be shorter
     */
    static <T> List<ArrayList<T>> split(List<? extends T> items, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("chunksize must be positive, not " + size);
        }
        List<ArrayList<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(new ArrayList<>(items.subList(from, Math.min(items.size(), from + size))));
        }
        return chunks;
    }

    /**
     * The results of every chunk, in order, as {@code map_async} gives them.
     *
     * @param chunks the chunks' futures, in the items' order
     * @param items how many items the chunks hold
     * @param <R> the result type
     * @return a future of the concatenated results; it fails as soon as one chunk fails, with its failure; cancelling
     *     it, also once it has failed, cancels every chunk alike (with {@code true}, a running chunk's worker is
     *     killed)
     */
    static <R> CompletableFuture<List<R>> concatenation(List<CompletableFuture<List<R>>> chunks, int items) {
        CompletableFuture<List<R>> all = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                // Also once it has failed (a chunk failed, or orTimeout): the chunks left are of no use then.
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled || isCompletedExceptionally()) {
                    chunks.forEach(chunk -> chunk.cancel(mayInterruptIfRunning));
                }
                return cancelled;
            }
        };
        chunks.forEach(chunk -> chunk.whenComplete((results, failure) -> {
            if (failure != null) {
                all.completeExceptionally(failure);
            }
        }));
        CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).thenRun(() -> {
            List<R> results = new ArrayList<>(items);
            chunks.forEach(chunk -> results.addAll(chunk.join()));
            all.complete(results);
        });
        return all;
    }
}
