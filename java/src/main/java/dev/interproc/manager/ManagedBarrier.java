package dev.interproc.manager;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;

/**
 * A proxy of a shared {@code Barrier} ({@code threading.Barrier(parties)} on the server), the counterpart of
 * {@link java.util.concurrent.CyclicBarrier} across processes. As Python's, a wait that times out breaks the
 * barrier for every party and throws {@link BrokenBarrierException} (not a {@code TimeoutException}); {@link #reset}
 * mends it. Waits block on the server, holding this thread's channel; an interrupt ends the wait with
 * {@link InterruptedException} and closes that channel, and the server still counts the party as arrived.
 */
public final class ManagedBarrier extends ManagedObject {

    ManagedBarrier(ManagerClient client, String ident) {
        super(client, ident);
    }

    /**
     * Waits until every party has arrived.
     *
     * @return this party's arrival index, 0 to {@code parties - 1}, as Python's
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting
     * @throws InterruptedException if interrupted while waiting
     */
    public int await() throws BrokenBarrierException, InterruptedException {
        return arrive();
    }

    /**
     * Waits at most {@code timeout} until every party has arrived; if the time runs out, the barrier breaks.
     *
     * @param timeout the longest wait
     * @param unit its unit
     * @return this party's arrival index
     * @throws BrokenBarrierException if the barrier is broken, or broke because the time ran out
     * @throws InterruptedException if interrupted while waiting
     */
    public int await(long timeout, TimeUnit unit) throws BrokenBarrierException, InterruptedException {
        return arrive(ProxyHandle.seconds(timeout, unit));
    }

    private int arrive(Object... timeout) throws BrokenBarrierException, InterruptedException {
        try {
            return ((Number) handle.callInterruptibly("wait", timeout)).intValue();
        } catch (ManagerException e) {
            if (ProxyHandle.is(e, "BrokenBarrierError")) {
                BrokenBarrierException broken = new BrokenBarrierException("the managed barrier is broken");
                broken.initCause(e);
                throw broken;
            }
            throw e;
        }
    }

    /** Breaks the barrier: every waiting and later party gets {@link BrokenBarrierException} until a reset. */
    public void abort() {
        handle.call("abort");
    }

    /** Mends a broken barrier; parties waiting now get {@link BrokenBarrierException}. */
    public void reset() {
        handle.call("reset");
    }

    /** {@return the number of parties} */
    public int parties() {
        return ((Number) handle.call("__getattribute__", "parties")).intValue();
    }

    /** {@return the number of parties waiting now} */
    public int numberWaiting() {
        return ((Number) handle.call("__getattribute__", "n_waiting")).intValue();
    }

    /** {@return whether the barrier is broken} */
    public boolean isBroken() {
        return (Boolean) handle.call("__getattribute__", "broken");
    }
}
