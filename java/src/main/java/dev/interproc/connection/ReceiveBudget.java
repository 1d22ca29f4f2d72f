package dev.interproc.connection;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes that a {@link Listener}'s connections may hold at once for messages still arriving. A {@link FrameReader}
 * reserves its receive array's capacity here as it grows and releases it when the message is complete or fails, so
 * peers that announce long messages and send little cannot together hold more than the limit.
 */
final class ReceiveBudget {

    /** No limit, and no accounting: connections made by a {@link Client} or a {@link Pipe}. */
    static final ReceiveBudget UNLIMITED = new ReceiveBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    ReceiveBudget(long limit) {
        this.limit = checkLimit(limit);
    }

    /** @throws IllegalArgumentException if {@code limit} is negative */
    static long checkLimit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("partial-message budget " + limit + " is negative");
        }
        return limit;
    }

    /** The most bytes held at once. */
    long limit() {
        return limit;
    }

    /** The bytes held now. */
    long reserved() {
        return reserved.get();
    }

    /**
     * Reserves {@code bytes} if they fit.
     *
     * @return whether they were reserved
     */
    boolean tryReserve(long bytes) {
        if (this == UNLIMITED) {
            return true;
        }
        long now;
        do {
            now = reserved.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back {@code bytes} reserved earlier. */
    void release(long bytes) {
        if (this != UNLIMITED) {
            reserved.addAndGet(-bytes);
        }
    }
}
