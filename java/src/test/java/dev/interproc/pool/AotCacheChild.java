package dev.interproc.pool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;

/**
 * The parent JVM of {@link AotCacheTest}'s training test, started on a class path of JARs: makes a pool, waits for
 * its AOT cache, and makes a second pool; prints whether each pool's worker ran with a cache and a task's result.
 */
public final class AotCacheChild {

    private AotCacheChild() {}

    public static void main(String[] args) throws Exception {
        Path caches = Path.of(args[0]);
        for (String which : new String[] {"first", "second"}) {
            try (Pool pool = Pool.builder().workers(1).aotCacheDirectory(caches).build()) {
                ArrayList<String> options = pool.apply(AotCacheTest::workerOptions);
                System.out.println(
                        which + " pool uses a cache: " + options.stream().anyMatch(o -> o.startsWith("-XX:AOTCache=")));
                System.out.println("result " + pool.apply(() -> 6 * 7));
                Optional<Path> cache = pool.aotCache().get();
                System.out.println(which + " pool's cache: " + cache);
                if (cache.isEmpty()) {
                    throw new AssertionError("no cache was trained; see the .failed file in " + caches);
                }
            }
        }
    }
}
