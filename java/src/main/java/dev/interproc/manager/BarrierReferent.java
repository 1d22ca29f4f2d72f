package dev.interproc.manager;

import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Python's {@code threading.Barrier(parties, action=None, timeout=None)}: {@code wait(timeout=None)} returns the
 * arrival index (0 for the first), a timeout breaks the barrier, {@code abort()} breaks it until
 * {@code reset()}; {@code parties}, {@code n_waiting} and {@code broken} are read through
 * {@code __getattribute__}. A broken barrier raises {@code threading.BrokenBarrierError}.
 */
final class BarrierReferent implements Referent {

    static final List<String> EXPOSED = List.of("__getattribute__", "wait", "abort", "reset");

    private final CyclicBarrier barrier;
    private final long defaultTimeoutNanos;
    private volatile boolean aborted;

    private BarrierReferent(int parties, long defaultTimeoutNanos) {
        this.barrier = new CyclicBarrier(parties);
        this.defaultTimeoutNanos = defaultTimeoutNanos;
    }

    static BarrierReferent create(Arguments arguments) {
        int parties = Arguments.integer(arguments.required(0, "parties"));
        if (arguments.get(1, "action", null) != null) {
            throw PythonError.typeError("a Java manager's Barrier cannot run an action");
        }
        long timeout = Arguments.timeoutNanos(arguments.get(2, "timeout", null));
        arguments.done();
        if (parties < 1) {
            throw PythonError.valueError("parties must be >= 1");
        }
        return new BarrierReferent(parties, timeout);
    }

    @Override
    public Object call(String method, Arguments arguments) throws InterruptedException {
        switch (method) {
            case "wait" -> {
                Object timeout = arguments.get(0, "timeout", null);
                arguments.done();
                return await(timeout == null ? defaultTimeoutNanos : Arguments.timeoutNanos(timeout));
            }
            case "abort" -> {
                arguments.done();
                aborted = true;
                barrier.reset(); // breaks the waiting parties
                return null;
            }
            case "reset" -> {
                arguments.done();
                aborted = false;
                barrier.reset();
                return null;
            }
            default -> {
                Object name = arguments.required(0, "name");
                arguments.done();
                return switch (String.valueOf(name)) {
                    case "parties" -> barrier.getParties();
                    case "n_waiting" -> barrier.getNumberWaiting();
                    case "broken" -> aborted || barrier.isBroken();
                    default ->
                        throw PythonError.attributeError("'Barrier' object has no attribute " + PythonRepr.of(name));
                };
            }
        }
    }

    private int await(long nanos) throws InterruptedException {
        if (aborted) {
            throw broken();
        }
        try {
            int remaining = nanos < 0 ? barrier.await() : barrier.await(nanos, TimeUnit.NANOSECONDS);
            return barrier.getParties() - 1 - remaining; // Java counts down, Python counts arrivals up
        } catch (BrokenBarrierException | TimeoutException e) {
            throw broken();
        }
    }

    private static PythonError broken() {
        return new PythonError("threading", "BrokenBarrierError");
    }

    @Override
    public String repr() {
        return "<threading.Barrier at 0x0: waiters=" + barrier.getNumberWaiting() + "/" + barrier.getParties() + ">";
    }
}
