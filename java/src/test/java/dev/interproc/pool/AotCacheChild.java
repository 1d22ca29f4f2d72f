package dev.interproc.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The parent JVM of {@link AotCacheTest}'s training test, started on a class path of JARs: makes a pool, waits for
 * its AOT cache, and makes a second pool; prints whether each pool's worker ran with a cache and a task's result.
 * With {@code expect-none}, one pool, which is not expected to train a cache.
 */
public final class AotCacheChild {

    private AotCacheChild() {}

    public static void main(String[] args) throws Exception {
        Path caches = Path.of(args[0]);
        boolean expectNone = args.length > 1 && args[1].equals("expect-none");
        if (expectNone) {
            try (var files = java.nio.file.Files.list(caches)) {
                System.out.println("caches: "
                        + files.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
        for (String which : expectNone ? new String[] {"first"} : new String[] {"first", "second"}) {
            try (Pool pool = Pool.builder().workers(1).aotCacheDirectory(caches).build()) {
                ArrayList<String> options = pool.apply(AotCacheTest::workerOptions);
                System.out.println(
                        which + " pool uses a cache: " + options.stream().anyMatch(o -> o.startsWith("-XX:AOTCache=")));
                System.out.println("result " + pool.apply(() -> 6 * 7));
                Optional<Path> cache = pool.aotCache().get();
                System.out.println(which + " pool's cache: " + cache);
                if (cache.isEmpty() && !expectNone) {
                    throw new AssertionError("no cache was trained; see the .failed file in " + caches);
                }
            }
        }
    }
}
