package dev.interproc;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A flag that threads of any process wait for, like Python's {@code multiprocessing.Event}: {@link #set()}
 * wakes every waiter, {@link #clear()} resets it. Obtain one with {@link SharedMemory#sharedEvent(String)}.
 *
 * <p>The slot is one 32-bit word that waiters sleep on: bit 0 is the flag, bits 1 to 31 count the calls of
 * {@code set()}. So, as in Python, a waiter returns true if the event was set at any moment while it waited,
 * even if it was cleared again before the waiter ran. Setting is a compare-and-set followed by a futex
 * wake of all sleepers, so what a thread wrote before {@code set()} is visible to a thread whose
 * {@code await} returned true. No lock is involved, so the death of any process leaves the event usable.
 * Waits answer interruption within one wait slice (a few milliseconds). Safe for any number of threads.
 */
public final class SharedEvent extends CoordinationSlot {

    private static final long WORD_OFFSET = RegionLayout.EVENT_WORD_OFFSET;
    private static final int FLAG = RegionLayout.EVENT_FLAG;
    private static final int ONE_SET = RegionLayout.EVENT_SET_INCREMENT;
    /** Bytes of an event slot. */
    static final long SIZE = RegionLayout.EVENT_SIZE;

    /** The event called {@code slot}, created unset if it does not exist; see {@link SharedMemory#sharedEvent}. */
    static SharedEvent find(SlotDirectory slots, String slot) {
        MemorySegment word = slots.ensure(slot, SlotDirectory.Spec.zeroed(SlotType.EVENT, SIZE));
        return slots.region().instance(slot, SharedEvent.class, key -> new SharedEvent(slots.region(), key, word));
    }

    private SharedEvent(Region region, String name, MemorySegment memory) {
        super(region, name, memory, WORD_OFFSET);
    }

    /**
     * Whether the flag is set (volatile read).
     *
     * @return {@code true} if the flag was set when read
     */
    public boolean isSet() {
        return (fields.get(WORD_OFFSET) & FLAG) != 0;
    }

    /** The state of an event slot in words, for inspection: "set" or "clear". */
    static String describe(IntFields fields) {
        return (fields.get(WORD_OFFSET) & FLAG) != 0 ? "set" : "clear";
    }

    /** Sets the flag and wakes every waiter, in every process. */
    public void set() {
        int word;
        do {
            word = fields.get(WORD_OFFSET);
        } while (!fields.compareAndSet(WORD_OFFSET, word, (word + ONE_SET) | FLAG));
        watch.wakeAll();
    }

    /** Clears the flag; later waiters wait until the next {@link #set()}. */
    public void clear() {
        int word;
        do {
            word = fields.get(WORD_OFFSET);
        } while ((word & FLAG) != 0 && !fields.compareAndSet(WORD_OFFSET, word, word & ~FLAG));
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if the thread is interrupted on entry (even with the flag set) or while waiting
     */
    public void await() throws InterruptedException {
        await(Long.MAX_VALUE);
    }

    /**
     * Waits until the flag is set or the timeout passes.
     *
     * @param time the longest time to wait; zero or less does not wait
     * @param unit the unit of {@code time}
     * @return {@code true} if the flag was set on entry or was set while waiting (even if cleared again since),
     *     {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry (even with the flag set) or while waiting
     */
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return await(unit.toNanos(time));
    }

    /**
     * As {@link #await(long, TimeUnit)}.
     *
     * @param timeout the longest time to wait; zero or negative does not wait
     * @return {@code true} if the flag was set on entry or was set while waiting (even if cleared again since),
     *     {@code false} if the timeout elapsed first
     * @throws InterruptedException if the thread is interrupted on entry (even with the flag set) or while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return await(TimeUnit.NANOSECONDS.convert(timeout));
    }

    private boolean await(long nanos) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = nanos > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + nanos;
        int seen = fields.get(WORD_OFFSET);
        int setsAtStart = seen >>> 1;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while awaiting shared event '" + name + "'");
            }
            if ((seen & FLAG) != 0 || seen >>> 1 != setsAtStart) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            watch.sleep(seen, Math.min(remaining, RegionLayout.LOCK_WAIT_SLICE_NANOS));
            seen = fields.get(WORD_OFFSET);
        }
    }

    @Override
    public String toString() {
        return "SharedEvent[" + name + (region.isClosed() ? ", region closed" : isSet() ? ", set" : ", unset") + "]";
    }
}
