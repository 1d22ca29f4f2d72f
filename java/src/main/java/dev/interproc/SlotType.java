package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
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
            slot -> Described.state(elements(slot.value(), Integer.BYTES))),
    LONG_ARRAY(
            RegionLayout.TYPE_INT64_ARRAY,
            "SharedLongArray",
            slot -> Described.state(elements(slot.value(), Long.BYTES))),
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
    BARRIER(RegionLayout.TYPE_BARRIER, "SharedBarrier", slot -> Described.state(SharedBarrier.describe(slot.fields())));

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
     * A stored slot's state in words; where a type has them, its type as shown (an enum's with its class) and
     * lock details.
     */
    record Described(String shownType, String state, LockInfo lock) {

        /** Just the state in words: shown under the type's Java name. */
        static Described state(String state) {
            return new Described(null, state, null);
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
        return new SlotInfo(entry.name(), shownType, entry.size(), described.state(), described.lock());
    }

    private static Described intState(Stored slot) {
        return Described.state(String.valueOf((int) INT_WORD.getVolatile(slot.value(), 0L)));
    }

    private static Described longState(Stored slot) {
        return Described.state(String.valueOf((long) LONG_WORD.getVolatile(slot.value(), 0L)));
    }

    private static Described doubleState(Stored slot) {
        return Described.state(String.valueOf(Double.longBitsToDouble((long) LONG_WORD.getVolatile(slot.value(), 0L))));
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

    /** The first elements of an array slot: "[1, 2, 3]" or "[1, ..., 8, ... (100 elements)]". */
    private static String elements(MemorySegment value, int elementBytes) {
        long length = value.byteSize() / elementBytes;
        StringJoiner shown = new StringJoiner(", ", "[", "");
        for (long i = 0; i < Math.min(length, ARRAY_ELEMENTS_SHOWN); i++) {
            shown.add(
                    elementBytes == Integer.BYTES
                            ? String.valueOf((int) INT_WORD.getVolatile(value, i * elementBytes))
                            : String.valueOf((long) LONG_WORD.getVolatile(value, i * elementBytes)));
        }
        return shown + (length > ARRAY_ELEMENTS_SHOWN ? ", ... (" + length + " elements)]" : "]");
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
