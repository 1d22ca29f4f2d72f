package dev.interproc.connection;

import dev.interproc.internal.wait.YieldSpin;
import java.io.IOException;
import java.time.Duration;

/**
 * The bounded spin of a {@link Connection}'s receive that expects a reply soon: before a read that would block, it
 * looks for arrived bytes without blocking ({@link Endpoint#readNow}), yielding between looks
 * ({@link YieldSpin#whileUncontended}), for up to the window or until a yield shows that other threads want the
 * processor (then a wake-up is cheap and spinning would slow them), and only then lets the read block. A reply that comes within the window is read without
 * the wake-up of a blocked thread, which on a virtual machine whose idle vCPU halts costs tens of microseconds.
 *
 * <p>It spins only when a reply is likely: a send arms it ({@link #arm()}), and a spin that comes up empty disarms
 * it until the next send. So a request/reply exchange, on either side, spins on every receive while replies keep
 * coming within the window, and a connection that goes quiet costs one window after its last send, then blocks as
 * before; a connection that only receives never spins. Per send, the spin costs at most one window of processor
 * time.
 *
 * <p>Threads: the reading thread spins, the writing thread arms; a send that races with a spin coming up empty may
 * leave it disarmed, which costs that one receive its spin. Virtual threads spin too: their yields let the other
 * virtual threads of the carrier run, and the window bounds how long a carrier is held when none wants it.
 */
final class ReceiveSpin {

    /** The system property that sets the default window of new connections, in microseconds; 0 turns spins off. */
    static final String PROPERTY = "interproc.connection.receiveSpinMicros";

    /** The default window when the property is not set: 50 microseconds. */
    static final Duration DEFAULT = Duration.ofNanos(50_000);

    /** The longest window: a spin is for microseconds, and a longer one only burns a processor. */
    static final Duration MAX = Duration.ofSeconds(1);

    private volatile long windowNanos;
    private volatile boolean armed;
    /** Spins made, and those that came up empty; written by the reading thread only. For tests and diagnostics. */
    private volatile long spins;

    private volatile long emptySpins;

    /**
     * A spin with the window of the {@value #PROPERTY} system property, or {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException if the property is not a whole number of microseconds from 0 to
     *     {@link #MAX}
     */
    ReceiveSpin() {
        this.windowNanos = check(defaultWindow()).toNanos();
    }

    private static Duration defaultWindow() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return DEFAULT;
        }
        try {
            return Duration.ofNanos(Math.multiplyExact(Long.parseLong(value.strip()), 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "system property " + PROPERTY + "=" + value
                            + " is not a whole number of microseconds (0 turns receive spins off)",
                    e);
        }
    }

    /** @throws IllegalArgumentException if {@code window} is null, negative or longer than {@link #MAX} */
    static Duration check(Duration window) {
        if (window == null || window.isNegative() || window.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("receive spin " + window + " is not between 0 and " + MAX
                    + " (0 turns receive spins off; the default is " + DEFAULT + ", system property " + PROPERTY
                    + ")");
        }
        return window;
    }

    Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    void setWindow(Duration window) {
        windowNanos = check(window).toNanos();
    }

    /** A send went out: the next receive spins. */
    void arm() {
        armed = true;
    }

    /**
     * Makes {@code readNow} (an {@link Endpoint#readNow} of the reader's end into its buffer, made once per reader so
     * that a receive allocates nothing) until it reads something within the window, or by {@code deadline} if that is
     * sooner, if armed and the window is not 0; disarms if nothing arrives. Never blocks; interrupts are left alone,
     * as the blocking read that follows leaves them.
     *
     * @return as {@link Endpoint#readNow}: the bytes read, -1 at end of file, 0 when nothing arrived (or no spin)
     */
    int read(YieldSpin.Look<IOException> readNow, long deadline) throws IOException {
        long window = windowNanos;
        if (!armed || window == 0) {
            return 0;
        }
        spins++;
        int read = (int) YieldSpin.whileUncontended(readNow, window, deadline);
        if (read == 0) {
            armed = false;
            emptySpins++;
        }
        return read;
    }

    /** {@return the spins made so far} */
    long spins() {
        return spins;
    }

    /** {@return the spins so far that found nothing and left the receive to block} */
    long emptySpins() {
        return emptySpins;
    }
}
