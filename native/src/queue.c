/*
 * The queue protocol (docs/layout.md, "Queue slot"): records written and published under the
 * producers' lock, read and freed under the consumers' lock, both locks slots of the lock protocol
 * (lock.c); waiting for the other side on the not_empty and not_full futex words with waiter counts;
 * shutdown; and the checks of every position and length read from the slot. The Java binding
 * (QueueRing) runs the same protocol on the same bytes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "interproc_debug.h"

static _Atomic uint32_t queue_pause_ms;

/* One side of the queue: the producers' or the consumers' lock, and the threads of this handle that want it. */
struct side {
    pthread_mutex_t threads; /* the lock word's owner is the process: this handle's threads take turns here */
    uint32_t *word;          /* the lock slot in the queue */
};

struct ip_queue {
    ip_region *region;
    struct ip_queue_slot *slot;
    uint64_t capacity; /* from the metadata, never re-read from the slot */
    uint64_t mask;
    uint32_t max_message;
    struct side put;
    struct side take;
    char name[IP_SLOT_NAME_MAX + 1];
};

#define LENGTH_BYTES 4
_Static_assert(IP_QUEUE_RECORD_BYTES(0) == LENGTH_BYTES + 4 && IP_QUEUE_RECORD_BYTES(5) == IP_QUEUE_ALIGN + 8 &&
                   IP_QUEUE_RECORD_BYTES(4) == IP_QUEUE_ALIGN,
               "interproc.h's record size: a 4-byte length and the payload, padded to IP_QUEUE_ALIGN");

static uint64_t load64(uint64_t *field) {
    return atomic_load((_Atomic uint64_t *)field);
}

static void store64(uint64_t *field, uint64_t value) {
    atomic_store((_Atomic uint64_t *)field, value);
}

static uint32_t load32(uint32_t *field) {
    return atomic_load((_Atomic uint32_t *)field);
}

static void add32(uint32_t *field, uint32_t delta) {
    atomic_fetch_add((_Atomic uint32_t *)field, delta);
}

static int32_t length_at(const ip_queue *queue, uint64_t at) {
    int32_t length;
    memcpy(&length, queue->slot->ring + at, sizeof length);
    return length;
}

/* ------------------------------------------------------------------------------------------------ checks */

/* The bytes held between head and tail, after checking both against the ring. */
static int checked_held(const ip_queue *queue, uint64_t head, uint64_t tail, uint64_t *held, struct problem *problem) {
    *held = tail - head;
    if (((head | tail) % IP_QUEUE_ALIGN) != 0 || tail < head || *held > queue->capacity) {
        return corrupt(problem,
                       "queue '%s' fields head %llu and tail %llu are not multiples of %d bytes with 0 to %llu bytes "
                       "between them",
                       queue->name, (unsigned long long)head, (unsigned long long)tail, IP_QUEUE_ALIGN,
                       (unsigned long long)queue->capacity);
    }
    return 0;
}

/* The bytes the record at head takes, a wrap of skipped bytes included, after checking its length. */
static int checked_record(const ip_queue *queue, uint64_t head, int32_t length, uint64_t skipped, uint64_t held,
                          uint64_t *taken, struct problem *problem) {
    uint64_t record = IP_QUEUE_RECORD_BYTES((uint64_t)(uint32_t)length);
    if (length < 0 || (uint32_t)length > queue->max_message || skipped + record > held ||
        ((head + skipped) & queue->mask) + record > queue->capacity) {
        return corrupt(problem,
                       "queue '%s' field ring: the record length at position %llu is %d, not a message of 0 to %u "
                       "bytes within the %llu bytes held",
                       queue->name, (unsigned long long)(head + skipped), length, queue->max_message,
                       (unsigned long long)held);
    }
    *taken = skipped + record;
    return 0;
}

/* 1 if the queue is shut down, 0 if not, IP_ECORRUPT if the field is neither. */
static int shut_down(const ip_queue *queue, struct problem *problem) {
    uint32_t shutdown = load32(&queue->slot->shutdown);
    if (shutdown > 1) {
        return corrupt(problem, "queue '%s' field shutdown is %u, not 0 or 1", queue->name, shutdown);
    }
    return (int)shutdown;
}

static int check_geometry_fields(const ip_queue *queue, struct problem *problem) {
    uint64_t capacity = load64(&queue->slot->capacity);
    uint32_t max_message = load32(&queue->slot->max_message);
    if (capacity != queue->capacity || max_message != queue->max_message) {
        return corrupt(problem,
                       "queue '%s' fields capacity %llu and max_message %u contradict its metadata (capacity=%llu "
                       "max_message=%u)",
                       queue->name, (unsigned long long)capacity, max_message, (unsigned long long)queue->capacity,
                       queue->max_message);
    }
    return 0;
}

/*
 * The record at head, located and checked: its ring offset (after a wrap), its length, and the bytes that
 * consuming it frees. Called with the consumers' lock held, or by ip_queue_check to describe damage.
 */
static int checked_head_record(const ip_queue *queue, uint64_t head, uint64_t held, uint64_t *at, int32_t *length,
                               uint64_t *taken, struct problem *problem) {
    *at = head & queue->mask;
    *length = length_at(queue, *at);
    uint64_t skipped = 0;
    if (*length == IP_QUEUE_WRAP) {
        skipped = queue->capacity - *at;
        *at = 0;
        *length = length_at(queue, 0);
    }
    return checked_record(queue, head, *length, skipped, held, taken, problem);
}

int ip_queue_check(ip_queue *queue, char *text, uint64_t capacity) {
    if (queue == NULL || (text == NULL && capacity > 0)) {
        return IP_EARG;
    }
    struct problem problem = {text, capacity};
    if (capacity > 0) {
        text[0] = '\0';
    }
    int rc = check_geometry_fields(queue, &problem);
    if (rc == 0) {
        rc = shut_down(queue, &problem);
    }
    if (rc < 0) {
        return rc;
    }
    uint64_t head = load64(&queue->slot->head);
    uint64_t tail = load64(&queue->slot->tail);
    uint64_t held;
    if ((rc = checked_held(queue, head, tail, &held, &problem)) != 0 || held == 0) {
        return rc;
    }
    uint64_t at;
    int32_t length;
    uint64_t taken;
    return checked_head_record(queue, head, held, &at, &length, &taken, &problem);
}

/* ------------------------------------------------------------------------------------------------ opening */

static int check_geometry(uint64_t capacity, uint32_t max_message) {
    if (capacity < IP_QUEUE_MIN_CAPACITY || capacity > IP_QUEUE_MAX_CAPACITY || (capacity & (capacity - 1)) != 0) {
        return IP_EARG;
    }
    if (max_message > IP_QUEUE_MESSAGE_LIMIT || IP_QUEUE_RECORD_BYTES(max_message) > capacity / 2) {
        return IP_EARG;
    }
    return 0;
}

int ip_queue_open(ip_region *region, const char *name, uint64_t capacity, uint32_t max_message, ip_queue **out,
                  int32_t *created) {
    if (region == NULL || out == NULL || created == NULL) {
        return IP_EARG;
    }
    int rc = check_slot_name(name);
    if (rc != 0) {
        return rc;
    }
    if ((rc = check_geometry(capacity, max_message)) != 0) {
        return rc;
    }
    /* Exactly what the Java binding writes (SharedQueue): later openers compare it byte for byte. */
    char meta[64];
    int meta_len =
        snprintf(meta, sizeof meta, "capacity=%llu max_message=%u", (unsigned long long)capacity, max_message);
    struct ip_queue_slot init;
    memset(&init, 0, sizeof init);
    init.capacity = capacity;
    init.max_message = max_message;
    int32_t index;
    rc = ip_slot_ensure(region, name, IP_TYPE_QUEUE, offsetof(struct ip_queue_slot, ring) + capacity, meta,
                        (uint32_t)meta_len, &init, sizeof init, &index, created);
    if (rc != 0) {
        return rc;
    }
    struct ip_queue_slot *slot = ip_slot_address(region, index);
    if (slot == NULL) {
        return IP_ECORRUPT;
    }
    ip_queue *queue = calloc(1, sizeof *queue);
    if (queue == NULL) {
        return -ENOMEM;
    }
    queue->region = region;
    queue->slot = slot;
    queue->capacity = capacity;
    queue->mask = capacity - 1;
    queue->max_message = max_message;
    queue->put.word = (uint32_t *)&slot->put_lock;
    queue->take.word = (uint32_t *)&slot->take_lock;
    memcpy(queue->name, name, strlen(name) + 1);
    if ((rc = check_geometry_fields(queue, NULL)) != 0) {
        free(queue);
        return rc;
    }
    if ((rc = -pthread_mutex_init(&queue->put.threads, NULL)) != 0) {
        free(queue);
        return rc;
    }
    if ((rc = -pthread_mutex_init(&queue->take.threads, NULL)) != 0) {
        pthread_mutex_destroy(&queue->put.threads);
        free(queue);
        return rc;
    }
    *out = queue;
    return 0;
}

int ip_queue_close(ip_queue *queue) {
    if (queue == NULL) {
        return IP_EARG;
    }
    pthread_mutex_destroy(&queue->put.threads);
    pthread_mutex_destroy(&queue->take.threads);
    free(queue);
    return 0;
}

uint64_t ip_queue_capacity(const ip_queue *queue) {
    return queue == NULL ? 0 : queue->capacity;
}

uint32_t ip_queue_max_message(const ip_queue *queue) {
    return queue == NULL ? 0 : queue->max_message;
}

/* ------------------------------------------------------------------------------------------------ locks */

/* The monotonic deadline of a wait of timeout_ns (> 0), or UINT64_MAX. */
static uint64_t deadline_of(int64_t timeout_ns) {
    uint64_t now = monotonic_ns();
    return timeout_ns > 0 && (uint64_t)timeout_ns < UINT64_MAX - now ? now + (uint64_t)timeout_ns : UINT64_MAX;
}

static int64_t remaining_ns(uint64_t deadline) {
    uint64_t now = monotonic_ns();
    return now >= deadline ? 0 : (int64_t)(deadline - now);
}

/*
 * Takes a side's lock word, this handle's threads in turn. Without a limit for a non-waiting call (timeout 0), an
 * unlimited one, or once the deadline has passed (a holder only copies one message: no reason to fail), else until
 * the deadline: -ETIMEDOUT then. A dead previous holder published or moved nothing: the caller just carries on.
 */
static int lock_side(ip_queue *queue, struct side *side, int64_t timeout_ns, uint64_t deadline) {
    int bounded = timeout_ns > 0 && deadline != UINT64_MAX && remaining_ns(deadline) > 0;
    int rc;
    if (bounded) {
        struct timespec until = {.tv_sec = (time_t)(deadline / 1000000000u), .tv_nsec = (long)(deadline % 1000000000u)};
        rc = -pthread_mutex_clocklock(&side->threads, CLOCK_MONOTONIC, &until);
    } else {
        rc = -pthread_mutex_lock(&side->threads);
    }
    if (rc != 0) {
        return rc;
    }
    for (;;) {
        int64_t limit = bounded ? remaining_ns(deadline) : -1;
        rc = ip_lock_acquire(queue->region, side->word, limit, NULL);
        if (rc == 0 || rc == IP_EOWNERDEAD) {
            return 0;
        }
        if (rc != -EDEADLK) {
            break;
        }
        /* Another handle on this queue and region handle holds it: sleep a slice on the word and look again. */
        uint32_t seen = load32(side->word);
        if (bounded && (limit = remaining_ns(deadline)) == 0) {
            rc = -ETIMEDOUT;
            break;
        }
        ip_futex_wait(side->word, seen, bounded && limit < IP_LOCK_WAIT_SLICE_NS ? limit : IP_LOCK_WAIT_SLICE_NS);
    }
    pthread_mutex_unlock(&side->threads);
    return rc;
}

static void unlock_side(ip_queue *queue, struct side *side) {
    ip_lock_release(queue->region, side->word);
    pthread_mutex_unlock(&side->threads);
}

/* The test hook: a pause with a lock held, between the copy and the store that publishes or frees it. */
static void pause_inside(const char *what) {
    uint32_t pause = atomic_load_explicit(&queue_pause_ms, memory_order_relaxed);
    if (pause > 0) {
        char line[96];
        int length = snprintf(line, sizeof line, "interproc-debug: pausing inside a queue %s\n", what);
        ssize_t ignored = write(STDERR_FILENO, line, (size_t)length);
        (void)ignored;
        sleep_ms(pause);
    }
}

void ip_debug_set_queue_pause(uint32_t ms) {
    atomic_store_explicit(&queue_pause_ms, ms, memory_order_relaxed);
}

/* ------------------------------------------------------------------------------------------------ waiting */

/*
 * Registers in waiting, then sleeps one slice on the sequence word seq unless position has moved from seen or the
 * queue was shut down; the other side bumps seq after it moves the position and sees a waiter. The word is read
 * before the registration; after it, the mover's lock word movers_lock, then the position. A Java mover stores the
 * position with release semantics only, then releases its lock with a sequentially consistent compare-and-set:
 * either this read of the lock word sees that release or a later write (every write of a lock word is a
 * compare-and-set), and the position read after it is the new one, or it comes before the release, and so does the
 * registration, which the mover's read of waiting after its release then sees. A C mover releases its lock with a
 * release-only compare-and-set, which does not order its later read of waiting, so it stores the position
 * sequentially consistent (store64): the registration and the position then pair as two sequentially consistent
 * store-load sides. So no move is missed. Returns 1 to retry, 0 when out of time.
 */
static int await_move(ip_queue *queue, uint32_t *waiting, uint32_t *seq, uint32_t *movers_lock, uint64_t *position,
                      uint64_t seen, uint64_t deadline) {
    uint32_t sequence = load32(seq);
    add32(waiting, 1);
    int retry = 1;
    (void)load32(movers_lock);
    if (load64(position) == seen && load32(&queue->slot->shutdown) == 0) {
        int64_t slice = IP_LOCK_WAIT_SLICE_NS;
        if (deadline != UINT64_MAX) {
            int64_t remaining = remaining_ns(deadline);
            slice = remaining < slice ? remaining : slice;
        }
        if (slice <= 0) {
            retry = 0;
        } else {
            ip_futex_wait(seq, sequence, slice);
        }
    }
    add32(waiting, (uint32_t)-1);
    return retry;
}

/* Bumps the sequence word and wakes its sleepers if the count waiting says some registered. */
static void wake(uint32_t *waiting, uint32_t *seq) {
    if (load32(waiting) != 0) {
        add32(seq, 1);
        ip_futex_wake(seq, INT32_MAX);
    }
}

/* ------------------------------------------------------------------------------------------------ put, take */

int ip_queue_put(ip_queue *queue, const void *data, uint64_t length, int64_t timeout_ns) {
    if (queue == NULL || (data == NULL && length > 0)) {
        return IP_EARG;
    }
    if (length > queue->max_message) {
        return IP_ETOOLONG;
    }
    struct ip_queue_slot *slot = queue->slot;
    const uint64_t record = IP_QUEUE_RECORD_BYTES(length);
    const uint64_t deadline = timeout_ns < 0 ? UINT64_MAX : deadline_of(timeout_ns);
    for (;;) {
        int rc = lock_side(queue, &queue->put, timeout_ns, deadline);
        if (rc != 0) {
            return rc;
        }
        uint64_t tail = load64(&slot->tail);
        uint64_t head = load64(&slot->head);
        uint64_t held;
        int published = 0;
        if ((rc = checked_held(queue, head, tail, &held, NULL)) == 0 && (rc = shut_down(queue, NULL)) == 1) {
            rc = IP_ESHUTDOWN;
        }
        if (rc == 0) {
            uint64_t at = tail & queue->mask;
            uint64_t to_end = queue->capacity - at;
            uint64_t needed = record <= to_end ? record : to_end + record;
            if (queue->capacity - held >= needed) {
                if (needed != record) {
                    int32_t wrap = IP_QUEUE_WRAP;
                    memcpy(slot->ring + at, &wrap, sizeof wrap);
                    at = 0;
                }
                int32_t stored = (int32_t)length;
                memcpy(slot->ring + at, &stored, sizeof stored);
                if (length > 0) {
                    memcpy(slot->ring + at + LENGTH_BYTES, data, length);
                }
                pause_inside("put");
                store64(&slot->put_count, load64(&slot->put_count) + 1);
                store64(&slot->tail, tail + needed);
                published = 1;
            }
        }
        unlock_side(queue, &queue->put);
        if (rc != 0) {
            return rc;
        }
        if (published) {
            wake(&slot->consumers_waiting, &slot->not_empty);
            return 0;
        }
        if (timeout_ns == 0 || !await_move(queue, &slot->producers_waiting, &slot->not_full, queue->take.word,
                                           &slot->head, head, deadline)) {
            return -ETIMEDOUT;
        }
    }
}

int ip_queue_take(ip_queue *queue, void *buffer, uint64_t capacity, uint64_t *length, int64_t timeout_ns) {
    if (queue == NULL || length == NULL || (buffer == NULL && capacity > 0)) {
        return IP_EARG;
    }
    struct ip_queue_slot *slot = queue->slot;
    const uint64_t deadline = timeout_ns < 0 ? UINT64_MAX : deadline_of(timeout_ns);
    for (;;) {
        int rc = lock_side(queue, &queue->take, timeout_ns, deadline);
        if (rc != 0) {
            return rc;
        }
        uint64_t head = load64(&slot->head);
        uint64_t tail = load64(&slot->tail);
        uint64_t held;
        int consumed = 0;
        if ((rc = checked_held(queue, head, tail, &held, NULL)) == 0 && held == 0 &&
            (rc = shut_down(queue, NULL)) == 1) {
            rc = IP_ESHUTDOWN;
        }
        if (rc == 0 && held != 0) {
            uint64_t at = 0;
            int32_t size = 0;
            uint64_t taken = 0;
            if ((rc = checked_head_record(queue, head, held, &at, &size, &taken, NULL)) == 0) {
                *length = (uint64_t)size;
                if ((uint64_t)size > capacity) {
                    rc = IP_ESHORTBUF; /* the message stays where it is */
                } else {
                    if (size > 0) {
                        memcpy(buffer, slot->ring + at + LENGTH_BYTES, (size_t)size);
                    }
                    pause_inside("take");
                    store64(&slot->take_count, load64(&slot->take_count) + 1);
                    store64(&slot->head, head + taken);
                    consumed = 1;
                }
            }
        }
        unlock_side(queue, &queue->take);
        if (rc != 0) {
            return rc;
        }
        if (consumed) {
            wake(&slot->producers_waiting, &slot->not_full);
            return 0;
        }
        if (timeout_ns == 0 || !await_move(queue, &slot->consumers_waiting, &slot->not_empty, queue->put.word,
                                           &slot->tail, tail, deadline)) {
            return -ETIMEDOUT;
        }
    }
}

/* ------------------------------------------------------------------------------------------------ state */

int ip_queue_shutdown(ip_queue *queue) {
    if (queue == NULL) {
        return IP_EARG;
    }
    struct ip_queue_slot *slot = queue->slot;
    atomic_store((_Atomic uint32_t *)&slot->shutdown, 1);
    /* Bumped after the mark: a waiter that read a sequence word before the mark wakes at once. */
    add32(&slot->not_empty, 1);
    add32(&slot->not_full, 1);
    ip_futex_wake(&slot->not_empty, INT32_MAX);
    ip_futex_wake(&slot->not_full, INT32_MAX);
    return 0;
}

int ip_queue_is_shutdown(ip_queue *queue) {
    return queue == NULL ? IP_EARG : shut_down(queue, NULL);
}

uint64_t ip_queue_bytes_held(const ip_queue *queue) {
    if (queue == NULL) {
        return 0;
    }
    uint64_t head = load64(&queue->slot->head);
    uint64_t tail = load64(&queue->slot->tail);
    int64_t held = (int64_t)(tail - head);
    return held < 0 ? 0 : (uint64_t)held > queue->capacity ? queue->capacity : (uint64_t)held;
}

uint64_t ip_queue_size(const ip_queue *queue) {
    if (ip_queue_bytes_held(queue) == 0) {
        return 0;
    }
    uint64_t taken = load64(&queue->slot->take_count);
    uint64_t put = load64(&queue->slot->put_count);
    return (int64_t)(put - taken) < 0 ? 0 : put - taken;
}
