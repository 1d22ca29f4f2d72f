package dev.interproc.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.interproc.internal.wait.YieldSpin;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's waits spin before they block, for its workers' connection receive spin: here a long one (200 ms,
 * through the system property, while the pool is made), so that the test sees {@code apply} spin. Results still
 * come, and an interrupt still ends {@code apply}'s wait with {@link InterruptedException}. No timings.
 */
@Timeout(120)
class PoolSpinTest {

    private static final String PROPERTY = "interproc.connection.receiveSpinMicros";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static Pool pool;

    @BeforeAll
    static void startAPoolThatSpinsLong() throws InterruptedException {
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "200000");
        try {
            pool = Pool.create(1);
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @AfterAll
    static void closeThePool() {
        pool.close();
    }

    @Test
    void applyGetsItsResults() throws Exception {
        for (int i = 0; i < 100; i++) {
            int item = i;
            assertEquals(item * 2, pool.apply(() -> item * 2));
        }
    }

    @Test
    void anInterruptEndsApplysSpinWithInterruptedException() throws Exception {
        try (Rendezvous rendezvous = Rendezvous.open()) {
            SerializableCallable<String> task = rendezvous.reportAndWait("held");
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().daemon().start(() -> {
                try {
                    pool.apply(task);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            Rendezvous.Arrival arrival = rendezvous.await();
            boolean spinning = Arrays.stream(caller.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals(YieldSpin.class.getName()));
            caller.interrupt();
            Throwable failure = outcome.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(InterruptedException.class, failure, () -> "apply ended with " + failure);
            System.out.println("PoolSpinTest: the caller was " + (spinning ? "" : "not ") + "seen spinning");
            arrival.release();
            // The task went on and ended; the worker takes the next one.
            assertEquals("ok", pool.apply(() -> "ok"));
        }
    }
}
