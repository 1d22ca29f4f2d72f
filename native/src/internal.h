/*
 * Private declarations of libinterproc: the byte layout of a region (docs/layout.md), whose
 * sizes and offsets only layout.c exports, and the functions the source files share. Nothing
 * outside native/src includes this; none of these functions is exported (libinterproc.map).
 */
#ifndef INTERPROC_INTERNAL_H
#define INTERPROC_INTERNAL_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "interproc.h"

#define IP_MAGIC "interprc"
#define IP_MAGIC_LENGTH 8
#define IP_CACHE_LINE 64
#define IP_MAX_SLOTS_LIMIT 65536
#define IP_MAX_PROCESSES_LIMIT 4096
#define IP_SLOT_META_MAX 4096

/* The region header, at offset 0. */
struct ip_header {
    char magic[IP_MAGIC_LENGTH]; /* "interprc", written by the creator before state */
    uint32_t layout_version;     /* IP_LAYOUT_VERSION of the creator */
    _Atomic uint32_t state;      /* ip_region_state; READY is stored last, with release */
    uint64_t size;               /* total bytes of the object */
    uint64_t creator_start_time; /* creator's start time, clock ticks since boot (/proc/PID/stat) */
    int32_t creator_pid;
    uint32_t max_processes;        /* entries of the process table */
    uint32_t max_slots;            /* entries of the slot directory */
    uint32_t unused;               /* zero; keeps the 64-bit fields aligned */
    uint64_t created_unix_ms;      /* wall-clock creation time */
    uint64_t process_table_offset; /* offset of entry 0 of the process table */
    uint64_t directory_offset;     /* offset of entry 0 of the slot directory */
    uint64_t data_offset;          /* first byte of the data area */
    uint64_t data_top;             /* first free byte of the data area; guarded by directory_mutex */
    _Atomic uint32_t slot_count;   /* published directory entries; stored with release */
    alignas(IP_CACHE_LINE) pthread_mutex_t directory_mutex; /* robust, process-shared */
};

/* One entry of the process table. */
struct ip_process_entry {
    pthread_mutex_t liveness; /* robust, process-shared; held by the attached process */
    _Atomic uint32_t state;   /* ip_process_state */
    int32_t pid;
    uint64_t start_time;         /* clock ticks since boot (/proc/PID/stat field 22) */
    _Atomic uint32_t generation; /* incremented at every attach to this entry */
} __attribute__((aligned(IP_CACHE_LINE)));

/* One entry of the slot directory; immutable once published. */
struct ip_slot_entry {
    char name[IP_SLOT_NAME_MAX + 1]; /* NUL-terminated */
    uint32_t type;                   /* ip_slot_type */
    uint32_t meta_length;            /* bytes of type metadata */
    uint64_t offset;                 /* region offset of the value, 64-byte aligned */
    uint64_t size;                   /* bytes of the value */
    uint64_t meta_offset;            /* region offset of the type metadata */
};

/*
 * The values of the coordination slots (docs/layout.md, "Lock protocol"). C runs the lock and queue
 * protocols (lock.c, queue.c); the Java binding runs all of them, and takes their layout from here (layout.c).
 */

/* A lock slot (IP_TYPE_LOCK, IP_TYPE_RLOCK): IP_LOCK_SIZE bytes, fence at IP_LOCK_FENCE_OFFSET. */
struct ip_lock_slot {
    _Atomic uint32_t word; /* 0 free, else owner token | IP_LOCK_WAITERS; the futex word */
    uint32_t unused;
    uint64_t fence; /* fencing token, incremented by every new holder */
} __attribute__((aligned(IP_CACHE_LINE)));

/* A condition slot (IP_TYPE_CONDITION); every word changes only under the condition's lock. */
struct ip_condition_slot {
    uint32_t seq;     /* futex word, bumped by every signal */
    uint32_t waiters; /* registered waiters */
    uint32_t permits; /* signals not yet consumed */
} __attribute__((aligned(IP_CACHE_LINE)));

/* An event slot (IP_TYPE_EVENT): one futex word, the flag and a count of the calls of set. */
struct ip_event_slot {
    uint32_t word;
} __attribute__((aligned(IP_CACHE_LINE)));
#define IP_EVENT_FLAG 1u          /* bit 0 of the word: the event is set */
#define IP_EVENT_SET_INCREMENT 2u /* what every set adds to bits 1 to 31 */

/* One entry of a semaphore's holders, indexed like the process table. */
struct ip_semaphore_holder {
    uint32_t token;  /* owner token of the process the entry counts for, 0 if none */
    int32_t permits; /* permits it holds: acquired minus released */
};

/* A semaphore slot (IP_TYPE_SEMAPHORE): offsetof(holders) + max_processes holders bytes. */
struct ip_semaphore_slot {
    struct ip_lock_slot lock; /* guards the rest */
    uint32_t seq;             /* futex word, bumped by every release */
    uint32_t available;
    uint32_t initial;
    uint32_t bounded; /* 1: a release beyond initial is refused */
    struct ip_semaphore_holder holders[];
};

/* A barrier slot (IP_TYPE_BARRIER): waiting[parties], then members[IP_BARRIER_MEMBERS]. */
struct ip_barrier_slot {
    struct ip_lock_slot lock; /* guards the rest */
    uint32_t seq;             /* futex word, bumped when the barrier trips or breaks */
    uint32_t parties;
    uint32_t arrived; /* parties waiting in this round */
    uint32_t trips;   /* rounds completed */
    uint32_t breaks;  /* times broken */
    uint32_t broken;  /* 1 while broken */
    int32_t dead_pid; /* pid of the party whose death broke it, or one of the two values below, or 0 */
    uint32_t unused;
    uint32_t waiting[]; /* owner tokens of the waiting parties, then of the members */
};
#define IP_BARRIER_MEMBERS 64            /* owner tokens of the processes that opened the barrier */
#define IP_BARRIER_DIED_INSIDE_LOCK (-1) /* dead_pid: the party died inside the internal lock */
#define IP_BARRIER_PID_UNKNOWN (-2)      /* dead_pid: its process-table entry was reclaimed or reused */

/*
 * A queue slot (IP_TYPE_QUEUE): two locks, the positions on cache lines of their own, the geometry,
 * then a ring of `capacity` bytes (a power of two) at offsetof(ring). head and tail count bytes
 * since creation; the ring holds records [int32 length][payload][pad to IP_QUEUE_ALIGN].
 */
struct ip_queue_slot {
    struct ip_lock_slot put_lock;             /* producers' lock: guards writing at tail */
    struct ip_lock_slot take_lock;            /* consumers' lock: guards reading at head */
    alignas(IP_CACHE_LINE) uint64_t tail;     /* bytes published; stored by producers with release */
    uint64_t put_count;                       /* messages published; stored just before tail */
    uint32_t not_empty;                       /* futex word, bumped by producers when consumers sleep */
    uint32_t consumers_waiting;               /* consumers registered to sleep on not_empty */
    alignas(IP_CACHE_LINE) uint64_t head;     /* bytes consumed; stored by consumers with release */
    uint64_t take_count;                      /* messages consumed; stored just before head */
    uint32_t not_full;                        /* futex word, bumped by consumers when producers sleep */
    uint32_t producers_waiting;               /* producers registered to sleep on not_full */
    alignas(IP_CACHE_LINE) uint64_t capacity; /* bytes of the ring, a power of two */
    uint32_t max_message;                     /* largest payload in bytes */
    uint32_t shutdown;                        /* 1 once shut down: puts refused, takers drain the rest */
    alignas(IP_CACHE_LINE) uint8_t ring[];
};
#define IP_QUEUE_ALIGN 8   /* records start on multiples of 8 bytes */
#define IP_QUEUE_WRAP (-1) /* a record length: the rest of the ring is skipped */

/*
 * A joinable queue slot (IP_TYPE_JOINABLE_QUEUE): a queue slot with its ring, then, at
 * offsetof(ip_queue_slot, ring) + capacity, these task counts with max_processes in_flight words.
 * An in_flight word is (owner token << 32) | tasks that process took and has not marked done.
 */
struct ip_joinable_tasks {
    uint32_t done_seq;        /* futex word: bumped when a process's tasks reach 0 or a dead one's are given up */
    uint32_t joiners_waiting; /* joiners registered to sleep on done_seq */
    uint64_t abandoned;       /* tasks of dead processes given up since creation */
    int32_t last_dead_pid;    /* pid of the last dead process whose tasks were given up, or -2 if unknown */
    uint32_t last_dead_tasks; /* how many it left */
    alignas(IP_CACHE_LINE) uint64_t in_flight[];
};

/*
 * A process-private handle on a mapped region. The geometry is copied from the header when the
 * handle is made, after it was checked; every later access goes by these copies, never by the
 * header's bytes, which any process with write access may change (docs/layout.md, "Damaged regions").
 */
struct ip_region {
    int fd;
    uint8_t *base;
    uint64_t size;
    uint32_t max_processes;
    uint32_t max_slots;
    uint64_t process_table_offset;
    uint64_t directory_offset;
    uint64_t data_offset;
    uint32_t timeout_ms; /* the longest wait on a mutex of the region */
    int32_t process_index;
    uint32_t owner_token; /* this handle's lock owner token (interproc.h) */
    uint32_t reclaimed;   /* entries of dead processes this handle's attach reclaimed */
    pthread_t holder;     /* holds this process's liveness mutex while attached */
    pthread_mutex_t holder_lock;
    pthread_cond_t holder_cond;
    int holder_state;
    int holder_result;
};

#define IP_TOKEN_INDEX_MASK ((1u << IP_TOKEN_INDEX_BITS) - 1u)
#define IP_TOKEN_GENERATION_MASK ((1u << IP_TOKEN_GENERATION_BITS) - 1u)

static inline uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

static inline struct ip_header *header_of(const ip_region *region) {
    return (struct ip_header *)region->base;
}

static inline struct ip_process_entry *process_entry(const ip_region *region, int32_t index) {
    return (struct ip_process_entry *)(region->base + region->process_table_offset) + index;
}

static inline struct ip_slot_entry *slot_entry(const ip_region *region, int32_t index) {
    return (struct ip_slot_entry *)(region->base + region->directory_offset) + index;
}

/* clock.c: clocks, sleeping and the start time of this process. */
uint64_t monotonic_ns(void);
uint64_t monotonic_ms(void);
uint64_t realtime_ms(void);
void sleep_ms(uint32_t ms);
uint64_t own_start_time(void);

/* names.c: region and slot names (docs/layout.md, "The object", "Slot directory"); 0 or IP_ENAME. */
int check_region_name(const char *name);
int check_slot_name(const char *name);

/* shm.c: the named object of a region, under POSIX shared memory or in a directory (dir != NULL). */
int object_open(const char *name, const char *dir, int flags, mode_t mode);
int object_unlink(const char *name, const char *dir);
int object_unlink_if_same(const char *name, const char *dir, int mapped_fd);

/*
 * check.c: what a region's shared bytes say, checked against the handle's geometry before use.
 * A problem, when not NULL, receives a description of the first contradiction found, naming
 * the field as docs/layout.md does; the functions return 0 or IP_ECORRUPT.
 */
struct problem {
    char *text;
    size_t capacity;
};
struct region_geometry {
    uint64_t process_table_offset;
    uint64_t directory_offset;
    uint64_t data_offset;
};
struct region_geometry geometry_for(uint32_t max_slots, uint32_t max_processes);
int corrupt(struct problem *problem, const char *format, ...) __attribute__((format(printf, 2, 3)));
int check_mapping(const ip_region *region, struct problem *problem);
int check_header_fields(const struct ip_header *header, uint64_t object_size, struct problem *problem);
int checked_slot_count(const ip_region *region, uint32_t *count, struct problem *problem);
int checked_data_top(const ip_region *region, uint64_t *top, struct problem *problem);
int checked_slot_entry(const ip_region *region, uint32_t index, struct ip_slot_entry *copy, struct problem *problem);
int check_mutex(const pthread_mutex_t *mutex, const char *field, struct problem *problem);

/* mutex.c: the robust, process-shared mutexes of a region; every wait on one is bounded. */
int robust_mutex_init(pthread_mutex_t *mutex);
int region_mutex_lock(const ip_region *region, pthread_mutex_t *mutex);
int directory_lock(ip_region *region);
void directory_unlock(ip_region *region);

/* liveness.c: the thread that holds this process's liveness mutex, and the probe of an entry's. */
int holder_start(ip_region *region);
void holder_stop(ip_region *region, int release);
int liveness_held(struct ip_process_entry *entry);

/* process_table.c: attaching this handle to the process table and detaching it. */
int process_attach(ip_region *region);
void process_detach(ip_region *region);

#endif /* INTERPROC_INTERNAL_H */
