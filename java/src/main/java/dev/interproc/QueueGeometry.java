package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;

/** The geometry of a queue's ring: the capacities and message sizes a queue slot (plain or joinable) may have. */
final class QueueGeometry {

    private QueueGeometry() {}

    /** The largest ring: positions and sizes stay far from overflowing a long. */
    static final long MAX_CAPACITY = 1L << 40;
    /** The largest message: the largest Java array. */
    static final int MAX_MESSAGE_LIMIT = Integer.MAX_VALUE - 8;

    /** The largest message of a queue of {@code capacity} bytes when none is named: a record of half the ring. */
    static int defaultMaxMessage(long capacity) {
        return (int) Math.min(capacity / 2 - QueueRing.LENGTH_BYTES, MAX_MESSAGE_LIMIT);
    }

    /** Writes the geometry fields of a new queue slot, {@code init} being its first bytes. */
    static void initialise(MemorySegment init, long capacity, int maxMessage) {
        init.set(JAVA_LONG, QueueRing.CAPACITY_OFFSET, capacity);
        init.set(JAVA_INT, QueueRing.MAX_MESSAGE_OFFSET, maxMessage);
    }

    /**
     * Checks the geometry of queue {@code slot}.
     *
     * @throws IllegalArgumentException if {@code capacity} is no power of two in 64 .. 2^40, or a record of
     *     {@code maxMessage} bytes takes more than half of it
     */
    static void check(String slot, long capacity, int maxMessage) {
        if (capacity < RegionLayout.QUEUE_MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("queue '" + slot + "' needs a capacity that is a power of two from "
                    + RegionLayout.QUEUE_MIN_CAPACITY + " to " + MAX_CAPACITY + " bytes, was " + capacity);
        }
        if (maxMessage < 0 || maxMessage > MAX_MESSAGE_LIMIT || QueueRing.recordBytes(maxMessage) > capacity / 2) {
            throw new IllegalArgumentException("queue '" + slot + "' of " + capacity
                    + " bytes takes messages of 0 to " + defaultMaxMessage(capacity) + " bytes (a record of at most"
                    + " half the ring, so that a message always fits once the queue is empty), not " + maxMessage);
        }
    }
}
