package dev.interproc.internal.ffm;

/**
 * The byte layout of a region, read once from libinterproc ({@code ip_layout_value}) so that Java
 * hard-codes no size or offset: native/src/internal.h is the one source of every number here, and
 * docs/layout.md ("Overview" and the sections after it) draws and explains them.
 *
 * <p>All header fields but {@code state}, {@code slot_count} and {@code data_top} are written once by the
 * creator before it stores {@code state = READY} with release semantics; an opener reads {@code state}
 * with acquire semantics first. Directory entries are immutable once {@code slot_count} (stored with
 * release, read with acquire) covers them.
 */
public final class RegionLayout {

    public static final int LAYOUT_VERSION = constant("IP_LAYOUT_VERSION");
    public static final int MAGIC_LENGTH = constant("IP_MAGIC_LENGTH");
    public static final int REGION_NAME_MAX = constant("IP_REGION_NAME_MAX");
    public static final int SLOT_NAME_MAX = constant("IP_SLOT_NAME_MAX");
    public static final int SLOT_META_MAX = constant("IP_SLOT_META_MAX");
    public static final int CACHE_LINE = constant("IP_CACHE_LINE");
    public static final int DEFAULT_MODE = constant("IP_DEFAULT_MODE");
    public static final int DEFAULT_MAX_SLOTS = constant("IP_DEFAULT_MAX_SLOTS");
    public static final int DEFAULT_MAX_PROCESSES = constant("IP_DEFAULT_MAX_PROCESSES");
    public static final int DEFAULT_OPEN_TIMEOUT_MS = constant("IP_DEFAULT_OPEN_TIMEOUT_MS");

    public static final int STATE_READY = constant("IP_STATE_READY");
    public static final int PROCESS_ATTACHED = constant("IP_PROCESS_ATTACHED");

    public static final int TYPE_INT32 = constant("IP_TYPE_INT32");
    public static final int TYPE_INT64 = constant("IP_TYPE_INT64");
    public static final int TYPE_FLOAT64 = constant("IP_TYPE_FLOAT64");
    public static final int TYPE_INT32_ARRAY = constant("IP_TYPE_INT32_ARRAY");
    public static final int TYPE_INT64_ARRAY = constant("IP_TYPE_INT64_ARRAY");
    public static final int TYPE_ENUM = constant("IP_TYPE_ENUM");
    public static final int TYPE_LOCK = constant("IP_TYPE_LOCK");
    public static final int TYPE_RLOCK = constant("IP_TYPE_RLOCK");
    public static final int TYPE_CONDITION = constant("IP_TYPE_CONDITION");
    public static final int TYPE_SEMAPHORE = constant("IP_TYPE_SEMAPHORE");
    public static final int TYPE_EVENT = constant("IP_TYPE_EVENT");
    public static final int TYPE_BARRIER = constant("IP_TYPE_BARRIER");
    public static final int TYPE_QUEUE = constant("IP_TYPE_QUEUE");
    public static final int TYPE_JOINABLE_QUEUE = constant("IP_TYPE_JOINABLE_QUEUE");

    /** The waiters bit of a lock word (bit 31). */
    public static final int LOCK_WAITERS = (int) Native.layout("const.IP_LOCK_WAITERS");

    public static final int TOKEN_INDEX_BITS = constant("IP_TOKEN_INDEX_BITS");
    public static final int TOKEN_GENERATION_BITS = constant("IP_TOKEN_GENERATION_BITS");
    /** Bytes of a lock: the word at offset 0, the 64-bit fencing token at {@link #LOCK_FENCE_OFFSET}. */
    public static final int LOCK_SIZE = constant("IP_LOCK_SIZE");

    public static final int LOCK_FENCE_OFFSET = constant("IP_LOCK_FENCE_OFFSET");
    /** Longest single futex sleep of a waiter before it re-checks liveness, interruption and deadlines. */
    public static final long LOCK_WAIT_SLICE_NANOS = Native.layout("const.IP_LOCK_WAIT_SLICE_NS");
    /** How long a platform-thread waiter spins before it sleeps (C: {@code IP_LOCK_SPIN_NS}). */
    public static final long LOCK_SPIN_NANOS = Native.layout("const.IP_LOCK_SPIN_NS");
    /** The pace of that spin: one look at the lock word per interval (C: {@code IP_LOCK_SPIN_POLL_NS}). */
    public static final long LOCK_SPIN_POLL_NANOS = Native.layout("const.IP_LOCK_SPIN_POLL_NS");

    /** Error codes: negative errno values (as {@code -ENOENT}) and libinterproc's own {@code IP_E*}. */
    public static final int E_NOENT = constant("ENOENT");

    public static final int E_EXIST = constant("EEXIST");
    public static final int E_ACCES = constant("EACCES");
    public static final int E_NOSPC = constant("ENOSPC");
    public static final int E_TIMEDOUT = constant("ETIMEDOUT");
    public static final int E_AGAIN = constant("EAGAIN");
    public static final int E_INTR = constant("EINTR");
    public static final int E_PERM = constant("EPERM");
    public static final int E_DEADLK = constant("EDEADLK");
    public static final int E_OWNERDEAD = constant("IP_EOWNERDEAD");
    public static final int E_MAGIC = constant("IP_EMAGIC");
    public static final int E_VERSION = constant("IP_EVERSION");
    public static final int E_NOTREADY = constant("IP_ENOTREADY");
    public static final int E_CORRUPT = constant("IP_ECORRUPT");
    public static final int E_DIRFULL = constant("IP_EDIRFULL");
    public static final int E_NOSPACE = constant("IP_ENOSPACE");
    public static final int E_PROCFULL = constant("IP_EPROCFULL");
    public static final int E_SLOTTYPE = constant("IP_ESLOTTYPE");
    public static final int E_SLOTSIZE = constant("IP_ESLOTSIZE");
    public static final int E_SLOTMETA = constant("IP_ESLOTMETA");
    public static final int E_NAME = constant("IP_ENAME");
    public static final int E_ARG = constant("IP_EARG");
    public static final int E_SHMFULL = constant("IP_ESHMFULL");
    public static final int E_REPLACED = constant("IP_EREPLACED");
    public static final int E_STUCK = constant("IP_ESTUCK");

    public static final long HEADER_SIZE = size("ip_header");
    public static final long HEADER_MAGIC_OFFSET = header("magic");
    public static final long HEADER_LAYOUT_VERSION_OFFSET = header("layout_version");
    public static final long HEADER_STATE_OFFSET = header("state");
    public static final long HEADER_SIZE_OFFSET = header("size");
    public static final long HEADER_CREATOR_START_TIME_OFFSET = header("creator_start_time");
    public static final long HEADER_CREATOR_PID_OFFSET = header("creator_pid");
    public static final long HEADER_MAX_PROCESSES_OFFSET = header("max_processes");
    public static final long HEADER_MAX_SLOTS_OFFSET = header("max_slots");
    public static final long HEADER_CREATED_UNIX_MS_OFFSET = header("created_unix_ms");
    public static final long HEADER_PROCESS_TABLE_OFFSET_OFFSET = header("process_table_offset");
    public static final long HEADER_DIRECTORY_OFFSET_OFFSET = header("directory_offset");
    public static final long HEADER_DATA_OFFSET_OFFSET = header("data_offset");
    public static final long HEADER_DATA_TOP_OFFSET = header("data_top");
    public static final long HEADER_SLOT_COUNT_OFFSET = header("slot_count");

    public static final long PROCESS_ENTRY_SIZE = size("ip_process_entry");
    public static final long PROCESS_STATE_OFFSET = field("ip_process_entry", "state");
    public static final long PROCESS_PID_OFFSET = field("ip_process_entry", "pid");
    public static final long PROCESS_START_TIME_OFFSET = field("ip_process_entry", "start_time");
    public static final long PROCESS_GENERATION_OFFSET = field("ip_process_entry", "generation");

    public static final long SLOT_ENTRY_SIZE = size("ip_slot_entry");
    public static final long SLOT_NAME_OFFSET = field("ip_slot_entry", "name");
    public static final long SLOT_TYPE_OFFSET = field("ip_slot_entry", "type");
    public static final long SLOT_META_LENGTH_OFFSET = field("ip_slot_entry", "meta_length");
    public static final long SLOT_VALUE_OFFSET_OFFSET = field("ip_slot_entry", "offset");
    public static final long SLOT_SIZE_OFFSET = field("ip_slot_entry", "size");
    public static final long SLOT_META_OFFSET_OFFSET = field("ip_slot_entry", "meta_offset");

    /** Condition slot: docs/layout.md, "Condition slot". */
    public static final long CONDITION_SIZE = size("ip_condition_slot");

    public static final long CONDITION_SEQ_OFFSET = field("ip_condition_slot", "seq");
    public static final long CONDITION_WAITERS_OFFSET = field("ip_condition_slot", "waiters");
    public static final long CONDITION_PERMITS_OFFSET = field("ip_condition_slot", "permits");

    /** Event slot: docs/layout.md, "Event slot". */
    public static final long EVENT_SIZE = size("ip_event_slot");

    public static final long EVENT_WORD_OFFSET = field("ip_event_slot", "word");
    /** Bit 0 of the event word: the event is set. */
    public static final int EVENT_FLAG = constant("IP_EVENT_FLAG");
    /** What every {@code set} adds to the event word, whose bits 1 to 31 count them. */
    public static final int EVENT_SET_INCREMENT = constant("IP_EVENT_SET_INCREMENT");

    /** Semaphore slot: docs/layout.md, "Semaphore slot"; its size depends on the process table's. */
    public static final long SEMAPHORE_LOCK_OFFSET = field("ip_semaphore_slot", "lock");

    public static final long SEMAPHORE_SEQ_OFFSET = field("ip_semaphore_slot", "seq");
    public static final long SEMAPHORE_AVAILABLE_OFFSET = field("ip_semaphore_slot", "available");
    public static final long SEMAPHORE_INITIAL_OFFSET = field("ip_semaphore_slot", "initial");
    public static final long SEMAPHORE_BOUNDED_OFFSET = field("ip_semaphore_slot", "bounded");
    public static final long SEMAPHORE_HOLDERS_OFFSET = field("ip_semaphore_slot", "holders");
    public static final long SEMAPHORE_HOLDER_SIZE = size("ip_semaphore_holder");
    public static final long SEMAPHORE_HOLDER_TOKEN_OFFSET = field("ip_semaphore_holder", "token");
    public static final long SEMAPHORE_HOLDER_PERMITS_OFFSET = field("ip_semaphore_holder", "permits");

    /** Barrier slot: docs/layout.md, "Barrier slot"; its size depends on the parties. */
    public static final long BARRIER_LOCK_OFFSET = field("ip_barrier_slot", "lock");

    public static final long BARRIER_SEQ_OFFSET = field("ip_barrier_slot", "seq");
    public static final long BARRIER_PARTIES_OFFSET = field("ip_barrier_slot", "parties");
    public static final long BARRIER_ARRIVED_OFFSET = field("ip_barrier_slot", "arrived");
    public static final long BARRIER_TRIPS_OFFSET = field("ip_barrier_slot", "trips");
    public static final long BARRIER_BREAKS_OFFSET = field("ip_barrier_slot", "breaks");
    public static final long BARRIER_BROKEN_OFFSET = field("ip_barrier_slot", "broken");
    public static final long BARRIER_DEAD_PID_OFFSET = field("ip_barrier_slot", "dead_pid");
    /** The waiting parties' owner tokens, followed by the {@link #BARRIER_MEMBERS} members' tokens. */
    public static final long BARRIER_WAITING_OFFSET = field("ip_barrier_slot", "waiting");
    /** Entries of a barrier's member table. */
    public static final int BARRIER_MEMBERS = constant("IP_BARRIER_MEMBERS");
    /** {@code dead_pid} of a party that died inside the barrier's internal lock. */
    public static final int BARRIER_DIED_INSIDE_LOCK = constant("IP_BARRIER_DIED_INSIDE_LOCK");
    /** {@code dead_pid} of a dead party whose process-table entry was already reclaimed or reused. */
    public static final int BARRIER_PID_UNKNOWN = constant("IP_BARRIER_PID_UNKNOWN");

    /** Queue slot: docs/layout.md, "Queue slot"; its size is {@link #QUEUE_RING_OFFSET} plus the ring's capacity. */
    public static final long QUEUE_PUT_LOCK_OFFSET = field("ip_queue_slot", "put_lock");

    public static final long QUEUE_TAKE_LOCK_OFFSET = field("ip_queue_slot", "take_lock");
    public static final long QUEUE_TAIL_OFFSET = field("ip_queue_slot", "tail");
    public static final long QUEUE_PUT_COUNT_OFFSET = field("ip_queue_slot", "put_count");
    public static final long QUEUE_NOT_EMPTY_OFFSET = field("ip_queue_slot", "not_empty");
    public static final long QUEUE_CONSUMERS_WAITING_OFFSET = field("ip_queue_slot", "consumers_waiting");
    public static final long QUEUE_HEAD_OFFSET = field("ip_queue_slot", "head");
    public static final long QUEUE_TAKE_COUNT_OFFSET = field("ip_queue_slot", "take_count");
    public static final long QUEUE_NOT_FULL_OFFSET = field("ip_queue_slot", "not_full");
    public static final long QUEUE_PRODUCERS_WAITING_OFFSET = field("ip_queue_slot", "producers_waiting");
    public static final long QUEUE_CAPACITY_OFFSET = field("ip_queue_slot", "capacity");
    public static final long QUEUE_MAX_MESSAGE_OFFSET = field("ip_queue_slot", "max_message");
    public static final long QUEUE_SHUTDOWN_OFFSET = field("ip_queue_slot", "shutdown");
    public static final long QUEUE_RING_OFFSET = field("ip_queue_slot", "ring");
    /** Records start on multiples of this many bytes. */
    public static final int QUEUE_ALIGN = constant("IP_QUEUE_ALIGN");
    /** The length of a wrap record: the rest of the ring is skipped. */
    public static final int QUEUE_WRAP = constant("IP_QUEUE_WRAP");
    /** The smallest ring, in bytes. */
    public static final int QUEUE_MIN_CAPACITY = constant("IP_QUEUE_MIN_CAPACITY");

    /**
     * Task counts of a joinable queue slot, from the end of its ring: docs/layout.md, "Joinable queue slot"; they
     * take {@link #TASKS_IN_FLIGHT_OFFSET} plus 8 bytes per process-table entry.
     */
    public static final long TASKS_DONE_SEQ_OFFSET = field("ip_joinable_tasks", "done_seq");

    public static final long TASKS_JOINERS_WAITING_OFFSET = field("ip_joinable_tasks", "joiners_waiting");
    public static final long TASKS_ABANDONED_OFFSET = field("ip_joinable_tasks", "abandoned");
    public static final long TASKS_LAST_DEAD_PID_OFFSET = field("ip_joinable_tasks", "last_dead_pid");
    public static final long TASKS_LAST_DEAD_TASKS_OFFSET = field("ip_joinable_tasks", "last_dead_tasks");
    public static final long TASKS_IN_FLIGHT_OFFSET = field("ip_joinable_tasks", "in_flight");

    private RegionLayout() {}

    private static int constant(String name) {
        return Math.toIntExact(Native.layout("const." + name));
    }

    private static long size(String struct) {
        return Native.layout("sizeof." + struct);
    }

    private static long header(String field) {
        return field("ip_header", field);
    }

    private static long field(String struct, String field) {
        return Native.layout("offsetof." + struct + "." + field);
    }
}
