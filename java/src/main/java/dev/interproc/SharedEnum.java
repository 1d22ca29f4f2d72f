package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A constant of enum {@code E} shared between processes: the Java counterpart of Python's
 * {@code multiprocessing-intenum} {@code IntEnumValue}. Obtain one with
 * {@link SharedMemory#sharedEnum(String, Class, Enum)}.
 *
 * <h2>Stored codes</h2>
 * The slot holds one 32-bit code: the constant's ordinal, or its {@link CodedEnum#code()} when the enum
 * implements {@link CodedEnum}. The slot also records the enum's class name and every constant with its
 * code; a process whose enum differs (renamed, reordered without codes, added or removed constants,
 * another class) is refused when it attaches, with a message listing the differences. A code that the
 * local enum does not know is reported by {@link #get()}, never turned into a wrong constant.
 *
 * <h2>Memory effects</h2>
 * {@link #get()} reads with volatile semantics and {@link #set} writes with volatile semantics;
 * {@link #compareAndSet} and {@link #getAndSet} are atomic read-modify-writes across processes, with
 * the memory effects of {@link VarHandle#compareAndSet} and {@link VarHandle#getAndSet}. No operation
 * calls native code.
 *
 * <h2>Customising set</h2>
 * Where Python code subclasses {@code IntEnumValue} and overrides {@code set()} to log every change, add a
 * {@link Listener}: it runs in the changing thread after every successful {@link #set}, {@link #getAndSet}
 * and {@link #compareAndSet} made through this object, with the previous and the new constant.
 *
 * <pre>{@code
 * SharedEnum<Status> status = memory.sharedEnum("status", Status.class, Status.IDLE);
 * status.addListener((previous, current) -> log.info("status " + previous + " -> " + current));
 * if (status.compareAndSet(Status.IDLE, Status.CALCULATING)) { ... }
 * }</pre>
 *
 * <p>Safe for use by any number of threads. After the region is closed every operation throws
 * {@link IllegalStateException}.
 *
 * @param <E> the enum type
 */
public final class SharedEnum<E extends Enum<E>> extends SlotValue {

    private static final VarHandle CODE = JAVA_INT.varHandle();

    /**
     * Told of every change made through one {@link SharedEnum} object.
     *
     * @param <E> the enum type
     */
    @FunctionalInterface
    public interface Listener<E extends Enum<E>> {

        /**
         * Called after the value changed from {@code previous} to {@code current} (they may be equal).
         *
         * @param previous the constant before the change
         * @param current the constant after it
         */
        void changed(E previous, E current);
    }

    private final EnumCodes<E> codes;
    private final List<Listener<E>> listeners = new CopyOnWriteArrayList<>();

    /**
     * The enum slot called {@code slot}, created with {@code initialValue}; see {@link SharedMemory#sharedEnum}.
     *
     * @throws IncompatibleSlotException listing the differences if the slot was created for an incompatible enum
     */
    static <E extends Enum<E>> SharedEnum<E> find(
            SlotDirectory slots, String slot, Class<E> type, E initialValue, SharedMutex lock) {
        EnumCodes<E> codes = EnumCodes.of(type);
        int initialCode = codes.codeOf(initialValue);
        SlotDirectory.Spec spec = new SlotDirectory.Spec(
                SlotType.ENUM,
                Integer.BYTES,
                codes.descriptor(),
                Integer.BYTES,
                init -> init.set(JAVA_INT, 0, initialCode));
        MemorySegment memory;
        try {
            memory = slots.ensure(slot, spec);
        } catch (IncompatibleSlotException e) {
            if (e.errorCode() != RegionLayout.E_SLOTMETA) {
                throw e;
            }
            String stored = slots.storedMeta(slot);
            if (!stored.startsWith("enum ") || codes.differencesFrom(stored).isEmpty()) {
                throw new IncompatibleRegionException(
                        "region '" + slots.region().name() + "' is damaged: the directory entry of enum slot '" + slot
                                + "' (fields meta_offset and meta_length) points at " + stored.length()
                                + " characters that are no enum descriptor, or differ from this enum's only in bytes"
                                + " no descriptor holds; remove the region (interproc rm) and create it again",
                        RegionLayout.E_CORRUPT);
            }
            throw new IncompatibleSlotException(
                    "enum slot '" + slot + "' in region '" + slots.region().name()
                            + "' was created for an incompatible enum: "
                            + codes.differencesFrom(stored)
                            + ". Every process must use the same constants and codes; give constants stable codes with "
                            + CodedEnum.class.getSimpleName() + " to reorder them safely",
                    e.errorCode());
        }
        return new SharedEnum<>(slots.region(), slot, memory, codes, lock);
    }

    /** A stored enum slot for tools: the constant's name by the descriptor it stores, the type with its class. */
    static SlotType.Described describe(SlotType.Stored slot) {
        String descriptor = slot.entry().meta();
        if (descriptor == null) {
            throw new IndexOutOfBoundsException("the enum descriptor lies outside the region");
        }
        EnumCodes.Stored stored = EnumCodes.Stored.parse(descriptor);
        int code = (int) CODE.getVolatile(slot.value(), 0L);
        String constant = stored.codes().entrySet().stream()
                .filter(e -> e.getValue() == code)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        return new SlotType.Described(
                "SharedEnum<" + stored.className() + ">", constant != null ? constant : "unknown code " + code, null);
    }

    SharedEnum(Region region, String slot, MemorySegment memory, EnumCodes<E> codes, SharedMutex lock) {
        super(region, slot, memory, lock);
        this.codes = codes;
    }

    /**
     * The enum class.
     *
     * @return the enum class the slot was created for
     */
    public Class<E> type() {
        return codes.type();
    }

    /**
     * The current constant (volatile read).
     *
     * @return the current constant
     * @throws IncompatibleSlotException if the stored code is no constant's (stored by a process with another
     *     release of the enum, or by a stray write)
     * @throws IllegalStateException if the region is closed
     */
    public E get() {
        return codes.constantOf(value(), slot);
    }

    /**
     * The stored code of the current constant (volatile read), like Python's {@code IntEnumValue.value}.
     *
     * @return the current code: the constant's {@link CodedEnum#code()}, or else its ordinal
     */
    public int value() {
        return fromRegion((int) CODE.getVolatile(ALL_MEMORY, address()));
    }

    /**
     * The name of the current constant.
     *
     * @return the current constant's {@link Enum#name()}
     * @throws IncompatibleSlotException if the stored code is no constant's (stored by a process with another
     *     release of the enum, or by a stray write)
     * @throws IllegalStateException if the region is closed
     */
    public String name() {
        return get().name();
    }

    /**
     * Stores a constant (volatile write).
     *
     * @param value the constant to store
     * @throws NullPointerException if {@code value} is null
     */
    public void set(E value) {
        getAndSet(value);
    }

    /**
     * Stores the constant called {@code name}.
     *
     * @param name the name of the constant to store
     * @throws IllegalArgumentException if the enum has no such constant; the message lists the valid names
     * @throws NullPointerException if {@code name} is null
     */
    public void set(String name) {
        set(codes.constantNamed(Objects.requireNonNull(name, "name")));
    }

    /**
     * Stores a constant and returns the previous one, atomically.
     *
     * @param value the constant to store
     * @return the constant stored before
     * @throws NullPointerException if {@code value} is null
     * @throws IncompatibleSlotException if the stored code is no constant's (stored by a process with another
     *     release of the enum, or by a stray write)
     * @throws IllegalStateException if the region is closed
     */
    public E getAndSet(E value) {
        int code = codes.codeOf(value);
        int previousCode = fromRegion((int) CODE.getAndSet(ALL_MEMORY, address(), code));
        E previous = codes.constantOf(previousCode, slot);
        notifyListeners(previous, value);
        return previous;
    }

    /**
     * Stores {@code next} if the current constant is {@code expected}, atomically across processes.
     *
     * @param expected the constant it must hold
     * @param next the constant to store
     * @return {@code true} if stored, {@code false} if the current constant was not {@code expected}
     * @throws NullPointerException if {@code expected} or {@code next} is null
     */
    public boolean compareAndSet(E expected, E next) {
        int expectedCode = codes.codeOf(expected);
        int nextCode = codes.codeOf(next);
        boolean swapped = fromRegion(CODE.compareAndSet(ALL_MEMORY, address(), expectedCode, nextCode));
        if (swapped) {
            notifyListeners(expected, next);
        }
        return swapped;
    }

    /**
     * Adds a listener told of every later change made through this object.
     *
     * @param listener called in the changing thread after each change, in the order added
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(Listener<E> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener added earlier; returns whether it was there.
     *
     * @param listener the listener to remove
     * @return {@code true} if it had been added and is now removed
     */
    public boolean removeListener(Listener<E> listener) {
        return listeners.remove(listener);
    }

    private void notifyListeners(E previous, E current) {
        for (Listener<E> listener : listeners) {
            listener.changed(previous, current);
        }
    }

    @Override
    public String toString() {
        return "SharedEnum[" + slot + "=" + (region.isClosed() ? "(closed)" : String.valueOf(get())) + "]";
    }
}
