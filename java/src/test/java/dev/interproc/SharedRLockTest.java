package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@link SharedMutexContract} for {@link SharedRLock}, and its reentrancy. */
class SharedRLockTest extends SharedMutexContract<SharedRLock> {

    @Override
    SharedRLock lockOf(SharedMemory memory, String slot) {
        return memory.sharedRLock(slot);
    }

    @Test
    void isReentrant() throws Exception {
        SharedRLock rlock = lock("reentrant");
        rlock.lock();
        rlock.lock();
        assertTrue(rlock.tryLock());
        assertTrue(rlock.tryLock(10, TimeUnit.MILLISECONDS));
        rlock.unlock();
        rlock.unlock();
        rlock.unlock();
        assertTrue(rlock.isLocked());
        rlock.unlock();
        assertFalse(rlock.isLocked());
        assertThrows(IllegalMonitorStateException.class, rlock::unlock);
    }

    /** A condition wait gives up every hold of the thread, so that others get the lock, and restores them all. */
    @Test
    void awaitReleasesEveryHoldAndRestoresThem() throws Exception {
        SharedRLock lock = lock("queue");
        SharedCondition notEmpty = lock.newCondition("not-empty");
        SharedLong items = region.memory().sharedLong("items");
        ConditionWaiter consumer = ConditionWaiter.start(lock, () -> {
            lock.lock();
            try {
                while (items.get() == 0) {
                    notEmpty.awaitUninterruptibly();
                }
                items.decrementAndGet();
            } finally {
                lock.unlock();
            }
            return lock.isHeldByCurrentThread();
        });
        lock.lock(); // granted only once the consumer gave up both holds inside await
        try {
            items.incrementAndGet();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        assertEquals(Boolean.TRUE, consumer.outcome(), "the outer hold survives the wait");
        assertEquals(0, items.get());
        assertFalse(lock.isLocked());
    }
}
