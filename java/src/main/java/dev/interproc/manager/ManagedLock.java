package dev.interproc.manager;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A proxy of a shared {@code Lock} ({@code threading.Lock} on a Python server): mutual exclusion between every
 * thread of every process holding a proxy. Like Python's lock, and unlike {@link java.util.concurrent.locks.ReentrantLock},
 * it is not reentrant and has no owner: any holder of a proxy may {@link #unlock()} it, and unlocking an unlocked
 * lock throws {@link IllegalMonitorStateException}. Conditions are not supported.
 *
 * <p>An interrupt of a thread waiting in {@link #lockInterruptibly()} or {@link #tryLock(long, TimeUnit)} closes
 * that thread's channel; the server may still grant the lock to the call it was serving, which then stays
 * locked.
 */
public final class ManagedLock extends ManagedObject implements Lock {

    ManagedLock(ManagerClient client, String ident) {
        super(client, ident);
    }

    /**
     * Waits for the lock.
     *
     * @throws ManagerException ({@code Interrupted}) if the thread is interrupted while it waits, with its
     *     interrupt status set
     */
    @Override
    public void lock() {
        handle.call("acquire");
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        handle.callInterruptibly("acquire");
    }

    @Override
    public boolean tryLock() {
        return (Boolean) handle.call("acquire", false);
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return (Boolean) handle.callInterruptibly("acquire", true, ProxyHandle.seconds(time, unit));
    }

    /** @throws IllegalMonitorStateException if the lock is not locked */
    @Override
    public void unlock() {
        try {
            handle.call("release");
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "RuntimeError", IllegalMonitorStateException::new);
        }
    }

    /** Unsupported: a managed {@code Lock} has no conditions. */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("a managed lock has no conditions");
    }
}
