package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.internal.ffm.RegionLayout;
import dev.interproc.internal.wait.FutexWaits;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Semaphores, events and barriers between threads of one process; cross-process in CrossProcessCoordinationTest. */
class CoordinationTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("coord");

    @Test
    void semaphoreCountsPermits() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedSemaphore("s", 2);
        assertFalse(semaphore.isBounded());
        semaphore.acquire();
        assertTrue(semaphore.tryAcquire());
        assertFalse(semaphore.tryAcquire());
        assertFalse(semaphore.tryAcquire(20, TimeUnit.MILLISECONDS));
        semaphore.release(3);
        assertEquals(3, semaphore.availablePermits(), "an unbounded semaphore may exceed its initial permits");
        try (SharedSemaphore.Permit _ = semaphore.acquirePermit()) {
            assertEquals(2, semaphore.availablePermits());
        }
        assertEquals(3, semaphore.availablePermits());
        assertThrows(IllegalArgumentException.class, () -> semaphore.acquire(0));
        assertThrows(IncompatibleSlotException.class, () -> region.memory().sharedSemaphore("s", 5));
    }

    @Test
    void boundedSemaphoreRefusesTooManyReleases() throws Exception {
        SharedSemaphore bounded = region.memory().sharedBoundedSemaphore("b", 1);
        assertTrue(bounded.isBounded());
        IllegalStateException tooMany = assertThrows(IllegalStateException.class, bounded::release);
        assertTrue(tooMany.getMessage().contains("released too many times"), tooMany.getMessage());
        bounded.acquire();
        bounded.release();
        assertEquals(1, bounded.availablePermits());
    }

    @Test
    void semaphoreWakesAWaiterAndAnswersInterrupts() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedSemaphore("s", 0);
        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread waiter = builder.start(() -> {
                try {
                    semaphore.acquire();
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            Sleepers.awaitAsleep(waiter, Duration.ofSeconds(30));
            semaphore.release();
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(waiter.isAlive(), waiter + " slept on after a release");
            assertEquals(null, outcome.get());

            Sleepers.interruptAsleep(builder, "acquire", Duration.ofSeconds(30), semaphore::acquire);
        }
    }

    /**
     * An interrupted virtual thread in acquireUninterruptibly() must keep sleeping in slices until a permit comes,
     * its interrupt deferred. Re-asserting the interrupt inside the wait loop made every later sleep return at once:
     * the thread spun, handing a new futex sleep to a delegate thousands of times a second. Nobody touches the
     * permit word during the window and a futex timeout never ends early, so a sleeping waiter hands over at most
     * one sleep per elapsed slice, plus the one in flight at each end of the window.
     */
    @Test
    void anInterruptedUninterruptibleAcquireSleepsInsteadOfSpinning() throws Exception {
        SharedSemaphore semaphore = region.memory().sharedSemaphore("s", 0);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().unstarted(() -> {
            Thread.currentThread().interrupt();
            interrupted.countDown();
            semaphore.acquireUninterruptibly();
            outcome.set("acquired, interrupted=" + Thread.currentThread().isInterrupted());
        });
        long sleepsAtStart = FutexWaits.delegatedSleeps();
        waiter.start();
        interrupted.await();
        // The window opens once the waiter sleeps in slices, its interrupt deferred.
        while (FutexWaits.delegatedSleeps() - sleepsAtStart < 2) {
            Thread.onSpinWait();
        }
        long sleepsBefore = FutexWaits.delegatedSleeps();
        long windowStart = System.nanoTime();
        Thread.sleep(200); // the observation window (not an ordering device): about 50 wait slices
        long sleepsDuring = FutexWaits.delegatedSleeps() - sleepsBefore;
        long slicesElapsed = (System.nanoTime() - windowStart) / RegionLayout.LOCK_WAIT_SLICE_NANOS;
        semaphore.release();
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals("acquired, interrupted=true", outcome.get());
        assertTrue(
                sleepsDuring <= slicesElapsed + 2,
                "the waiter handed over " + sleepsDuring + " futex sleeps in " + slicesElapsed
                        + " wait slices: it spins instead of sleeping");
    }

    /** A Duration beyond Long.MAX_VALUE nanoseconds (292 years; ChronoUnit.FOREVER) means "no limit", not an error. */
    @Test
    void hugeDurationsMeanNoLimit() throws Exception {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        assertTrue(region.memory().sharedSemaphore("s", 1).tryAcquire(1, forever));
        SharedEvent event = region.memory().sharedEvent("e");
        event.set();
        assertTrue(event.await(forever));
        assertEquals(0, region.memory().sharedBarrier("b", 1).await(forever));
        SharedSemaphore empty = region.memory().sharedSemaphore("s2", 0);
        empty.release();
        assertEquals(1, empty.availablePermits());
    }

    @Test
    void eventReleasesAllWaiters() throws Exception {
        SharedEvent event = region.memory().sharedEvent("e");
        assertFalse(event.isSet());
        assertFalse(event.await(Duration.ofMillis(20)));
        List<Thread> waiters = new ArrayList<>();
        CountDownLatch waiting = new CountDownLatch(50);
        Set<Thread> released = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 50; i++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                waiting.countDown();
                try {
                    if (event.await(30, TimeUnit.SECONDS)) {
                        released.add(Thread.currentThread());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        waiting.await();
        event.set();
        for (Thread waiter : waiters) {
            waiter.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertEquals(50, released.size());
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.await(Duration.ofMillis(1)));
    }

    @Test
    void aWaiterSeesASetThatWasClearedBeforeItRan() throws Exception {
        SharedEvent event = region.memory().sharedEvent("pulse");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Boolean> sawIt = new AtomicReference<>();
        // A virtual waiter parks (WAITING or TIMED_WAITING) only inside await, after it read the event's word.
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                waiting.countDown();
                sawIt.set(event.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.await();
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        event.set();
        event.clear();
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        assertEquals(Boolean.TRUE, sawIt.get(), "a set while waiting counts, as in Python, even if cleared at once");
        assertFalse(event.isSet());
    }

    @Test
    void barrierTripsBreaksOnTimeoutAndResets() throws Exception {
        SharedBarrier barrier = region.memory().sharedBarrier("b", 3);
        assertEquals(3, barrier.getParties());
        Set<Integer> indexes = ConcurrentHashMap.newKeySet();
        List<Thread> parties = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3; i++) {
                parties.add(Thread.ofVirtual().start(() -> {
                    try {
                        indexes.add(barrier.await(30, TimeUnit.SECONDS));
                    } catch (Exception e) {
                        indexes.add(-100);
                    }
                }));
            }
            for (Thread party : parties) {
                party.join();
            }
            assertEquals(Set.of(0, 1, 2), indexes, "each party of a round gets its own arrival index");
            indexes.clear();
            parties.clear();
        }

        TimeoutException timedOut = assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(20)));
        assertTrue(timedOut.getMessage().contains("with 1 of 3 parties"), timedOut.getMessage());
        assertTrue(barrier.isBroken());
        BrokenBarrierException broken = assertThrows(BrokenBarrierException.class, barrier::await);
        assertTrue(broken.getMessage().contains("reset()"), broken.getMessage());
        barrier.reset();
        assertFalse(barrier.isBroken());
        assertEquals(0, region.memory().sharedBarrier("single", 1).await());
        assertThrows(IncompatibleSlotException.class, () -> region.memory().sharedBarrier("b", 4));
    }
}
