package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@link SharedMutexContract} for {@link SharedLock}, and its refusal to be taken twice by one thread. */
class SharedLockTest extends SharedMutexContract<SharedLock> {

    @Override
    SharedLock lockOf(SharedMemory memory, String slot) {
        return memory.sharedLock(slot);
    }

    @Test
    void isNotReentrant() throws Exception {
        SharedLock lock = lock("plain");
        lock.lock();
        assertFalse(lock.tryLock());
        assertFalse(lock.tryLock(10, TimeUnit.MILLISECONDS));
        IllegalMonitorStateException again = assertThrows(IllegalMonitorStateException.class, lock::lock);
        assertTrue(again.getMessage().contains("not reentrant"), again.getMessage());
        assertTrue(lock.isHeldByCurrentThread(), "the refused acquisitions leave the first hold");
        lock.unlock();
        assertFalse(lock.isLocked());
    }
}
