package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract every {@link SharedMutex} keeps between threads of one process, run once per lock type by a
 * subclass that says how to obtain its lock (as Boost.Interprocess runs one test body against every mutex type).
 * What only one type does (reentrancy or its refusal) is tested by that subclass; the cross-process behaviour is
 * in CrossProcessLockTest.
 *
 * @param <L> the lock type under test
 */
abstract class SharedMutexContract<L extends SharedMutex> {

    @RegisterExtension
    final TestRegion region = new TestRegion("lock");

    /** The lock of this type called {@code slot} in {@code memory}, found or created. */
    abstract L lockOf(SharedMemory memory, String slot);

    /** The lock called {@code slot} in the test's region. */
    final L lock(String slot) {
        return lockOf(region.memory(), slot);
    }

    @Test
    void excludesThreadsOfOneProcess() throws Exception {
        L lock = lock("l");
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
    void everyCallForOneNameGivesTheSameInstance() {
        assertSame(lock("l"), lock("l"));
    }

    @Test
    void unlockByANonHolderIsRefused() throws Exception {
        L lock = lock("l");
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
    void everyAcquisitionTakesAFreeLock() throws Exception {
        L lock = lock("l");
        assertTrue(lock.tryLock());
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertTrue(lock.tryLock(1, TimeUnit.MILLISECONDS));
        lock.unlock();
        lock.lockInterruptibly();
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void anAlreadyInterruptedThreadIsRefusedAtOnce() {
        L lock = lock("l");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockInterruptibly);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> lock.tryLock(Duration.ofSeconds(30)));
        assertFalse(Thread.interrupted(), "the interrupt is consumed by the exception");
        assertFalse(lock.isLocked());
    }

    @Test
    void tryLockWithTimeoutAndInterrupt() throws Exception {
        L lock = lock("l");
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
        L lock = lock("l");
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

    /**
     * A process that detaches from the region while holding the lock counts as dead: the next acquisition takes
     * the lock over and throws OwnerDiedException holding it, once; without a second process, a second
     * {@code SharedMemory} of this one plays the owner.
     */
    @Test
    void theAcquisitionAfterTheOwnerDetachedIsToldHoldingTheLock() {
        L lock = lock("l");
        try (SharedMemory owner = SharedMemory.open(region.name())) {
            lockOf(owner, "l").lock();
        }
        assertTrue(lock.isLocked(), "the detached owner's hold stays in the lock word");
        OwnerDiedException died = assertThrows(OwnerDiedException.class, lock::lock);
        assertSame(lock, died.lock());
        assertTrue(lock.isHeldByCurrentThread());
        assertEquals(lock.fencingToken(), died.fencingToken());
        assertTrue(died.getMessage().contains("shared lock 'l' died holding it"), died.getMessage());
        lock.unlock();
        assertTrue(lock.tryLock(), "the takeover is reported once");
        lock.unlock();
    }

    @Test
    void anOwnerDeathHandlerRunsHoldingTheLockInsteadOfTheException() throws Exception {
        L lock = lock("l");
        AtomicReference<String> handled = new AtomicReference<>();
        lock.setOwnerDeathHandler((dead, token) ->
                handled.set(dead.name() + " token " + token + " held=" + dead.isHeldByCurrentThread()));
        try (SharedMemory owner = SharedMemory.open(region.name())) {
            lockOf(owner, "l").lock();
        }
        assertTrue(lock.tryLock(Duration.ofSeconds(5)));
        assertEquals("l token " + lock.fencingToken() + " held=true", handled.get());
        lock.unlock();
    }

    /** toString and inspection say who holds the lock, as far as the caller can tell. */
    @Test
    void toStringAndInspectionDescribeTheHolder() throws Exception {
        L lock = lock("l");
        String type = lock.getClass().getSimpleName();
        assertEquals(type + "[l, free]", lock.toString());
        lock.lock();
        try {
            assertEquals(type + "[l, held by the current thread]", lock.toString());
            AtomicReference<String> seenByOther = new AtomicReference<>();
            Thread.ofPlatform().start(() -> seenByOther.set(lock.toString())).join();
            long pid = ProcessHandle.current().pid();
            assertEquals(type + "[l, held by pid " + pid + "]", seenByOther.get());
            SlotInfo slot = SharedMemory.inspect(region.name()).slots().stream()
                    .filter(info -> info.name().equals("l"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(type, slot.type());
            assertEquals("held by pid " + pid, slot.value());
            assertEquals(new LockInfo(LockInfo.State.HELD, (int) pid, false, 1), slot.lock());
        } finally {
            lock.unlock();
        }
        region.memory().close();
        assertEquals(type + "[l, region closed]", lock.toString());
    }

    /** Lock "a" with condition "b/c" and lock "a/b" with condition "c" would share the slot "a/b/c". */
    @Test
    void aConditionNameCannotAliasAConditionOfAnotherLock() {
        L outer = lock("a");
        L inner = lock("a/b");
        SharedCondition innerCondition = inner.newCondition("c");
        IllegalArgumentException aliasing =
                assertThrows(IllegalArgumentException.class, () -> outer.newCondition("b/c"));
        assertTrue(aliasing.getMessage().contains("lock 'a/b'"), aliasing.getMessage());
        assertSame(innerCondition, inner.newCondition("c"));
    }

    @Test
    void conditionBetweenThreads() throws Exception {
        L lock = lock("queue");
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
        // A reentrant lock is held twice across the wait: await gives up both holds and takes both back.
        int holds = lock.reentrant() ? 2 : 1;
        Thread consumer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
            try {
                waiting.countDown();
                while (items.get() == 0) {
                    notEmpty.awaitUninterruptibly();
                }
                items.decrementAndGet();
                consumed.set(lock.isHeldByCurrentThread());
            } finally {
                for (int i = 0; i < holds; i++) {
                    lock.unlock();
                }
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
        L lock = lock("l");
        SharedCondition changed = lock.newCondition("changed");
        ConditionWaiter waiter = ConditionWaiter.start(lock, () -> changed.await(30, TimeUnit.SECONDS));
        lock.lock(); // granted only once the waiter has registered and released the lock inside await
        try {
            changed.signal();
            assertFalse(changed.await(0, TimeUnit.NANOSECONDS), "a waiter that came after the signal took it");
        } finally {
            lock.unlock();
        }
        assertEquals(Boolean.TRUE, waiter.outcome(), "the thread that was waiting when signalled");
    }

    /**
     * A waiter that is signalled and interrupted before it re-acquires the lock returns signalled, with its
     * interrupt status set: left unconsumed, the signal would count as given to later waiters, who came too
     * late for it, and the next signal would then wake nobody.
     */
    @Test
    void aSignalledWaiterThatIsInterruptedKeepsTheSignal() throws Exception {
        L lock = lock("l");
        SharedCondition changed = lock.newCondition("changed");
        ConditionWaiter first = ConditionWaiter.start(
                lock, () -> changed.await(30, TimeUnit.SECONDS) + " interrupted=" + Thread.interrupted());
        lock.lock();
        try {
            changed.signal();
            first.thread().interrupt();
        } finally {
            lock.unlock();
        }
        assertEquals("true interrupted=true", String.valueOf(first.outcome()));

        ConditionWaiter later = ConditionWaiter.start(lock, () -> changed.await(30, TimeUnit.SECONDS));
        lock.lock();
        try {
            changed.signal();
        } finally {
            lock.unlock();
        }
        assertEquals(Boolean.TRUE, later.outcome(), "the next waiter gets the next signal");
    }

    /** A Duration beyond Long.MAX_VALUE nanoseconds (292 years; ChronoUnit.FOREVER) means "no limit", not an error. */
    @Test
    void hugeDurationsMeanNoLimit() throws Exception {
        Duration forever = ChronoUnit.FOREVER.getDuration();
        L lock = lock("l");
        assertTrue(lock.tryLock(forever));
        try {
            assertFalse(lock.newCondition("c").await(Duration.ofNanos(1)));
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
        L lock = lock("l");
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
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(thrown.get().getMessage().contains("is closed"), thrown.get().getMessage());
    }

    /** A platform thread that waits on a condition holding its lock, and what its wait ended with. */
    record ConditionWaiter(Thread thread, AtomicReference<Object> result) {

        /**
         * Starts a thread that takes {@code lock} and runs {@code wait} (a condition wait) under it, recording its
         * value or exception; returns once the thread holds the lock and is about to wait, so that the caller's
         * next {@code lock()} is granted only once the waiter released the lock inside the wait.
         */
        static ConditionWaiter start(SharedMutex lock, Callable<Object> wait) throws InterruptedException {
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread thread = Thread.ofPlatform().start(() -> {
                lock.lock();
                Object outcome;
                try {
                    waiting.countDown();
                    outcome = wait.call();
                } catch (Throwable t) {
                    outcome = t;
                }
                try {
                    lock.unlock();
                } catch (Throwable t) {
                    // A wait that returned must hand the lock back held: then a failed unlock is the outcome.
                    if (!(outcome instanceof Throwable)) {
                        outcome = t;
                    }
                }
                result.set(outcome);
            });
            waiting.await();
            return new ConditionWaiter(thread, result);
        }

        /** What the wait returned or threw, once the thread has ended (within a minute). */
        Object outcome() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            return result.get();
        }
    }
}
