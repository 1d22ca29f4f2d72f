/*
 * Exports the sizes and offsets of every shared structure and the protocol constants,
 * so that bindings in other languages hard-code none of them.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

/* The public lock constants and the lock slot are two spellings of one layout. */
_Static_assert(sizeof(struct ip_lock_slot) == IP_LOCK_SIZE, "IP_LOCK_SIZE");
_Static_assert(offsetof(struct ip_lock_slot, fence) == IP_LOCK_FENCE_OFFSET, "IP_LOCK_FENCE_OFFSET");

struct layout_entry {
    const char *key;
    int64_t value;
};

#define SIZE(type)                                                                                                     \
    { "sizeof." #type, (int64_t)sizeof(struct type) }
#define FIELD(type, field)                                                                                             \
    { "offsetof." #type "." #field, (int64_t)offsetof(struct type, field) }
#define CONSTANT(name)                                                                                                 \
    { "const." #name, (int64_t)(name) }

static const struct layout_entry layout[] = {
    SIZE(ip_header),
    FIELD(ip_header, magic),
    FIELD(ip_header, layout_version),
    FIELD(ip_header, state),
    FIELD(ip_header, size),
    FIELD(ip_header, creator_start_time),
    FIELD(ip_header, creator_pid),
    FIELD(ip_header, max_processes),
    FIELD(ip_header, max_slots),
    FIELD(ip_header, unused),
    FIELD(ip_header, created_unix_ms),
    FIELD(ip_header, process_table_offset),
    FIELD(ip_header, directory_offset),
    FIELD(ip_header, data_offset),
    FIELD(ip_header, data_top),
    FIELD(ip_header, slot_count),
    FIELD(ip_header, directory_mutex),
    SIZE(ip_process_entry),
    FIELD(ip_process_entry, liveness),
    FIELD(ip_process_entry, state),
    FIELD(ip_process_entry, pid),
    FIELD(ip_process_entry, start_time),
    FIELD(ip_process_entry, generation),
    SIZE(ip_slot_entry),
    FIELD(ip_slot_entry, name),
    FIELD(ip_slot_entry, type),
    FIELD(ip_slot_entry, meta_length),
    FIELD(ip_slot_entry, offset),
    FIELD(ip_slot_entry, size),
    FIELD(ip_slot_entry, meta_offset),
    SIZE(ip_lock_slot),
    FIELD(ip_lock_slot, word),
    FIELD(ip_lock_slot, fence),
    SIZE(ip_condition_slot),
    FIELD(ip_condition_slot, seq),
    FIELD(ip_condition_slot, waiters),
    FIELD(ip_condition_slot, permits),
    SIZE(ip_event_slot),
    FIELD(ip_event_slot, word),
    FIELD(ip_semaphore_slot, lock),
    FIELD(ip_semaphore_slot, seq),
    FIELD(ip_semaphore_slot, available),
    FIELD(ip_semaphore_slot, initial),
    FIELD(ip_semaphore_slot, bounded),
    FIELD(ip_semaphore_slot, holders),
    SIZE(ip_semaphore_holder),
    FIELD(ip_semaphore_holder, token),
    FIELD(ip_semaphore_holder, permits),
    FIELD(ip_barrier_slot, lock),
    FIELD(ip_barrier_slot, seq),
    FIELD(ip_barrier_slot, parties),
    FIELD(ip_barrier_slot, arrived),
    FIELD(ip_barrier_slot, trips),
    FIELD(ip_barrier_slot, breaks),
    FIELD(ip_barrier_slot, broken),
    FIELD(ip_barrier_slot, dead_pid),
    FIELD(ip_barrier_slot, waiting),
    FIELD(ip_queue_slot, put_lock),
    FIELD(ip_queue_slot, take_lock),
    FIELD(ip_queue_slot, tail),
    FIELD(ip_queue_slot, put_count),
    FIELD(ip_queue_slot, not_empty),
    FIELD(ip_queue_slot, consumers_waiting),
    FIELD(ip_queue_slot, head),
    FIELD(ip_queue_slot, take_count),
    FIELD(ip_queue_slot, not_full),
    FIELD(ip_queue_slot, producers_waiting),
    FIELD(ip_queue_slot, capacity),
    FIELD(ip_queue_slot, max_message),
    FIELD(ip_queue_slot, shutdown),
    FIELD(ip_queue_slot, ring),
    FIELD(ip_joinable_tasks, done_seq),
    FIELD(ip_joinable_tasks, joiners_waiting),
    FIELD(ip_joinable_tasks, abandoned),
    FIELD(ip_joinable_tasks, last_dead_pid),
    FIELD(ip_joinable_tasks, last_dead_tasks),
    FIELD(ip_joinable_tasks, in_flight),
    CONSTANT(IP_LAYOUT_VERSION),
    CONSTANT(IP_MAGIC_LENGTH),
    CONSTANT(IP_CACHE_LINE),
    CONSTANT(IP_REGION_NAME_MAX),
    CONSTANT(IP_SLOT_NAME_MAX),
    CONSTANT(IP_SLOT_META_MAX),
    CONSTANT(IP_DEFAULT_MODE),
    CONSTANT(IP_DEFAULT_MAX_SLOTS),
    CONSTANT(IP_DEFAULT_MAX_PROCESSES),
    CONSTANT(IP_DEFAULT_OPEN_TIMEOUT_MS),
    CONSTANT(IP_STATE_INITIALISING),
    CONSTANT(IP_STATE_READY),
    CONSTANT(IP_PROCESS_FREE),
    CONSTANT(IP_PROCESS_ATTACHED),
    CONSTANT(IP_TYPE_INT32),
    CONSTANT(IP_TYPE_INT64),
    CONSTANT(IP_TYPE_FLOAT64),
    CONSTANT(IP_TYPE_INT32_ARRAY),
    CONSTANT(IP_TYPE_INT64_ARRAY),
    CONSTANT(IP_TYPE_ENUM),
    CONSTANT(IP_TYPE_LOCK),
    CONSTANT(IP_TYPE_RLOCK),
    CONSTANT(IP_TYPE_CONDITION),
    CONSTANT(IP_TYPE_SEMAPHORE),
    CONSTANT(IP_TYPE_EVENT),
    CONSTANT(IP_TYPE_BARRIER),
    CONSTANT(IP_TYPE_QUEUE),
    CONSTANT(IP_TYPE_JOINABLE_QUEUE),
    CONSTANT(IP_LOCK_WAITERS),
    CONSTANT(IP_TOKEN_INDEX_BITS),
    CONSTANT(IP_TOKEN_GENERATION_BITS),
    CONSTANT(IP_LOCK_SIZE),
    CONSTANT(IP_LOCK_FENCE_OFFSET),
    CONSTANT(IP_LOCK_WAIT_SLICE_NS),
    CONSTANT(IP_LOCK_SPIN_NS),
    CONSTANT(IP_LOCK_SPIN_POLL_NS),
    CONSTANT(IP_EVENT_FLAG),
    CONSTANT(IP_EVENT_SET_INCREMENT),
    CONSTANT(IP_BARRIER_MEMBERS),
    CONSTANT(IP_BARRIER_DIED_INSIDE_LOCK),
    CONSTANT(IP_BARRIER_PID_UNKNOWN),
    CONSTANT(IP_QUEUE_ALIGN),
    CONSTANT(IP_QUEUE_WRAP),
    CONSTANT(IP_QUEUE_MIN_CAPACITY),
    CONSTANT(IP_QUEUE_MAX_CAPACITY),
    CONSTANT(IP_QUEUE_MESSAGE_LIMIT),
    CONSTANT(IP_EOWNERDEAD),
    {"const.ETIMEDOUT", -ETIMEDOUT},
    {"const.EAGAIN", -EAGAIN},
    {"const.EINTR", -EINTR},
    {"const.EPERM", -EPERM},
    {"const.EDEADLK", -EDEADLK},
    CONSTANT(IP_EMAGIC),
    CONSTANT(IP_EVERSION),
    CONSTANT(IP_ENOTREADY),
    CONSTANT(IP_ECORRUPT),
    CONSTANT(IP_EDIRFULL),
    CONSTANT(IP_ENOSPACE),
    CONSTANT(IP_EPROCFULL),
    CONSTANT(IP_ESLOTTYPE),
    CONSTANT(IP_ESLOTSIZE),
    CONSTANT(IP_ESLOTMETA),
    CONSTANT(IP_ENAME),
    CONSTANT(IP_EARG),
    CONSTANT(IP_ESHMFULL),
    CONSTANT(IP_EREPLACED),
    CONSTANT(IP_ESTUCK),
    CONSTANT(IP_ESHUTDOWN),
    CONSTANT(IP_ETOOLONG),
    CONSTANT(IP_ESHORTBUF),
    {"const.ENOENT", -ENOENT},
    {"const.EEXIST", -EEXIST},
    {"const.EACCES", -EACCES},
    {"const.ENOSPC", -ENOSPC},
};

int ip_layout_value(const char *key, int64_t *value) {
    if (key == NULL || value == NULL) {
        return IP_EARG;
    }
    for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++) {
        if (strcmp(layout[i].key, key) == 0) {
            *value = layout[i].value;
            return 0;
        }
    }
    return -ENOENT;
}
