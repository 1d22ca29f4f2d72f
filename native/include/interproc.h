/*
 * interproc.h - the whole C API of libinterproc.
 *
 * A region is one named POSIX shared-memory object holding a header, a table of
 * attached processes and a directory of named, typed slots. docs/layout.md
 * describes the byte layout, the attach protocol and the versioning rule.
 *
 * Every function returns 0 (or a non-negative count) on success and a negative
 * error code on failure: -errno for failures of the operating system, or one of
 * the IP_E* codes below. No function aborts the process; ip_strerror() explains
 * every code.
 *
 * Thread safety: a region handle may be used by several threads at once, except
 * that ip_region_close() must not race with any other call on the same handle.
 */
#ifndef INTERPROC_H
#define INTERPROC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(IP_BUILDING_LIBRARY)
#define IP_API __attribute__((visibility("default")))
#else
#define IP_API
#endif

/* The layout version this library reads and writes. Any change to docs/layout.md bumps it. */
#define IP_LAYOUT_VERSION 3

/* Longest region name (bytes, without the terminating NUL) and slot name. */
#define IP_REGION_NAME_MAX 200
#define IP_SLOT_NAME_MAX 63

/* Defaults used when a creation parameter is 0. */
#define IP_DEFAULT_MODE 0600
#define IP_DEFAULT_MAX_SLOTS 256
#define IP_DEFAULT_MAX_PROCESSES 128
#define IP_DEFAULT_OPEN_TIMEOUT_MS 5000

/* Error codes of interproc itself; all other negative values are -errno. */
enum ip_error {
    IP_EMAGIC = -1000,     /* the object is not an interproc region (foreign shm object) */
    IP_EVERSION = -1001,   /* the region has another layout version */
    IP_ENOTREADY = -1002,  /* the region is still initialising after the open timeout */
    IP_ECORRUPT = -1003,   /* a field of the region contradicts its geometry (ip_region_check names it) */
    IP_EDIRFULL = -1004,   /* every slot of the directory is used */
    IP_ENOSPACE = -1005,   /* the region's data area cannot fit the slot */
    IP_EPROCFULL = -1006,  /* every entry of the process table is used by a live process */
    IP_ESLOTTYPE = -1007,  /* a slot of that name exists with another type */
    IP_ESLOTSIZE = -1008,  /* a slot of that name exists with another size */
    IP_ESLOTMETA = -1009,  /* a slot of that name exists with other type metadata */
    IP_ENAME = -1010,      /* a region or slot name is empty, too long or has a bad character */
    IP_EARG = -1011,       /* an argument is out of range */
    IP_ESHMFULL = -1012,   /* the shared-memory file system has less free space than the region needs */
    IP_EOWNERDEAD = -1013, /* the lock was acquired, but its previous owner died holding it */
    IP_EREPLACED = -1014,  /* the region's name now names another object than the handle's */
    IP_ESTUCK = -1015,     /* a mutex of the region stayed locked for the whole timeout */
    IP_ESHUTDOWN = -1016,  /* the queue is shut down (a put), and its last message was taken (a take) */
    IP_ETOOLONG = -1017,   /* the message is longer than the queue's max_message */
    IP_ESHORTBUF = -1018   /* the buffer is shorter than the message, which stays in the queue */
};

/* Slot type tags, stored in the directory. */
enum ip_slot_type {
    IP_TYPE_INT32 = 1,
    IP_TYPE_INT64 = 2,
    IP_TYPE_FLOAT64 = 3,
    IP_TYPE_INT32_ARRAY = 4,
    IP_TYPE_INT64_ARRAY = 5,
    IP_TYPE_ENUM = 6,
    IP_TYPE_LOCK = 7,  /* a lock word (docs/layout.md, "Lock protocol"), not reentrant */
    IP_TYPE_RLOCK = 8, /* the same lock word; reentrancy is kept by each process */
    IP_TYPE_CONDITION = 9,
    IP_TYPE_SEMAPHORE = 10,
    IP_TYPE_EVENT = 11,
    IP_TYPE_BARRIER = 12,
    IP_TYPE_QUEUE = 13,         /* a message queue (docs/layout.md, "Queue slot") */
    IP_TYPE_JOINABLE_QUEUE = 14 /* a queue slot and task counts (docs/layout.md, "Joinable queue slot") */
};

/*
 * The lock word (32 bits): 0 when free, else the owner token of the holding process,
 * with IP_LOCK_WAITERS set while someone may sleep on it. An owner token is
 * (generation << IP_TOKEN_INDEX_BITS) | (process index + 1), the generation taken
 * modulo 2^IP_TOKEN_GENERATION_BITS: a reclaimed and reused process-table entry gets
 * another token, so a dead owner is never mistaken for the entry's new process.
 */
#define IP_LOCK_WAITERS 0x80000000u
#define IP_TOKEN_INDEX_BITS 13
#define IP_TOKEN_GENERATION_BITS 18
#define IP_LOCK_SIZE 64 /* bytes of a lock slot: word at 0, fencing token (uint64) at 8 */
#define IP_LOCK_FENCE_OFFSET 8
/* Longest single sleep of a lock waiter: it re-checks the owner's liveness (and, in Java, interruption) this often. */
#define IP_LOCK_WAIT_SLICE_NS 4000000
/*
 * A waiter that misses spins before it sleeps: it looks at the word once per IP_LOCK_SPIN_POLL_NS, for up to
 * IP_LOCK_SPIN_NS. Sparse looks leave the cache line with a busy holder; a patient spin spares the releaser a
 * futex wake. Not part of the protocol (any spin, or none, is correct), but shared by C and Java.
 */
#define IP_LOCK_SPIN_NS 20000
#define IP_LOCK_SPIN_POLL_NS 1000

/* States of the region header. */
enum ip_region_state { IP_STATE_INITIALISING = 0, IP_STATE_READY = 1 };

/* States of a process-table entry. */
enum ip_process_state { IP_PROCESS_FREE = 0, IP_PROCESS_ATTACHED = 1 };

typedef struct ip_region ip_region;

/* Explains an error code; never returns NULL. */
IP_API const char *ip_strerror(int code);

/*
 * The layout of every native structure, by key: "sizeof.ip_header",
 * "offsetof.ip_header.magic", "const.IP_TYPE_INT64", ... (native/src/layout.c lists
 * them; docs/layout.md explains them). Stores the value in *value and returns 0, or
 * returns -ENOENT for an unknown key.
 */
IP_API int ip_layout_value(const char *key, int64_t *value);

/*
 * Creates a new region and attaches to it. Fails with -EEXIST when the name is taken.
 * dir: NULL for POSIX shared memory (shm_open), or a directory on a tmpfs (for tests
 * and for containers whose /dev/shm is small). size: total bytes, including the header,
 * the process table and the directory. mode, max_slots, max_processes: 0 for the defaults.
 * The memory is allocated at once: a full file system is -ENOSPC or IP_ESHMFULL here,
 * never a SIGBUS later.
 */
IP_API int ip_region_create(const char *name, const char *dir, uint64_t size, uint32_t mode, uint32_t max_slots,
                            uint32_t max_processes, ip_region **out);

/*
 * Opens and attaches to an existing region, waiting up to timeout_ms (0: the default)
 * for its creator to publish it. Fails with -ENOENT when there is no such object,
 * IP_EMAGIC for a foreign object, IP_EVERSION for another layout version.
 */
IP_API int ip_region_open(const char *name, const char *dir, uint32_t timeout_ms, ip_region **out);

/*
 * Opens the region, or creates it when it does not exist (racing creators agree on
 * one). *created is set to 1 when this call created it. The size and limits apply
 * only to a creation.
 */
IP_API int ip_region_open_or_create(const char *name, const char *dir, uint64_t size, uint32_t mode, uint32_t max_slots,
                                    uint32_t max_processes, uint32_t timeout_ms, ip_region **out, int32_t *created);

/*
 * Maps an existing, ready region for inspection without attaching to it: the process
 * table is not touched, so tools (interproc ls / show) do not count as users. The handle
 * has no process-table entry (ip_region_process_index is -1, the owner token 0) and must
 * not acquire locks; ip_process_alive and ip_owner_alive work. Waits like ip_region_open.
 */
IP_API int ip_region_inspect(const char *name, const char *dir, uint32_t timeout_ms, ip_region **out);

/* Detaches from the region, unmaps it and frees the handle. The handle is gone even on error. */
IP_API int ip_region_close(ip_region *region);

/*
 * Detaches from the region and frees the handle like ip_region_close, but keeps the region's
 * address range (ip_region_base, ip_region_size) reserved: private anonymous memory replaces the
 * shared mapping in one mmap(MAP_FIXED) step, so a thread of this process that still touches the
 * range reads zeros and writes into memory no other process sees, and never faults. The shared
 * memory itself is released as by ip_region_close. Call ip_range_release once no thread can touch
 * the range any more. If the replacement fails (the error is returned), what the range holds depends
 * on the kernel: leave it alone for good rather than release it. The handle is gone even on error.
 */
IP_API int ip_region_close_reserving(ip_region *region);

/* Releases an address range kept by ip_region_close_reserving (munmap). */
IP_API int ip_range_release(void *base, uint64_t size);

/* Removes the region's name; processes that still have it mapped keep working. */
IP_API int ip_region_unlink(const char *name, const char *dir);

/*
 * Removes name only if it still names the object region has mapped: 0 when removed, -ENOENT when
 * the name is gone, IP_EREPLACED when it names another object (the region was removed and a new
 * one took its name), which is left alone. Compares device and inode, then unlinks by name: a
 * replacement of the name between the two steps is still removed (POSIX has no unlink-if-inode).
 */
IP_API int ip_region_unlink_if_same(const ip_region *region, const char *name, const char *dir);

/*
 * The layout version stored in the object called name, without attaching to it: the
 * version (>= 0), or -ENOENT, IP_EMAGIC, IP_ENOTREADY, ... Tells an opener that failed
 * with IP_EVERSION which version it found.
 */
IP_API int ip_region_layout_version(const char *name, const char *dir);

/* Base address and total size of the mapping. */
IP_API void *ip_region_base(const ip_region *region);
IP_API uint64_t ip_region_size(const ip_region *region);

/* The process table's entries and its offset, as checked when the handle was made. */
IP_API uint32_t ip_region_max_processes(const ip_region *region);
IP_API uint64_t ip_region_process_table_offset(const ip_region *region);

/* Index of this handle's entry in the region's process table. */
IP_API int32_t ip_region_process_index(const ip_region *region);

/*
 * How many entries of dead processes this handle's attach found and reclaimed (0 for a
 * handle that did not attach), so that the caller can report the deaths it cleaned up.
 */
IP_API uint32_t ip_region_reclaimed(const ip_region *region);

/*
 * Whether the process of table entry index is alive: 1 alive, 0 free or dead (a dead
 * entry is reclaimed by this call), or a negative error code.
 */
IP_API int ip_process_alive(ip_region *region, int32_t index);

/*
 * Finds the slot called name, or creates it. An existing slot must have the same type,
 * size and metadata (IP_ESLOTTYPE, IP_ESLOTSIZE, IP_ESLOTMETA otherwise). A new slot
 * gets size bytes, 64-byte aligned, filled with init (init_len <= size, the rest
 * zero), and meta_len bytes of type metadata; it is published only when complete.
 * Stores the slot's directory index in *index and 1 or 0 in *created.
 */
IP_API int ip_slot_ensure(ip_region *region, const char *name, uint32_t type, uint64_t size, const void *meta,
                          uint32_t meta_len, const void *init, uint64_t init_len, int32_t *index, int32_t *created);

/* Finds the slot called name: its directory index, or -ENOENT. */
IP_API int ip_slot_find(ip_region *region, const char *name, int32_t *index);

/* Address of the value of slot index (base + offset), or NULL for a bad index or a damaged entry. */
IP_API void *ip_slot_address(ip_region *region, int32_t index);

/* The number of published slots, or IP_ECORRUPT if the header's slot_count exceeds max_slots. */
IP_API int ip_slot_count(ip_region *region);

/*
 * Copies directory entry index (IP_SLOT_ENTRY_SIZE bytes, the layout of docs/layout.md) to out
 * and checks it against the region's geometry: 0, IP_ECORRUPT if a field contradicts it (out
 * holds the entry as read all the same, for tools), or IP_EARG for an index not published.
 */
IP_API int ip_slot_entry_copy(ip_region *region, int32_t index, void *out);

/*
 * Looks for damage in a mapped region (docs/layout.md, "Damaged regions"): the header against
 * the geometry this handle was opened with, the directory mutex, slot_count, data_top, every
 * published directory entry, and every process-table entry. Returns IP_ECORRUPT with a
 * description of the first damaged field (named as in docs/layout.md) in text, truncated to
 * capacity bytes with a NUL; or 0 if none was found, and then text is empty or notes a region
 * mutex held by a live thread (what a wait that ended with IP_ESTUCK ran into).
 */
IP_API int ip_region_check(ip_region *region, char *text, uint64_t capacity);

/*
 * Reads the header of the region called name without mapping it, as ip_region_open does:
 * the same error code, and for IP_ECORRUPT a description of the damaged field in text.
 */
IP_API int ip_region_check_object(const char *name, const char *dir, char *text, uint64_t capacity);

/* The owner token of this handle's process-table entry (never 0, IP_LOCK_WAITERS clear). */
IP_API uint32_t ip_region_owner_token(const ip_region *region);

/*
 * Whether the process named by an owner token is still attached and alive: 1 alive, 0
 * dead or detached (its entry was freed or reused), or a negative error code. Never
 * blocks: a trylock on the entry's liveness mutex.
 */
IP_API int ip_owner_alive(ip_region *region, uint32_t token);

/*
 * Futex wait on a 32-bit word in shared memory: sleeps while *word == expected, for at
 * most timeout_ns (< 0: no limit). Returns 0 when woken, -EAGAIN when the word already
 * differed, -ETIMEDOUT, or -EINTR. Spurious wake-ups are possible: callers re-check.
 */
IP_API int ip_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns);

/* Wakes up to count sleepers of ip_futex_wait on word; returns how many woke. */
IP_API int ip_futex_wake(uint32_t *word, int32_t count);

/*
 * Acquires the lock whose word is at word (a lock slot of region, 8-byte aligned: IP_EARG
 * otherwise), waiting at most timeout_ns (< 0: no limit). Returns 0, IP_EOWNERDEAD (acquired; the previous owner
 * died holding it, so the state it guards may need repair), -ETIMEDOUT, or -EDEADLK
 * when this process already holds it. The owner is the process: a multi-threaded C
 * program serialises its own threads around the lock. *fence, if not NULL, receives
 * the lock's fencing token, which grows with every acquisition.
 */
IP_API int ip_lock_acquire(ip_region *region, uint32_t *word, int64_t timeout_ns, uint64_t *fence);

/* Releases the lock; -EPERM if this process does not hold it. */
IP_API int ip_lock_release(ip_region *region, uint32_t *word);

/*
 * Queues (docs/layout.md, "Queue slot"): a bounded ring of messages of 0 to max_message bytes for any
 * number of producers and consumers in any processes, C or Java, on the same bytes. A producer's
 * death never publishes a partial message, a consumer's never loses one (it stays for the next
 * consumer); the next producer or consumer takes the dead one's lock over within one wait slice.
 *
 * Timeouts (timeout_ns): < 0 waits as long as it takes, 0 never waits for space or a message, > 0 at
 * most that long, then -ETIMEDOUT. Every form may wait briefly for another producer (consumer) to
 * finish its copy, as without a time limit once the timeout has run out: a holder copies one message.
 * Waits are futex sleeps of at most IP_LOCK_WAIT_SLICE_NS; a signal does not end them.
 *
 * Threads: an ip_queue may be used by any number of threads at once, except ip_queue_close. The
 * lock's owner is the region handle's process entry: the handle serialises its threads around it.
 * Open a queue once per region handle and share that ip_queue; a second one works, but its threads
 * find the first one's holds by sleeping slices on the lock word.
 *
 * Memory effects: what a thread did before ip_queue_put published a message is visible to the
 * thread whose ip_queue_take returned it. A damaged slot is refused with IP_ECORRUPT, and nothing is
 * read or written outside the ring: ip_queue_check names the damaged field.
 */
#define IP_QUEUE_MIN_CAPACITY 64               /* the smallest ring, in bytes */
#define IP_QUEUE_MAX_CAPACITY (1ull << 40)     /* the largest ring, in bytes */
#define IP_QUEUE_MESSAGE_LIMIT (INT32_MAX - 8) /* the largest max_message (Java's largest array) */
#define IP_QUEUE_RECORD_BYTES(n) ((4 + (uint64_t)(n) + 7) & ~(uint64_t)7) /* ring bytes of a message of n */

typedef struct ip_queue ip_queue;

/*
 * Finds the queue slot called name, or creates it empty: a ring of capacity bytes (a power of two from
 * IP_QUEUE_MIN_CAPACITY to IP_QUEUE_MAX_CAPACITY) taking messages of up to max_message bytes, whose
 * record may take at most half the ring (IP_EARG otherwise). The slot's metadata is the text
 * "capacity=<capacity> max_message=<max_message>", as the Java binding writes it: an existing slot must
 * have been made with the same two values (IP_ESLOTSIZE or IP_ESLOTMETA otherwise). *created is 1 when
 * this call created the slot. The handle refers to region, which must outlive it.
 */
IP_API int ip_queue_open(ip_region *region, const char *name, uint64_t capacity, uint32_t max_message, ip_queue **out,
                         int32_t *created);

/* Frees the handle (the queue and its messages stay in the region). Must not race with other calls on it. */
IP_API int ip_queue_close(ip_queue *queue);

/* The ring's bytes and the largest message, as the queue was opened with. */
IP_API uint64_t ip_queue_capacity(const ip_queue *queue);
IP_API uint32_t ip_queue_max_message(const ip_queue *queue);

/*
 * Publishes a message of length bytes (data may be NULL when length is 0), waiting for space as
 * timeout_ns says. Returns 0, -ETIMEDOUT (no space in time; nothing written), IP_ETOOLONG (length is
 * more than max_message; nothing written), IP_ESHUTDOWN (the queue is shut down), or IP_ECORRUPT.
 */
IP_API int ip_queue_put(ip_queue *queue, const void *data, uint64_t length, int64_t timeout_ns);

/*
 * Takes the oldest message into buffer (capacity bytes), waiting for one as timeout_ns says, and
 * stores its length in *length. Returns 0, -ETIMEDOUT (none came in time), IP_ESHORTBUF (the message
 * is longer than capacity: *length says how long, and the message stays in the queue), IP_ESHUTDOWN
 * (the queue is shut down and empty: no message will come), or IP_ECORRUPT.
 */
IP_API int ip_queue_take(ip_queue *queue, void *buffer, uint64_t capacity, uint64_t *length, int64_t timeout_ns);

/*
 * Shuts the queue down for every process: puts are refused with IP_ESHUTDOWN from now on, takes get
 * the messages published before and then IP_ESHUTDOWN, and every waiter wakes. Cannot be undone.
 */
IP_API int ip_queue_shutdown(ip_queue *queue);

/* 1 if the queue is shut down, 0 if not, or IP_ECORRUPT. */
IP_API int ip_queue_is_shutdown(ip_queue *queue);

/* Messages in the queue: an estimate while producers or consumers run (a snapshot of two counters). */
IP_API uint64_t ip_queue_size(const ip_queue *queue);

/* Ring bytes held by the messages in the queue, 0 to the capacity (skipped ends of the ring included). */
IP_API uint64_t ip_queue_bytes_held(const ip_queue *queue);

/*
 * Looks for damage in the queue's slot, as every put and take does (docs/layout.md, "Queue slot",
 * "Checks"): returns 0, or IP_ECORRUPT with a description of the first damaged field in text,
 * truncated to capacity bytes with a NUL (for example "queue 'jobs' field shutdown is 7, not 0 or 1").
 */
IP_API int ip_queue_check(ip_queue *queue, char *text, uint64_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* INTERPROC_H */
