package dev.interproc.bench.pool;

import dev.interproc.pool.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The pool suite: {@link Pool} beside an in-JVM {@link ForkJoinPool} (the limit without a process boundary), doing
 * the work of bench/python/pool_bench.py (Python's {@code multiprocessing.Pool} and {@code ProcessPoolExecutor}).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.interproc.bench.pool.PoolBenchmark [REPETITIONS [WORKERS
 * [APPLIES [TASKS]]]]} (3, 2, 20000, 100000). Operations, each the median over the repetitions, after a warm-up:
 *
 * <ul>
 *   <li>{@code apply}: APPLIES sequential {@code apply} round trips of a trivial task: p50 and p99;
 *   <li>{@code mapChunk1}: {@code map} of TASKS trivial items with chunk size 1;
 *   <li>{@code mapDefault}: the same with Python's default chunks, {@code ceil(TASKS / (4 x WORKERS))};
 *   <li>{@code firstResult}: from the pool's creation to the first {@code apply}'s result, 2 workers, once the
 *       workers' AOT cache exists (a first pool trains it, and is not measured).
 * </ul>
 *
 * Prints {@code result suite=pool impl=I op=O processes=WORKERS ops_per_s=MEDIAN reps=R1,... [p50_us= p99_us=]
 * [ms=]}. Worker JVM options may be given in the system property {@code pool.jvmOptions} (space-separated).
 */
public final class PoolBenchmark {

    private PoolBenchmark() {}

    /** The trivial task of {@code apply}. */
    static int one() {
        return 1;
    }

    /** The trivial function of {@code map}. */
    static int inc(int x) {
        return x + 1;
    }

    /** An implementation under measure: opened with a number of workers, then apply and map. */
    interface Impl extends AutoCloseable {
        int apply() throws Exception;

        List<Integer> map(List<Integer> items, int chunksize) throws Exception;

        @Override
        void close();
    }

    interface Opener {
        Impl open(int workers) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int applies = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int tasks = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        String[] jvmOptions = System.getProperty("pool.jvmOptions", "").isBlank()
                ? new String[0]
                : System.getProperty("pool.jvmOptions").trim().split("\\s+");
        try (Pool warm = Pool.create(2, jvmOptions)) {
            // The workers' AOT cache: trained by the first pool of a class path, used by every later one.
            System.out.println("# workers' AOT cache: " + warm.aotCache().get());
        }
        measure("java-pool", n -> interproc(Pool.create(n, jvmOptions)), reps, workers, applies, tasks);
        measure("java-forkjoin", PoolBenchmark::forkJoin, reps, workers, applies, tasks);
    }

    static void measure(String name, Opener opener, int reps, int workers, int applies, int tasks) throws Exception {
        List<Integer> items = IntStream.range(0, tasks).boxed().toList();
        List<Integer> expected = items.stream().map(PoolBenchmark::inc).toList();
        double[] firsts = new double[reps];
        for (int r = 0; r < reps; r++) {
            long began = System.nanoTime();
            try (Impl impl = opener.open(2)) {
                impl.apply();
                firsts[r] = (System.nanoTime() - began) / 1e9;
            }
        }
        line(
                name,
                "firstResult",
                2,
                Arrays.stream(firsts).map(f -> 1 / f).toArray(),
                String.format(" ms=%.1f", median(firsts) * 1e3));
        try (Impl impl = opener.open(workers)) {
            for (int i = 0; i < Math.min(applies, 5_000); i++) {
                impl.apply();
            }
            impl.map(items, 1);
            impl.map(items, defaultChunks(tasks, workers));
            double[] rates = new double[reps];
            double[] p50s = new double[reps];
            double[] p99s = new double[reps];
            long[] times = new long[applies];
            for (int r = 0; r < reps; r++) {
                long began = System.nanoTime();
                for (int i = 0; i < applies; i++) {
                    long t = System.nanoTime();
                    impl.apply();
                    times[i] = System.nanoTime() - t;
                }
                rates[r] = applies / ((System.nanoTime() - began) / 1e9);
                Arrays.sort(times);
                p50s[r] = times[applies / 2] / 1e3;
                p99s[r] = times[(int) (applies * 99L / 100)] / 1e3;
            }
            line(name, "apply", workers, rates, String.format(" p50_us=%.1f p99_us=%.1f", median(p50s), median(p99s)));
            for (int chunksize : new int[] {1, defaultChunks(tasks, workers)}) {
                for (int r = 0; r < reps; r++) {
                    long began = System.nanoTime();
                    List<Integer> results = impl.map(items, chunksize);
                    rates[r] = tasks / ((System.nanoTime() - began) / 1e9);
                    if (!results.equals(expected)) {
                        throw new AssertionError(name + " map returned wrong results");
                    }
                }
                line(name, chunksize == 1 ? "mapChunk1" : "mapDefault", workers, rates, " chunksize=" + chunksize);
            }
        }
    }

    static int defaultChunks(int items, int workers) {
        return Math.max(1, (items + 4 * workers - 1) / (4 * workers));
    }

    static Impl interproc(Pool pool) {
        return new Impl() {
            @Override
            public int apply() throws Exception {
                return pool.apply(PoolBenchmark::one);
            }

            @Override
            public List<Integer> map(List<Integer> items, int chunksize) throws Exception {
                return pool.mapAsync(PoolBenchmark::inc, items, chunksize).get();
            }

            @Override
            public void close() {
                pool.terminate();
            }
        };
    }

    static Impl forkJoin(int workers) {
        ForkJoinPool pool = new ForkJoinPool(workers);
        return new Impl() {
            @Override
            public int apply() throws Exception {
                return pool.submit(PoolBenchmark::one).get();
            }

            @Override
            public List<Integer> map(List<Integer> items, int chunksize) throws Exception {
                List<Future<List<Integer>>> chunks = new ArrayList<>();
                for (int from = 0; from < items.size(); from += chunksize) {
                    List<Integer> chunk = items.subList(from, Math.min(items.size(), from + chunksize));
                    chunks.add(pool.submit(() -> {
                        List<Integer> out = new ArrayList<>(chunk.size());
                        for (int x : chunk) {
                            out.add(inc(x));
                        }
                        return out;
                    }));
                }
                List<Integer> results = new ArrayList<>(items.size());
                for (Future<List<Integer>> chunk : chunks) {
                    results.addAll(chunk.get());
                }
                return results;
            }

            @Override
            public void close() {
                pool.shutdownNow();
            }
        };
    }

    static void line(String impl, String op, int workers, double[] reps, String extra) {
        StringBuilder list = new StringBuilder();
        for (double r : reps) {
            list.append(list.isEmpty() ? "" : ",").append(String.format("%.1f", r));
        }
        System.out.printf(
                "result suite=pool impl=%s op=%s processes=%d ops_per_s=%.1f reps=%s%s%n",
                impl, op, workers, median(reps), list, extra);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
