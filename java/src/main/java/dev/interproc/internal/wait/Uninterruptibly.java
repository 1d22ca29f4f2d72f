package dev.interproc.internal.wait;

/**
 * Waiting to the end whatever interrupts come, the idiom of {@code Condition.awaitUninterruptibly}: an
 * interruptible wait is retried after every interrupt, and the interrupt status is set again once it is over, so
 * the caller's caller still sees the interrupt.
 */
public final class Uninterruptibly {

    /** An interruptible wait that returns a {@code T} or throws an {@code X}. */
    @FunctionalInterface
    public interface Wait<T, X extends Exception> {
        T await() throws X, InterruptedException;
    }

    private Uninterruptibly() {}

    /**
     * Runs {@code wait} until it returns or throws anything but {@link InterruptedException}, retrying it after
     * each interrupt (which cleared the interrupt status, so the retried wait blocks again); if an interrupt came,
     * the status is set again on the way out.
     *
     * @return what {@code wait} returned
     * @throws X what {@code wait} threw
     */
    public static <T, X extends Exception> T await(Wait<T, X> wait) throws X {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return wait.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
