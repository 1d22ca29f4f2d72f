package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.interproc.internal.ffm.Native;
import dev.interproc.internal.ffm.RegionLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.function.ToLongFunction;

/**
 * The table of {@link RegionCorruptionTest}: every field of docs/layout.md, each set to the values that can break
 * a reader (0, all ones, huge, misaligned, pointing into the header) that apply to it. A region holds one slot of
 * every {@link SlotKind}, named by {@link #slotName}.
 */
final class CorruptionCases {

    /** How the region is left before it is corrupted. */
    enum Setup {
        /** Created and closed by the test: every process-table entry is free. */
        CLOSED,
        /** Then opened by a child JVM that was killed: one entry is attached, its process dead. */
        DEAD_PROCESS
    }

    /** A raw write into a region, given the healthy image of its bytes to find the field. */
    interface Corruption {
        void apply(MemorySegment region, RegionImage healthy);
    }

    /**
     * One corruption.
     *
     * @param number the case's number, unique in {@link #ALL}
     * @param group the part of the region the field belongs to
     * @param field the field, as docs/layout.md names it, with where it is
     * @param value what it is set to
     * @param setup how the region is left before it is corrupted
     * @param corruption the raw write
     * @param names what a refusal must name: the field's docs/layout.md names
     */
    record Case(
            int number,
            String group,
            String field,
            String value,
            Setup setup,
            Corruption corruption,
            List<String> names) {

        @Override
        public String toString() {
            return "#" + number + " " + field + " = " + value;
        }
    }

    /** A value to store, computed from the field's healthy value. */
    record Value(String label, LongUnaryOperator of) {}

    /** Where a field lies in a region, found from its healthy image. */
    private record Field(String field, int width, ToLongFunction<RegionImage> at, List<String> names) {}

    static final Value ZERO = new Value("0", healthy -> 0);
    static final Value ALL_ONES = new Value("-1", healthy -> -1);
    static final Value HUGE_32 = new Value("0x7ffffff0", healthy -> 0x7ffffff0);
    static final Value HUGE_64 = new Value("2^50", healthy -> 1L << 50);
    /** Aligns up to 0: {@code align_up(2^64 - 63, 64)} wraps. */
    static final Value WRAPS = new Value("2^64-63", healthy -> -63);

    static final Value NEXT = new Value("healthy+1", healthy -> healthy + 1);
    static final Value MISALIGNED_1 = new Value("healthy+1 (misaligned)", healthy -> healthy + 1);
    static final Value MISALIGNED_3 = new Value("healthy+3 (misaligned)", healthy -> healthy + 3);
    static final Value INTO_HEADER_8 = new Value("8 (into the header)", healthy -> 8);
    static final Value INTO_HEADER_64 = new Value("64 (into the header)", healthy -> 64);
    /** A thread id above Linux's limit (2^22): no thread has it, so the kernel never marks its mutexes dead. */
    static final Value NO_SUCH_THREAD = new Value("0x3ffffffe (no such thread)", healthy -> 0x3ffffffe);

    static final Value NO_SUCH_THREAD_WAITERS =
            new Value("0xbffffffe (no such thread, waiters)", healthy -> 0xbffffffeL);
    /** The test JVM's main thread: alive for the whole test, and never unlocks anything in the region. */
    static final Value LIVE_THREAD =
            new Value("tid of a live thread outside the region", healthy -> ProcessHandle.current()
                    .pid());

    static final Value WAITERS_ONLY = new Value("0x80000000 (waiters bit only)", healthy -> 0x80000000L);
    /** The owner token of entry 1, which no process ever attached: a free entry. */
    static final Value FREE_ENTRY_TOKEN =
            new Value("token of a free entry", healthy -> (1L << RegionLayout.TOKEN_INDEX_BITS) | 2);

    static final List<Value> OFFSETS =
            List.of(ZERO, ALL_ONES, HUGE_64, WRAPS, MISALIGNED_1, MISALIGNED_3, INTO_HEADER_8, INTO_HEADER_64);
    static final List<Value> COUNTS = List.of(ZERO, ALL_ONES, HUGE_32, NEXT);
    static final List<Value> NUMBERS = List.of(ZERO, ALL_ONES, HUGE_64);
    static final List<Value> WORDS = List.of(ZERO, ALL_ONES, HUGE_32);
    static final List<Value> LOCK_WORDS = List.of(ALL_ONES, HUGE_32, NO_SUCH_THREAD, WAITERS_ONLY, FREE_ENTRY_TOKEN);

    /**
     * The words of glibc's {@code pthread_mutex_t} on x86-64 ({@code struct __pthread_mutex_s}), which the region
     * holds but docs/layout.md leaves to the C library: the lock word (owner thread id and flag bits), the
     * recursion count, the owner, the user count and the kind (robust, process-shared).
     */
    private static final long MUTEX_LOCK = 0;

    private static final long MUTEX_COUNT = 4;
    private static final long MUTEX_OWNER = 8;
    private static final long MUTEX_NUSERS = 12;
    private static final long MUTEX_KIND = 16;

    private static final long LOCK_WORD_OFFSET = Native.layout("offsetof.ip_lock_slot.word");

    /** Every case, numbered from 0. */
    static final List<Case> ALL = new CorruptionCases().build();

    private final List<Case> cases = new ArrayList<>();

    private CorruptionCases() {}

    /** The name of the slot of {@code kind} in every region of the suite; a condition's lock is the part before '/'. */
    static String slotName(SlotKind<?> kind) {
        return kind.type() + (kind.variant().isEmpty() ? "" : "-" + kind.variant()) + "/value";
    }

    private static String slot(String type) {
        return SlotKind.ALL.stream()
                .filter(kind -> kind.toString().equals(type))
                .map(CorruptionCases::slotName)
                .findFirst()
                .orElseThrow();
    }

    private List<Case> build() {
        header();
        directoryMutex();
        processTable(Setup.CLOSED, "free", image -> image.processEntry(0));
        processTable(Setup.DEAD_PROCESS, "dead", image -> image.processEntry(image.attachedEntry()));
        directoryEntry("SharedEnum");
        for (String type : List.of("SharedBarrier", "SharedSemaphore (bounded)")) {
            String group = "directory entry of " + type;
            add(group, entryField(type, "offset", 8, RegionLayout.SLOT_VALUE_OFFSET_OFFSET), OFFSETS);
            add(group, entryField(type, "size", 8, RegionLayout.SLOT_SIZE_OFFSET), OFFSETS);
        }
        slotWords();
        return List.copyOf(cases);
    }

    private void header() {
        String group = "header";
        add(group, header("magic", 8, RegionLayout.HEADER_MAGIC_OFFSET), List.of(ZERO, ALL_ONES, NEXT));
        add(group, header("layout_version", 4, RegionLayout.HEADER_LAYOUT_VERSION_OFFSET), COUNTS);
        add(group, header("state", 4, RegionLayout.HEADER_STATE_OFFSET), COUNTS);
        add(group, header("size", 8, RegionLayout.HEADER_SIZE_OFFSET), OFFSETS);
        add(group, header("creator_start_time", 8, RegionLayout.HEADER_CREATOR_START_TIME_OFFSET), NUMBERS);
        add(group, header("creator_pid", 4, RegionLayout.HEADER_CREATOR_PID_OFFSET), WORDS);
        add(group, header("max_processes", 4, RegionLayout.HEADER_MAX_PROCESSES_OFFSET), COUNTS);
        add(group, header("max_slots", 4, RegionLayout.HEADER_MAX_SLOTS_OFFSET), COUNTS);
        add(group, header("unused", 4, Native.layout("offsetof.ip_header.unused")), WORDS);
        add(group, header("created_unix_ms", 8, RegionLayout.HEADER_CREATED_UNIX_MS_OFFSET), NUMBERS);
        add(group, header("process_table_offset", 8, RegionLayout.HEADER_PROCESS_TABLE_OFFSET_OFFSET), OFFSETS);
        add(group, header("directory_offset", 8, RegionLayout.HEADER_DIRECTORY_OFFSET_OFFSET), OFFSETS);
        add(group, header("data_offset", 8, RegionLayout.HEADER_DATA_OFFSET_OFFSET), OFFSETS);
        add(group, header("data_top", 8, RegionLayout.HEADER_DATA_TOP_OFFSET), OFFSETS);
        add(group, header("slot_count", 4, RegionLayout.HEADER_SLOT_COUNT_OFFSET), COUNTS);
    }

    private static Field header(String name, int width, long offset) {
        return new Field("header " + name, width, image -> offset, List.of(name));
    }

    private void directoryMutex() {
        mutexWords("directory_mutex", Setup.CLOSED, image -> RegionImage.DIRECTORY_MUTEX_OFFSET, "directory_mutex");
    }

    private void mutexWords(String group, Setup setup, ToLongFunction<RegionImage> mutex, String name) {
        List<String> names = List.of(name);
        addAll(
                group,
                setup,
                word(name + " lock word", mutex, MUTEX_LOCK, names),
                List.of(NO_SUCH_THREAD, NO_SUCH_THREAD_WAITERS, ALL_ONES, LIVE_THREAD));
        addAll(group, setup, word(name + " count", mutex, MUTEX_COUNT, names), List.of(ALL_ONES));
        addAll(group, setup, word(name + " owner", mutex, MUTEX_OWNER, names), List.of(NO_SUCH_THREAD, ALL_ONES));
        addAll(group, setup, word(name + " nusers", mutex, MUTEX_NUSERS, names), List.of(ALL_ONES));
        addAll(group, setup, word(name + " kind", mutex, MUTEX_KIND, names), WORDS);
    }

    private static Field word(String field, ToLongFunction<RegionImage> base, long offset, List<String> names) {
        return new Field(field, 4, image -> base.applyAsLong(image) + offset, names);
    }

    private void processTable(Setup setup, String which, ToLongFunction<RegionImage> entry) {
        String group = "process table, " + which + " entry";
        mutexWords(group, setup, image -> entry.applyAsLong(image) + RegionImage.LIVENESS_OFFSET, "liveness");
        addAll(group, setup, processField("state", 4, entry, RegionLayout.PROCESS_STATE_OFFSET), COUNTS);
        addAll(group, setup, processField("pid", 4, entry, RegionLayout.PROCESS_PID_OFFSET), WORDS);
        addAll(group, setup, processField("start_time", 8, entry, RegionLayout.PROCESS_START_TIME_OFFSET), NUMBERS);
        addAll(group, setup, processField("generation", 4, entry, RegionLayout.PROCESS_GENERATION_OFFSET), WORDS);
    }

    private static Field processField(String name, int width, ToLongFunction<RegionImage> entry, long offset) {
        return new Field("process entry " + name, width, image -> entry.applyAsLong(image) + offset, List.of(name));
    }

    private void directoryEntry(String type) {
        String group = "directory entry of " + type;
        String slot = slot(type);
        List<String> names = List.of("name");
        nameCase(group, "no NUL terminator", names, "x".repeat(RegionLayout.SLOT_NAME_MAX + 1), slot);
        nameCase(group, "invalid characters", names, "bad name\u0001\u00ff!", slot);
        nameCase(group, "empty", names, "", slot);
        nameCase(group, "another slot's name", names, slot("SharedInt"), slot);
        add(
                group,
                entryField(type, "type", 4, RegionLayout.SLOT_TYPE_OFFSET),
                List.of(
                        ZERO,
                        ALL_ONES,
                        HUGE_32,
                        new Value("the barrier's type", healthy -> RegionLayout.TYPE_BARRIER)));
        add(
                group,
                entryField(type, "meta_length", 4, RegionLayout.SLOT_META_LENGTH_OFFSET),
                List.of(ZERO, ALL_ONES, new Value("0x7fffffff", healthy -> 0x7fffffff), NEXT));
        add(group, entryField(type, "offset", 8, RegionLayout.SLOT_VALUE_OFFSET_OFFSET), OFFSETS);
        add(group, entryField(type, "size", 8, RegionLayout.SLOT_SIZE_OFFSET), OFFSETS);
        add(group, entryField(type, "meta_offset", 8, RegionLayout.SLOT_META_OFFSET_OFFSET), OFFSETS);
    }

    private static Field entryField(String type, String name, int width, long offset) {
        String slot = slot(type);
        return new Field(
                "entry of " + slot + ": " + name,
                width,
                image -> image.entry(slot).at() + offset,
                List.of(name));
    }

    /** Writes {@code name} over the slot's name field, zero-padded, without a terminator if it fills the field. */
    private void nameCase(String group, String label, List<String> names, String name, String slot) {
        byte[] bytes = name.getBytes(StandardCharsets.ISO_8859_1);
        Corruption corruption = (region, healthy) -> {
            long at = healthy.entry(slot).at() + RegionLayout.SLOT_NAME_OFFSET;
            for (int i = 0; i <= RegionLayout.SLOT_NAME_MAX; i++) {
                region.set(JAVA_BYTE, at + i, i < bytes.length ? bytes[i] : 0);
            }
        };
        cases.add(new Case(cases.size(), group, "entry of " + slot + ": name", label, Setup.CLOSED, corruption, names));
    }

    private void slotWords() {
        String group = "slot words";
        slotWord(group, "SharedEnum", "code", 0, 4, WORDS);
        for (String lock : List.of("SharedLock", "SharedRLock")) {
            slotWord(group, lock, "word", LOCK_WORD_OFFSET, 4, LOCK_WORDS);
            slotWord(group, lock, "fence", RegionLayout.LOCK_FENCE_OFFSET, 8, List.of(ALL_ONES, WRAPS));
        }
        slotWord(group, "SharedCondition", "seq", RegionLayout.CONDITION_SEQ_OFFSET, 4, WORDS);
        slotWord(group, "SharedCondition", "waiters", RegionLayout.CONDITION_WAITERS_OFFSET, 4, WORDS);
        slotWord(group, "SharedCondition", "permits", RegionLayout.CONDITION_PERMITS_OFFSET, 4, WORDS);
        String semaphore = "SharedSemaphore (bounded)";
        slotWord(group, semaphore, "word", RegionLayout.SEMAPHORE_LOCK_OFFSET + LOCK_WORD_OFFSET, 4, LOCK_WORDS);
        slotWord(group, semaphore, "seq", RegionLayout.SEMAPHORE_SEQ_OFFSET, 4, WORDS);
        slotWord(group, semaphore, "available", RegionLayout.SEMAPHORE_AVAILABLE_OFFSET, 4, WORDS);
        slotWord(group, semaphore, "initial", RegionLayout.SEMAPHORE_INITIAL_OFFSET, 4, WORDS);
        slotWord(group, semaphore, "bounded", RegionLayout.SEMAPHORE_BOUNDED_OFFSET, 4, WORDS);
        long holder = RegionLayout.SEMAPHORE_HOLDERS_OFFSET;
        slotWord(group, semaphore, "token", holder + RegionLayout.SEMAPHORE_HOLDER_TOKEN_OFFSET, 4, LOCK_WORDS);
        slotWord(group, semaphore, "permits", holder + RegionLayout.SEMAPHORE_HOLDER_PERMITS_OFFSET, 4, WORDS);
        slotWord(
                group,
                "SharedEvent",
                "word",
                RegionLayout.EVENT_WORD_OFFSET,
                4,
                List.of(ZERO, ALL_ONES, HUGE_32, WAITERS_ONLY));
        String barrier = "SharedBarrier";
        slotWord(group, barrier, "word", RegionLayout.BARRIER_LOCK_OFFSET + LOCK_WORD_OFFSET, 4, LOCK_WORDS);
        slotWord(group, barrier, "seq", RegionLayout.BARRIER_SEQ_OFFSET, 4, WORDS);
        slotWord(group, barrier, "parties", RegionLayout.BARRIER_PARTIES_OFFSET, 4, WORDS);
        slotWord(group, barrier, "arrived", RegionLayout.BARRIER_ARRIVED_OFFSET, 4, WORDS);
        slotWord(group, barrier, "trips", RegionLayout.BARRIER_TRIPS_OFFSET, 4, WORDS);
        slotWord(group, barrier, "breaks", RegionLayout.BARRIER_BREAKS_OFFSET, 4, WORDS);
        slotWord(group, barrier, "broken", RegionLayout.BARRIER_BROKEN_OFFSET, 4, WORDS);
        slotWord(group, barrier, "dead_pid", RegionLayout.BARRIER_DEAD_PID_OFFSET, 4, WORDS);
        slotWord(group, barrier, "waiting", RegionLayout.BARRIER_WAITING_OFFSET, 4, LOCK_WORDS);
        String barrierSlot = slot(barrier);
        ToLongFunction<RegionImage> members = image -> {
            long value = image.entry(barrierSlot).offset();
            int parties = image.intAt(value + RegionLayout.BARRIER_PARTIES_OFFSET);
            return value + RegionLayout.BARRIER_WAITING_OFFSET + (long) Integer.BYTES * parties;
        };
        add(group, new Field(barrierSlot + ": members", 4, members, List.of("members")), LOCK_WORDS);
        String queue = "SharedQueue";
        slotWord(group, queue, "word", RegionLayout.QUEUE_PUT_LOCK_OFFSET + LOCK_WORD_OFFSET, 4, LOCK_WORDS);
        slotWord(group, queue, "word", RegionLayout.QUEUE_TAKE_LOCK_OFFSET + LOCK_WORD_OFFSET, 4, LOCK_WORDS);
        slotWord(group, queue, "tail", RegionLayout.QUEUE_TAIL_OFFSET, 8, OFFSETS);
        slotWord(group, queue, "head", RegionLayout.QUEUE_HEAD_OFFSET, 8, OFFSETS);
        slotWord(group, queue, "put_count", RegionLayout.QUEUE_PUT_COUNT_OFFSET, 8, NUMBERS);
        slotWord(group, queue, "take_count", RegionLayout.QUEUE_TAKE_COUNT_OFFSET, 8, NUMBERS);
        slotWord(group, queue, "not_empty", RegionLayout.QUEUE_NOT_EMPTY_OFFSET, 4, WORDS);
        slotWord(group, queue, "consumers_waiting", RegionLayout.QUEUE_CONSUMERS_WAITING_OFFSET, 4, WORDS);
        slotWord(group, queue, "not_full", RegionLayout.QUEUE_NOT_FULL_OFFSET, 4, WORDS);
        slotWord(group, queue, "producers_waiting", RegionLayout.QUEUE_PRODUCERS_WAITING_OFFSET, 4, WORDS);
        slotWord(group, queue, "capacity", RegionLayout.QUEUE_CAPACITY_OFFSET, 8, NUMBERS);
        slotWord(group, queue, "max_message", RegionLayout.QUEUE_MAX_MESSAGE_OFFSET, 4, WORDS);
        slotWord(group, queue, "shutdown", RegionLayout.QUEUE_SHUTDOWN_OFFSET, 4, WORDS);
        String joinable = "JoinableQueue";
        slotWord(group, joinable, "word", RegionLayout.QUEUE_PUT_LOCK_OFFSET + LOCK_WORD_OFFSET, 4, LOCK_WORDS);
        slotWord(group, joinable, "tail", RegionLayout.QUEUE_TAIL_OFFSET, 8, OFFSETS);
        slotWord(group, joinable, "head", RegionLayout.QUEUE_HEAD_OFFSET, 8, OFFSETS);
        slotWord(group, joinable, "capacity", RegionLayout.QUEUE_CAPACITY_OFFSET, 8, NUMBERS);
        // The task counts follow the ring of the kind's 1024 bytes.
        long tasks = RegionLayout.QUEUE_RING_OFFSET + 1024;
        slotWord(group, joinable, "done_seq", tasks + RegionLayout.TASKS_DONE_SEQ_OFFSET, 4, WORDS);
        slotWord(group, joinable, "joiners_waiting", tasks + RegionLayout.TASKS_JOINERS_WAITING_OFFSET, 4, WORDS);
        slotWord(group, joinable, "abandoned", tasks + RegionLayout.TASKS_ABANDONED_OFFSET, 8, NUMBERS);
        slotWord(group, joinable, "last_dead_pid", tasks + RegionLayout.TASKS_LAST_DEAD_PID_OFFSET, 4, WORDS);
        slotWord(group, joinable, "in_flight", tasks + RegionLayout.TASKS_IN_FLIGHT_OFFSET, 8, NUMBERS);
        slotWord(group, joinable, "in_flight", tasks + RegionLayout.TASKS_IN_FLIGHT_OFFSET + 4, 4, LOCK_WORDS);
    }

    private void slotWord(String group, String type, String name, long offset, int width, List<Value> values) {
        String slot = slot(type);
        add(
                group,
                new Field(slot + ": " + name, width, image -> image.entry(slot).offset() + offset, List.of(name)),
                values);
    }

    private void add(String group, Field field, List<Value> values) {
        addAll(group, Setup.CLOSED, field, values);
    }

    private void addAll(String group, Setup setup, Field field, List<Value> values) {
        for (Value value : values) {
            Corruption corruption = (region, healthy) -> {
                long at = field.at().applyAsLong(healthy);
                if (field.width() == Long.BYTES) {
                    region.set(JAVA_LONG, at, value.of().applyAsLong(healthy.longAt(at)));
                } else {
                    region.set(JAVA_INT, at, (int) value.of().applyAsLong(healthy.intAt(at)));
                }
            };
            cases.add(new Case(cases.size(), group, field.field(), value.label(), setup, corruption, field.names()));
        }
    }
}
