package dev.interproc.internal.wait;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sleeping until a 32-bit word in shared memory changes, for any number of threads of one process:
 * one of them at a time (the leader) sleeps on the futex, the others park in Java until the leader
 * returns, then every thread re-checks. So a thousand waiting virtual threads cost one futex sleeper,
 * and no carrier is pinned (see {@link FutexWaits}). Each call sleeps at most the given time; callers
 * loop, re-checking their state, deadlines, interruption and the liveness of other processes.
 */
public final class WordWatch {

    private final MemorySegment address;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition leaderReturned = lock.newCondition();
    private boolean leaderSleeping;

    public WordWatch(MemorySegment word) {
        this.address = MemorySegment.ofAddress(word.address());
    }

    /**
     * Sleeps at most {@code nanos} while the word holds {@code expected}.
     *
     * @throws InterruptedException if a thread parked behind the leader is interrupted, or a virtual leader is
     */
    public void sleep(int expected, long nanos) throws InterruptedException {
        lock.lock();
        try {
            if (leaderSleeping) {
                leaderReturned.await(nanos, TimeUnit.NANOSECONDS);
                return;
            }
            leaderSleeping = true;
        } finally {
            lock.unlock();
        }
        try {
            FutexWaits.sleep(address, expected, nanos);
        } finally {
            lock.lock();
            try {
                leaderSleeping = false;
                leaderReturned.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Wakes every sleeper of the word, in every process. */
    public void wakeAll() {
        FutexWaits.wakeAll(address);
    }
}
