package dev.interproc.internal.wait;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;

/**
 * Blocking native calls that never pin a virtual thread's carrier. A virtual thread blocked inside a foreign
 * downcall (a futex sleep, {@code recv}, {@code poll}, ...) cannot unmount: it holds its carrier, and as many of
 * them as the scheduler has carriers starve every other virtual thread of the JVM. Wrap such a call in
 * {@link #call} or {@link #callInterruptibly}:
 *
 * <ul>
 *   <li>On a platform thread the call runs directly, on that thread, with nothing added but the
 *       {@link Thread#isVirtual()} test.</li>
 *   <li>On a virtual thread the call runs on a delegate: a platform daemon thread ({@code interproc-off-carrier-N})
 *       of a cached pool shared by all callers, which grows by one thread per call blocked at once and lets a
 *       thread go after 60 idle seconds. The virtual thread parks (unmounting from its carrier) until the call
 *       returns, and gets its result, or its exception unchanged (the same object, with the delegate's stack).</li>
 * </ul>
 *
 * <p>What runs where matters for foreign memory: on a virtual thread the call runs on another thread, so every
 * segment it touches must be accessible from any thread (global, {@link java.lang.foreign.Arena#ofAuto()},
 * {@link java.lang.foreign.Arena#ofShared()}, a direct buffer's) or allocated inside the call. A segment of a
 * confined arena opened by the caller throws {@link WrongThreadException} there, though it works on a platform
 * thread: allocate call-state (errno) segments and argument structures inside the call. Likewise the call sees
 * the delegate as {@link Thread#currentThread()}: no thread-locals, no thread-owned locks.
 *
 * <p>Interruption: {@link #call} behaves as a blocking native call does on a platform thread, which an interrupt
 * does not end: the virtual thread keeps waiting for the delegated call to return and then re-asserts its
 * interrupt status, so the caller always learns the call's real outcome and nothing the call still uses (a
 * descriptor, a buffer) is given up while it runs. {@link #callInterruptibly} returns at once with
 * {@link InterruptedException} instead, leaving the call to finish on its delegate: only for calls that end by
 * themselves soon (a bounded sleep) and whose outcome the caller can do without.
 */
public final class OffCarrier {

    /** A blocking call that returns a {@code T} or throws an {@code X}. */
    @FunctionalInterface
    public interface BlockingCall<T, X extends Exception> {
        T call() throws X;
    }

    private static final ExecutorService DELEGATES = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("interproc-off-carrier-", 0).factory());

    private OffCarrier() {}

    /**
     * Whether a blocking native call on the current thread would pin a carrier, that is, whether this is a virtual
     * thread, which {@link #call} hands to a delegate. Callers use it to keep a virtual thread's own native calls
     * non-blocking (e.g. {@code MSG_DONTWAIT}) and to wait through {@link #call} only when they must.
     */
    public static boolean wouldPin() {
        return Thread.currentThread().isVirtual();
    }

    /**
     * Runs {@code call}: directly on a platform thread; on a delegate platform thread for a virtual thread, which
     * parks until it returns and is not interrupted out of the wait (see the class description).
     *
     * @return what {@code call} returned
     * @throws X what {@code call} threw (also any unchecked exception or error, unchanged)
     */
    public static <T, X extends Exception> T call(BlockingCall<T, X> call) throws X {
        if (!wouldPin()) {
            return call.call();
        }
        FutureTask<T> task = delegate(call);
        return Uninterruptibly.await(() -> outcome(task));
    }

    /**
     * Runs {@code call} as {@link #call} does, except that a virtual thread interrupted before or while it waits
     * stops waiting: it throws {@link InterruptedException} (interrupt status cleared) and {@code call} goes on
     * on its delegate until it returns by itself, its outcome dropped. For calls that end soon by themselves.
     * A platform thread is not interrupted out of {@code call}, as with any native call.
     *
     * @throws InterruptedException only on a virtual thread, as described
     */
    public static <T, X extends Exception> T callInterruptibly(BlockingCall<T, X> call) throws X, InterruptedException {
        if (!wouldPin()) {
            return call.call();
        }
        return outcome(delegate(call));
    }

    private static <T, X extends Exception> FutureTask<T> delegate(BlockingCall<T, X> call) {
        FutureTask<T> task = new FutureTask<>(call::call);
        DELEGATES.execute(task);
        return task;
    }

    /** Waits for {@code task} and returns its result or throws its exception as {@code call} threw it. */
    @SuppressWarnings("unchecked")
    private static <T, X extends Exception> T outcome(FutureTask<T> task) throws X, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw (X) cause; // BlockingCall.call() throws nothing else that is checked
        }
    }
}
