package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lock semantics between threads of one process; the cross-process tests are in CrossProcessLockTest. */
class SharedLockTest {

    @RegisterExtension
    final TestRegion region = new TestRegion("lock");

    @Test
    void excludesThreadsOfOneProcess() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        SharedLongArray plain = region.memory().sharedLongArray("counter", 1);
        int threads = 4;
        int rounds = 50_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        lock.lock();
                        try {
                            plain.setOpaque(0, plain.getOpaque(0) + 1);
                        } finally {
                            lock.unlock();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals((long) threads * rounds, plain.get(0));
        assertFalse(lock.isLocked());
    }

    @Test
    void unlockByANonHolderIsRefused() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                lock.unlock();
            } catch (Throwable t) {
                fromOther.set(t);
            }
        });
        other.join();
        assertTrue(fromOther.get() instanceof IllegalMonitorStateException, String.valueOf(fromOther.get()));
        assertTrue(lock.isLocked(), "a refused unlock leaves the lock held");
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void sharedLockIsNotReentrantButSharedRLockIs() throws Exception {
        SharedLock lock = region.memory().sharedLock("plain");
        lock.lock();
        assertFalse(lock.tryLock());
        assertFalse(lock.tryLock(10, TimeUnit.MILLISECONDS));
        IllegalMonitorStateException again = assertThrows(IllegalMonitorStateException.class, lock::lock);
        assertTrue(again.getMessage().contains("not reentrant"), again.getMessage());
        lock.unlock();

        SharedRLock rlock = region.memory().sharedRLock("reentrant");
        rlock.lock();
        rlock.lock();
        assertTrue(rlock.tryLock());
        rlock.unlock();
        rlock.unlock();
        assertTrue(rlock.isLocked());
        rlock.unlock();
        assertFalse(rlock.isLocked());
        assertThrows(IllegalMonitorStateException.class, rlock::unlock);
        assertSame(rlock, region.memory().sharedRLock("reentrant"));
        assertThrows(IncompatibleSlotException.class, () -> region.memory().sharedLock("reentrant"));
    }

    @Test
    void tryLockWithTimeoutAndInterrupt() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            lock.lock();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        assertFalse(lock.tryLock());
        assertFalse(lock.tryLock(Duration.ofMillis(30)));

        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            Sleepers.interruptAsleep(builder, "lockInterruptibly", Duration.ofSeconds(30), lock::lockInterruptibly);
        }

        release.countDown();
        holder.join();
        assertTrue(lock.tryLock(Duration.ofSeconds(5)));
        lock.unlock();
    }

    @Test
    void handleUnlocksAndFencingTokensGrow() {
        SharedRLock lock = region.memory().sharedRLock("l");
        long first;
        try (SharedMutex.Held held = lock.acquire()) {
            first = held.fencingToken();
            assertEquals(first, lock.fencingToken());
            assertTrue(lock.isHeldByCurrentThread());
        }
        assertFalse(lock.isLocked());
        assertThrows(IllegalMonitorStateException.class, lock::fencingToken);
        try (SharedMutex.Held held = lock.acquire()) {
            assertEquals(first + 1, held.fencingToken());
        }
    }

    @Test
    void valuesShareTheLockTheyWereGiven() {
        SharedRLock state = region.memory().sharedRLock("worker/state");
        SharedEnum<Thread.State> status =
                region.memory().sharedEnum("status", Thread.State.class, Thread.State.NEW, state);
        SharedLong jobId = region.memory().sharedLong("job", 0, state);
        assertSame(state, status.getLock());
        assertSame(state, jobId.getLock());
        SharedLong other = region.memory().sharedLong("other");
        SharedInt another = region.memory().sharedInt("another");
        assertTrue(other.getLock() instanceof SharedRLock);
        assertSame(other.getLock(), region.memory().sharedLong("other").getLock());
        assertFalse(other.getLock() == another.getLock());
        try (SharedMutex.Held _ = status.getLock().acquire()) {
            status.set(Thread.State.RUNNABLE);
            jobId.set(42);
        }
    }

    /** Lock "a" with condition "b/c" and lock "a/b" with condition "c" would share the slot "a/b/c". */
    @Test
    void aConditionNameCannotAliasAConditionOfAnotherLock() {
        SharedLock outer = region.memory().sharedLock("a");
        SharedLock inner = region.memory().sharedLock("a/b");
        SharedCondition innerCondition = inner.newCondition("c");
        IllegalArgumentException aliasing =
                assertThrows(IllegalArgumentException.class, () -> outer.newCondition("b/c"));
        assertTrue(aliasing.getMessage().contains("lock 'a/b'"), aliasing.getMessage());
        assertSame(innerCondition, inner.newCondition("c"));
    }

    @Test
    void conditionBetweenThreads() throws Exception {
        SharedRLock lock = region.memory().sharedRLock("queue");
        SharedCondition notEmpty = lock.newCondition("not-empty");
        SharedLong items = region.memory().sharedLong("items");
        assertThrows(IllegalMonitorStateException.class, notEmpty::signal);
        assertThrows(IllegalMonitorStateException.class, () -> notEmpty.await(1, TimeUnit.MILLISECONDS));

        lock.lock();
        try {
            assertFalse(notEmpty.await(Duration.ofMillis(20)), "nobody signalled");
            assertTrue(lock.isHeldByCurrentThread());
        } finally {
            lock.unlock();
        }

        AtomicBoolean consumed = new AtomicBoolean();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread consumer = Thread.ofVirtual().start(() -> {
            lock.lock();
            try {
                lock.lock();
                waiting.countDown();
                while (items.get() == 0) {
                    notEmpty.awaitUninterruptibly();
                }
                items.decrementAndGet();
                consumed.set(lock.isHeldByCurrentThread());
                lock.unlock();
            } finally {
                lock.unlock();
            }
        });
        waiting.await();
        lock.lock();
        try {
            items.incrementAndGet();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        consumer.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(consumed.get());
        assertEquals(0, items.get());
        assertFalse(lock.isLocked());
    }

    /**
     * A signal wakes a thread that was waiting when it was sent. A thread that starts waiting afterwards, before
     * the signalled one re-acquires the lock, must not take the signal: the waiting thread would sleep on.
     */
    @Test
    void aSignalIsNotTakenByALaterWaiter() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        SharedCondition changed = lock.newCondition("changed");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> first = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            lock.lock();
            try {
                waiting.countDown();
                first.set(changed.await(30, TimeUnit.SECONDS));
            } catch (Throwable t) {
                first.set(t);
            } finally {
                lock.unlock();
            }
        });
        waiting.await();
        lock.lock(); // granted only once the waiter has registered and released the lock inside await
        try {
            changed.signal();
            assertFalse(changed.await(0, TimeUnit.NANOSECONDS), "a waiter that came after the signal took it");
        } finally {
            lock.unlock();
        }
        waiter.join(TimeUnit.SECONDS.toMillis(60));
        assertEquals(Boolean.TRUE, first.get(), "the thread that was waiting when signalled");
    }

    /**
     * A waiter that is signalled and interrupted before it re-acquires the lock returns signalled, with its
     * interrupt status set: left unconsumed, the signal would count as given to later waiters, who came too
     * late for it, and the next signal would then wake nobody.
     */
    @Test
    void aSignalledWaiterThatIsInterruptedKeepsTheSignal() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        SharedCondition changed = lock.newCondition("changed");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> first = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            lock.lock();
            try {
                waiting.countDown();
                first.set(changed.await(30, TimeUnit.SECONDS) + " interrupted=" + Thread.interrupted());
            } catch (Throwable t) {
                first.set(t);
            } finally {
                lock.unlock();
            }
        });
        waiting.await();
        lock.lock();
        try {
            changed.signal();
            waiter.interrupt();
        } finally {
            lock.unlock();
        }
        waiter.join(TimeUnit.SECONDS.toMillis(60));
        assertEquals("true interrupted=true", String.valueOf(first.get()));

        CountDownLatch secondWaiting = new CountDownLatch(1);
        AtomicReference<Object> second = new AtomicReference<>();
        Thread later = Thread.ofPlatform().start(() -> {
            lock.lock();
            try {
                secondWaiting.countDown();
                second.set(changed.await(30, TimeUnit.SECONDS));
            } catch (Throwable t) {
                second.set(t);
            } finally {
                lock.unlock();
            }
        });
        secondWaiting.await();
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
        later.join(TimeUnit.SECONDS.toMillis(60));
        assertEquals(Boolean.TRUE, second.get(), "the next waiter gets the next signal");
    }

    /** A Duration beyond Long.MAX_VALUE nanoseconds (292 years; ChronoUnit.FOREVER) means "no limit", not an error. */
    @Test
    void hugeDurationsMeanNoLimit() throws Exception {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        SharedLock lock = region.memory().sharedLock("l");
        assertTrue(lock.tryLock(forever));
        try {
            assertFalse(lock.newCondition("c").await(Duration.ofNanos(1)));
            assertTrue(region.memory().sharedSemaphore("s", 1).tryAcquire(1, forever));
        } finally {
            lock.unlock();
        }
        SharedEvent event = region.memory().sharedEvent("e");
        event.set();
        assertTrue(event.await(forever));
        assertEquals(0, region.memory().sharedBarrier("b", 1).await(forever));
        lock.lock();
        try {
            region.memory().sharedSemaphore("s2", 0).release();
            SharedCondition condition = lock.newCondition("c2");
            Thread signaller = Thread.ofVirtual().start(() -> {
                lock.lock();
                try {
                    condition.signal();
                } finally {
                    lock.unlock();
                }
            });
            assertTrue(condition.await(forever));
            signaller.join();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The region is closed while a thread awaits a condition: await cannot re-acquire the lock, and the unlock in
     * the waiter's finally block must report the closed region (IllegalStateException), not claim that the thread
     * never held the lock (IllegalMonitorStateException, which would also hide the first exception).
     */
    @Test
    void unlockAfterTheRegionClosedDuringAwaitSaysClosed() throws Exception {
        SharedLock lock = region.memory().sharedLock("l");
        SharedCondition condition = lock.newCondition("c");
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                lock.lock();
                try {
                    waiting.countDown();
                    condition.await();
                } finally {
                    lock.unlock();
                }
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiting.await();
        lock.lock(); // granted once the waiter is inside await
        lock.unlock();
        region.memory().close();
        waiter.join(TimeUnit.SECONDS.toMillis(30));
        SharedMemory.unlink(region.name());
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("is closed"), thrown.get().getMessage());
    }
}
