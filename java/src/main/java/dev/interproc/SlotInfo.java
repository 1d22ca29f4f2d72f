package dev.interproc;

import java.util.List;
import java.util.Optional;

/**
 * One slot of a region's directory as seen by {@link SharedMemory#inspect(String)}.
 *
 * @param name the slot's name
 * @param type the Java type that accesses it ("SharedLong", "SharedEnum&lt;com.example.Status&gt;",
 *     "SharedRLock", ...), or "unknown type N" for a type tag this library does not know
 * @param size bytes of the slot's value
 * @param value the value rendered as text: numbers as Java prints them, an enum by its constant's name
 *     (from the descriptor stored in the slot), arrays abbreviated after their first elements, a lock as
 *     {@link LockInfo#describe()}, other primitives as their raw 32-bit words
 * @param lock the lock's state for a lock slot, else null
 * @param numbers the value as numbers, for tools that need it as data: the one number of a {@code SharedInt}
 *     (an Integer), {@code SharedLong} (a Long) or {@code SharedDouble} (a Double), every element of a
 *     {@code SharedIntArray} (Integers) or {@code SharedLongArray} (Longs); empty for every other type
 */
public record SlotInfo(String name, String type, long size, String value, LockInfo lock, List<Number> numbers) {

    /**
     * A snapshot of a slot with no numbers.
     *
     * @param name the slot's name
     * @param type the Java type that accesses it
     * @param size bytes of the slot's value
     * @param value the value rendered as text
     * @param lock the lock's state for a lock slot, else null
     */
    public SlotInfo(String name, String type, long size, String value, LockInfo lock) {
        this(name, type, size, value, lock, List.of());
    }

    /**
     * Copies the numbers, so the snapshot stays immutable.
     *
     * @param name the slot's name
     * @param type the Java type that accesses it
     * @param size bytes of the slot's value
     * @param value the value rendered as text
     * @param lock the lock's state for a lock slot, else null
     * @param numbers the value as numbers, or empty
     */
    public SlotInfo {
        numbers = List.copyOf(numbers);
    }

    /**
     * The lock's state, present for lock slots only.
     *
     * @return the lock's state, or empty for a slot that is no lock
     */
    public Optional<LockInfo> lockInfo() {
        return Optional.ofNullable(lock);
    }
}
