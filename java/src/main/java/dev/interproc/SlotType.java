package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The registry of slot types: for each, the type tag stored in the directory (docs/layout.md, "Slot types";
 * the value comes from the native library), the Java type that gives access to it, and how {@code interproc
 * show} describes a stored slot of the type. What a slot of a type is created with (size, metadata, initial
 * bytes) is the business of its class ({@code SharedBarrier.spec(parties)}, ...), which names its entry here.
 *
 * <p>A new slot type is one entry here plus its class (and its accessor on {@link SharedMemory}); the slot
 * contract test then runs against it.
 */
enum SlotType {
    INT(RegionLayout.TYPE_INT32, "SharedInt", SlotType::intState),
    LONG(RegionLayout.TYPE_INT64, "SharedLong", SlotType::longState),
    DOUBLE(RegionLayout.TYPE_FLOAT64, "SharedDouble", SlotType::doubleState),
    INT_ARRAY(
            RegionLayout.TYPE_INT32_ARRAY,
            "SharedIntArray",
            slot -> Described.array(elements(slot.value(), Integer.BYTES))),
    LONG_ARRAY(
            RegionLayout.TYPE_INT64_ARRAY,
            "SharedLongArray",
            slot -> Described.array(elements(slot.value(), Long.BYTES))),
    ENUM(RegionLayout.TYPE_ENUM, "SharedEnum", SharedEnum::describe),
    LOCK(RegionLayout.TYPE_LOCK, "SharedLock", LockWord::describe),
    RLOCK(RegionLayout.TYPE_RLOCK, "SharedRLock", LockWord::describe),
    CONDITION(
            RegionLayout.TYPE_CONDITION,
            "SharedCondition",
            slot -> Described.state(SharedCondition.describe(slot.fields()))),
    SEMAPHORE(
            RegionLayout.TYPE_SEMAPHORE,
            "SharedSemaphore",
            slot -> Described.state(SharedSemaphore.describe(slot.fields()))),
    EVENT(RegionLayout.TYPE_EVENT, "SharedEvent", slot -> Described.state(SharedEvent.describe(slot.fields()))),
    BARRIER(RegionLayout.TYPE_BARRIER, "SharedBarrier", slot -> Described.state(SharedBarrier.describe(slot.fields()))),
    QUEUE(RegionLayout.TYPE_QUEUE, "SharedQueue", QueueRing::describe),
    JOINABLE_QUEUE(RegionLayout.TYPE_JOINABLE_QUEUE, "JoinableQueue", TaskCounts::describe);

    /** Array slots show this many elements, then how many there are. */
    private static final int ARRAY_ELEMENTS_SHOWN = 8;
    /** Slots of a type this version does not know show this many raw 32-bit words. */
    private static final int RAW_WORDS_SHOWN = 4;

    private static final VarHandle INT_WORD = JAVA_INT.varHandle();
    private static final VarHandle LONG_WORD = JAVA_LONG.varHandle();
    private static final Map<Integer, SlotType> BY_TAG =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(SlotType::tag, Function.identity()));

    /** A stored slot being described: its directory entry, read in the region it was read from. */
    record Stored(SlotDirectory.Entry entry, Region region) {

        MemorySegment value() {
            return entry.value();
        }

        IntFields fields() {
            return new IntFields(region, entry.value());
        }
    }

    /** How a stored slot of a type reads for {@code interproc show}. */
    interface Describer {
        /**
         * The slot's state in words, with what the type adds to it.
         *
         * @throws IndexOutOfBoundsException if the slot is too small for its type (a corrupt directory)
         */
        Described describe(Stored slot);
    }

    /**
     * A stored slot's state in words; where a type has them, its type as shown (an enum's with its class), lock
     * details, and its value as numbers ({@link SlotInfo#numbers()}).
     */
    record Described(String shownType, String state, LockInfo lock, List<Number> numbers) {

        /** A state with no numbers. */
        Described(String shownType, String state, LockInfo lock) {
            this(shownType, state, lock, List.of());
        }

        /** Just the state in words: shown under the type's Java name. */
        static Described state(String state) {
            return new Described(null, state, null);
        }

        /** A number's slot: the number, shown as Java prints it. */
        static Described number(Number number) {
            return new Described(null, String.valueOf(number), null, List.of(number));
        }

        /** An array's slot: every element, shown as the first ones and how many there are. */
        static Described array(List<Number> elements) {
            StringJoiner shown = new StringJoiner(", ", "[", "");
            elements.stream().limit(ARRAY_ELEMENTS_SHOWN).forEach(element -> shown.add(String.valueOf(element)));
            String rest = elements.size() > ARRAY_ELEMENTS_SHOWN ? ", ... (" + elements.size() + " elements)]" : "]";
            return new Described(null, shown + rest, null, elements);
        }
    }

    private final int tag;
    private final String javaName;
    private final Describer describer;

    SlotType(int tag, String javaName, Describer describer) {
        this.tag = tag;
        this.javaName = javaName;
        this.describer = describer;
    }

    /** The tag stored in the directory entry of a slot of this type. */
    int tag() {
        return tag;
    }

    /** Bytes per element of an array type (its length is counted in elements), or 0 for a type that is no array. */
    int elementBytes() {
        return switch (this) {
            case INT_ARRAY -> Integer.BYTES;
            case LONG_ARRAY -> Long.BYTES;
            default -> 0;
        };
    }

    /** The Java type of the slot, as messages and tools name it. */
    String javaName() {
        return javaName;
    }

    /**
     * The snapshot of a stored slot of this type.
     *
     * @throws IndexOutOfBoundsException if the slot is too small for its type (a corrupt directory)
     */
    SlotInfo describe(Stored slot) {
        SlotDirectory.Entry entry = slot.entry();
        Described described = describer.describe(slot);
        String shownType = described.shownType() != null ? described.shownType() : javaName;
        return new SlotInfo(
                entry.name(), shownType, entry.size(), described.state(), described.lock(), described.numbers());
    }

    private static Described intState(Stored slot) {
        return Described.number((int) INT_WORD.getVolatile(slot.value(), 0L));
    }

    private static Described longState(Stored slot) {
        return Described.number((long) LONG_WORD.getVolatile(slot.value(), 0L));
    }

    private static Described doubleState(Stored slot) {
        return Described.number(Double.longBitsToDouble((long) LONG_WORD.getVolatile(slot.value(), 0L)));
    }

    /** The type stored with {@code tag}, or null for a tag this version does not know. */
    static SlotType ofTag(int tag) {
        return BY_TAG.get(tag);
    }

    /** The Java name of the type stored with {@code tag}, or words saying it is unknown. */
    static String nameOf(int tag) {
        SlotType type = ofTag(tag);
        return type != null ? type.javaName : "slot of unknown type " + tag;
    }

    /** Every element of an array slot: Integers or Longs by the element size. */
    private static List<Number> elements(MemorySegment value, int elementBytes) {
        long length = value.byteSize() / elementBytes;
        List<Number> elements = new ArrayList<>();
        for (long i = 0; i < length; i++) {
            elements.add(
                    elementBytes == Integer.BYTES
                            ? (Number) (int) INT_WORD.getVolatile(value, i * elementBytes)
                            : (Number) (long) LONG_WORD.getVolatile(value, i * elementBytes));
        }
        return elements;
    }

    /** The first raw 32-bit words of a slot that can't be described by its type: "words [1, 0, 0, 0]". */
    static String rawWords(MemorySegment value) {
        StringJoiner words = new StringJoiner(", ", "words [", "]");
        for (long i = 0; i < Math.min(value.byteSize() / Integer.BYTES, RAW_WORDS_SHOWN); i++) {
            words.add(String.valueOf((int) INT_WORD.getVolatile(value, i * Integer.BYTES)));
        }
        return words.toString();
    }
}
