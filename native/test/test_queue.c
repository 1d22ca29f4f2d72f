/*
 * Tests of the queue protocol in C (docs/layout.md, "Queue slot"): records that wrap, a too-short
 * buffer, timeouts, shutdown, damaged fields, producers and consumers in threads and processes, and
 * a producer and a consumer killed inside their locks. Run under ctest with AddressSanitizer and
 * UndefinedBehaviorSanitizer.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interproc.h"
#include "interproc_debug.h"

static char name[64];

static int64_t layout(const char *key) {
    int64_t value = -1;
    CHECK_RC(0, ip_layout_value(key, &value));
    return value;
}

/* The slot's bytes, to look at and damage fields by their offsets (ip_layout_value). */
static uint8_t *slot_bytes(ip_region *region, const char *queue) {
    int32_t index;
    CHECK_RC(0, ip_slot_find(region, queue, &index));
    return ip_slot_address(region, index);
}

static uint32_t *word_at(uint8_t *slot, const char *field) {
    char key[96];
    snprintf(key, sizeof key, "offsetof.ip_queue_slot.%s", field);
    return (uint32_t *)(slot + layout(key));
}

static uint64_t *long_at(uint8_t *slot, const char *field) {
    return (uint64_t *)word_at(slot, field);
}

/* The payload byte i of message seq of producer: every byte is checked by the consumer. */
static uint8_t pattern(uint32_t producer, uint32_t seq, uint64_t i) {
    return (uint8_t)(producer * 131u + seq * 31u + i * 7u + 1u);
}

/* A message: producer and sequence number, then length - 8 pattern bytes. */
static uint64_t fill(uint8_t *message, uint32_t producer, uint32_t seq, uint64_t length) {
    memcpy(message, &producer, 4);
    memcpy(message + 4, &seq, 4);
    for (uint64_t i = 8; i < length; i++) {
        message[i] = pattern(producer, seq, i);
    }
    return length;
}

static int intact(const uint8_t *message, uint64_t length, uint32_t *producer, uint32_t *seq) {
    if (length < 8) {
        return 0;
    }
    memcpy(producer, message, 4);
    memcpy(seq, message + 4, 4);
    for (uint64_t i = 8; i < length; i++) {
        if (message[i] != pattern(*producer, *seq, i)) {
            return 0;
        }
    }
    return 1;
}

static void test_geometry_and_arguments(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(IP_EARG, ip_queue_open(region, "q-geometry", 100, 10, &queue, &created));  /* no power of two */
    CHECK_RC(IP_EARG, ip_queue_open(region, "q-geometry", 32, 4, &queue, &created));    /* below the minimum */
    CHECK_RC(IP_EARG, ip_queue_open(region, "q-geometry", 256, 125, &queue, &created)); /* 136 > half the ring */
    CHECK_RC(IP_ENAME, ip_queue_open(region, "", 256, 100, &queue, &created));
    CHECK_RC(0, ip_queue_open(region, "q-geometry", 256, 124, &queue, &created));
    CHECK(created == 1);
    CHECK(ip_queue_capacity(queue) == 256 && ip_queue_max_message(queue) == 124);
    ip_queue *again;
    CHECK_RC(0, ip_queue_open(region, "q-geometry", 256, 124, &again, &created));
    CHECK(created == 0);
    CHECK_RC(IP_ESLOTMETA, ip_queue_open(region, "q-geometry", 256, 100, &queue, &created));
    CHECK_RC(IP_ESLOTSIZE, ip_queue_open(region, "q-geometry", 512, 124, &queue, &created));
    int32_t index;
    CHECK_RC(0, ip_slot_find(region, "q-geometry", &index));
    char entry[256];
    CHECK_RC(0, ip_slot_entry_copy(region, index, entry));
    const char *meta = "capacity=256 max_message=124"; /* what Java writes and compares */
    uint32_t meta_length;
    uint64_t meta_offset;
    memcpy(&meta_length, entry + layout("offsetof.ip_slot_entry.meta_length"), 4);
    memcpy(&meta_offset, entry + layout("offsetof.ip_slot_entry.meta_offset"), 8);
    CHECK(meta_length == strlen(meta));
    CHECK(memcmp((uint8_t *)ip_region_base(region) + meta_offset, meta, strlen(meta)) == 0);
    uint8_t message[125] = {0};
    CHECK_RC(IP_ETOOLONG, ip_queue_put(queue, message, 125, 0));
    CHECK_RC(IP_EARG, ip_queue_put(queue, NULL, 1, 0));
    CHECK_RC(0, ip_queue_put(queue, NULL, 0, 0)); /* an empty message */
    uint64_t length = 99;
    CHECK_RC(IP_EARG, ip_queue_take(queue, NULL, 1, &length, 0));
    CHECK_RC(0, ip_queue_take(again, NULL, 0, &length, 0));
    CHECK(length == 0);
    CHECK_RC(0, ip_queue_close(again));
    CHECK_RC(0, ip_queue_close(queue));
    CHECK_RC(IP_EARG, ip_queue_close(NULL));
}

/* One thread puts and takes messages of every size, so that records wrap at every offset of the ring. */
static void test_wrapping_records(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-wrap", 256, 100, &queue, &created));
    uint8_t *slot = slot_bytes(region, "q-wrap");
    uint8_t message[100];
    uint8_t buffer[100];
    uint32_t seq = 0;
    uint32_t next = 0;
    int wraps = 0;
    for (int round = 0; round < 2000; round++) {
        /* Up to three messages in the queue at once, of 8 to 100 bytes. */
        while (ip_queue_size(queue) < 3) {
            uint64_t tail = *long_at(slot, "tail");
            uint64_t length = 8 + (seq * 37u) % 93u;
            int rc = ip_queue_put(queue, message, fill(message, 1, seq, length), 0);
            if (rc == -ETIMEDOUT) {
                break;
            }
            CHECK_RC(0, rc);
            wraps += IP_QUEUE_RECORD_BYTES(length) > 256 - (tail & 255u);
            seq++;
        }
        uint64_t length;
        uint32_t producer;
        uint32_t got;
        /* A buffer one byte short: the message stays, its length is told. */
        uint64_t expected = 8 + (next * 37u) % 93u;
        CHECK_RC(IP_ESHORTBUF, ip_queue_take(queue, buffer, expected - 1, &length, 0));
        CHECK(length == expected);
        CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
        CHECK(length == expected);
        CHECK(intact(buffer, length, &producer, &got) && producer == 1 && got == next);
        next++;
    }
    CHECK(wraps > 100);
    uint64_t length;
    while (ip_queue_take(queue, buffer, sizeof buffer, &length, 0) == 0) {
        next++;
    }
    CHECK(next == seq);
    CHECK(ip_queue_size(queue) == 0 && ip_queue_bytes_held(queue) == 0);
    CHECK(*long_at(slot, "put_count") == seq && *long_at(slot, "take_count") == seq);
    CHECK_RC(0, ip_queue_close(queue));
}

static void test_timeouts(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-timeouts", 64, 24, &queue, &created));
    uint8_t buffer[24] = {0};
    uint64_t length;
    CHECK_RC(-ETIMEDOUT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    CHECK_RC(-ETIMEDOUT, ip_queue_take(queue, buffer, sizeof buffer, &length, 10000000));
    CHECK_RC(0, ip_queue_put(queue, buffer, 24, 0)); /* 32 bytes */
    CHECK_RC(0, ip_queue_put(queue, buffer, 20, 0)); /* 24 bytes */
    CHECK(ip_queue_bytes_held(queue) == 56 && ip_queue_size(queue) == 2);
    CHECK_RC(-ETIMEDOUT, ip_queue_put(queue, buffer, 5, 0)); /* 16 bytes do not fit... */
    CHECK_RC(0, ip_queue_put(queue, buffer, 4, 0));          /* ...8 do */
    CHECK(ip_queue_bytes_held(queue) == 64 && ip_queue_size(queue) == 3);
    CHECK_RC(-ETIMEDOUT, ip_queue_put(queue, buffer, 0, 0)); /* and then none */
    CHECK_RC(-ETIMEDOUT, ip_queue_put(queue, buffer, 0, 10000000));
    CHECK(*word_at(slot_bytes(region, "q-timeouts"), "producers_waiting") == 0);
    CHECK_RC(0, ip_queue_close(queue));
}

/* A put (of a 16-byte message of producer 5) or a take, without a time limit, in a thread of its own. */
struct blocking_call {
    ip_queue *queue;
    int put;
    int rc;
};

static void *call_without_limit(void *argument) {
    struct blocking_call *call = argument;
    uint8_t message[16];
    uint64_t length;
    call->rc = call->put ? ip_queue_put(call->queue, message, fill(message, 5, 0, sizeof message), -1)
                         : ip_queue_take(call->queue, message, sizeof message, &length, -1);
    return NULL;
}

/* Starts call in a thread and returns once the thread has registered to sleep in the count at waiting. */
static pthread_t start_waiting(struct blocking_call *call, uint32_t *waiting) {
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, call_without_limit, call) == 0);
    while (atomic_load((_Atomic uint32_t *)waiting) == 0) {
        sched_yield();
    }
    return thread;
}

/* Puts are refused, takes drain what is left, and a consumer waiting on the empty queue wakes. */
static void test_shutdown(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-shutdown", 128, 16, &queue, &created));
    uint8_t buffer[16];
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_RC(0, ip_queue_put(queue, buffer, fill(buffer, 2, i, 8 + i), -1));
    }
    CHECK_RC(0, ip_queue_is_shutdown(queue));
    CHECK_RC(0, ip_queue_shutdown(queue));
    CHECK_RC(1, ip_queue_is_shutdown(queue));
    CHECK_RC(IP_ESHUTDOWN, ip_queue_put(queue, buffer, 8, -1));
    for (uint32_t i = 0; i < 3; i++) {
        uint64_t length;
        uint32_t producer;
        uint32_t seq;
        CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, -1));
        CHECK(intact(buffer, length, &producer, &seq) && seq == i && length == 8 + i);
    }
    uint64_t length;
    CHECK_RC(IP_ESHUTDOWN, ip_queue_take(queue, buffer, sizeof buffer, &length, -1));

    /* A consumer waiting on an empty queue and a producer waiting on a full one wake and are refused. */
    ip_queue *empty;
    ip_queue *full;
    CHECK_RC(0, ip_queue_open(region, "q-shutdown-empty", 128, 16, &empty, &created));
    CHECK_RC(0, ip_queue_open(region, "q-shutdown-full", 64, 16, &full, &created));
    while (ip_queue_put(full, buffer, 16, 0) == 0) {
    }
    struct blocking_call take = {empty, 0, 1};
    struct blocking_call put = {full, 1, 1};
    pthread_t taker = start_waiting(&take, word_at(slot_bytes(region, "q-shutdown-empty"), "consumers_waiting"));
    pthread_t putter = start_waiting(&put, word_at(slot_bytes(region, "q-shutdown-full"), "producers_waiting"));
    CHECK_RC(0, ip_queue_shutdown(empty));
    CHECK_RC(0, ip_queue_shutdown(full));
    pthread_join(taker, NULL);
    pthread_join(putter, NULL);
    CHECK_RC(IP_ESHUTDOWN, take.rc);
    CHECK_RC(IP_ESHUTDOWN, put.rc);
    CHECK(ip_queue_size(full) == 2); /* still there for consumers */
    CHECK_RC(0, ip_queue_close(full));
    CHECK_RC(0, ip_queue_close(empty));
    CHECK_RC(0, ip_queue_close(queue));
}

/* Damaged fields are refused with IP_ECORRUPT and named by ip_queue_check; nothing is read outside the ring. */
static void test_damage(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-damage", 256, 64, &queue, &created));
    uint8_t *slot = slot_bytes(region, "q-damage");
    uint8_t buffer[64] = {0};
    uint64_t length;
    char text[256];
    CHECK_RC(0, ip_queue_put(queue, buffer, 20, 0));
    CHECK_RC(0, ip_queue_check(queue, text, sizeof text));
    CHECK(text[0] == '\0');

    *word_at(slot, "shutdown") = 7;
    CHECK_RC(IP_ECORRUPT, ip_queue_put(queue, buffer, 8, 0));
    CHECK_RC(IP_ECORRUPT, ip_queue_is_shutdown(queue));
    CHECK_RC(IP_ECORRUPT, ip_queue_check(queue, text, sizeof text));
    CHECK(strcmp(text, "queue 'q-damage' field shutdown is 7, not 0 or 1") == 0);
    *word_at(slot, "shutdown") = 0;

    uint64_t *head = long_at(slot, "head");
    *head = 4;
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    CHECK_RC(IP_ECORRUPT, ip_queue_put(queue, buffer, 8, 0));
    CHECK_RC(IP_ECORRUPT, ip_queue_check(queue, text, sizeof text));
    CHECK(strstr(text, "fields head 4 and tail 24 are not multiples of 8") != NULL);
    *head = 0;
    uint64_t *tail = long_at(slot, "tail");
    *tail = 512; /* more than the ring */
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    *tail = 24;

    int32_t *record = (int32_t *)(slot + layout("offsetof.ip_queue_slot.ring"));
    *record = 65; /* more than max_message */
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    CHECK_RC(IP_ECORRUPT, ip_queue_check(queue, text, sizeof text));
    CHECK(strcmp(text, "queue 'q-damage' field ring: the record length at position 0 is 65, not a message of 0 to "
                       "64 bytes within the 24 bytes held") == 0);
    *record = 30; /* a record of 40 bytes where 24 are held */
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    *record = -2;
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    *record = 20;
    CHECK(ip_queue_check(queue, text, 8) == 0); /* a short text is fine */
    CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    CHECK(length == 20);

    /* A wrap length at the head: the record at offset 0 is checked like any other. */
    *head = *tail = 248;
    *(int32_t *)((uint8_t *)record + 248) = (int32_t)layout("const.IP_QUEUE_WRAP");
    *record = 64;
    *tail = 248 + 72;
    CHECK_RC(IP_ECORRUPT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0)); /* 8 + 72 bytes, 72 held */
    *tail = 248 + 8 + 72;
    CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
    CHECK(length == 64 && ip_queue_bytes_held(queue) == 0);

    uint64_t *capacity = long_at(slot, "capacity");
    *capacity = 1024;
    ip_queue *again;
    CHECK_RC(IP_ECORRUPT, ip_queue_open(region, "q-damage", 256, 64, &again, &created));
    CHECK_RC(IP_ECORRUPT, ip_queue_check(queue, text, sizeof text));
    CHECK(strstr(text, "fields capacity 1024 and max_message 64 contradict its metadata") != NULL);
    *capacity = 256;
    CHECK_RC(0, ip_queue_close(queue));
}

/*
 * Two handles on one queue through one region handle share its owner token: while a thread of one holds the
 * producers' lock (paused inside its put by the test hook), a put through the other waits for it, not -EDEADLK.
 */
static void test_two_handles_of_one_process(ip_region *region) {
    ip_queue *first;
    ip_queue *second;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-handles", 256, 64, &first, &created));
    CHECK_RC(0, ip_queue_open(region, "q-handles", 256, 64, &second, &created));
    _Atomic uint32_t *put_lock = (_Atomic uint32_t *)word_at(slot_bytes(region, "q-handles"), "put_lock");
    ip_debug_set_queue_pause(50);
    int errors = dup(STDERR_FILENO); /* the hook's line is not wanted here */
    int quiet = open("/dev/null", O_WRONLY);
    dup2(quiet, STDERR_FILENO);
    struct blocking_call put = {first, 1, 1};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, call_without_limit, &put) == 0);
    while (atomic_load(put_lock) == 0) {
        sched_yield(); /* until the thread holds the producers' lock */
    }
    ip_debug_set_queue_pause(0);
    uint8_t message[16];
    CHECK_RC(0, ip_queue_put(second, message, fill(message, 6, 0, sizeof message), 5000000000LL));
    pthread_join(thread, NULL);
    dup2(errors, STDERR_FILENO);
    close(errors);
    close(quiet);
    CHECK_RC(0, put.rc);
    uint64_t length;
    uint32_t producer;
    uint32_t seq;
    CHECK_RC(0, ip_queue_take(second, message, sizeof message, &length, 0));
    CHECK(intact(message, length, &producer, &seq) && producer == 5);
    CHECK_RC(0, ip_queue_take(first, message, sizeof message, &length, 0));
    CHECK(intact(message, length, &producer, &seq) && producer == 6);
    CHECK_RC(0, ip_queue_close(second));
    CHECK_RC(0, ip_queue_close(first));
}

/* ---------------------------------------------------------------------------------- many producers, consumers */

enum { THREAD_PRODUCERS = 2, PROCESS_PRODUCERS = 2, PRODUCERS = THREAD_PRODUCERS + PROCESS_PRODUCERS };
enum { CONSUMERS = 3, MESSAGES = 20000, MAX_MESSAGE = 120 };

struct flow {
    ip_queue *queue;
    uint32_t producer;
    _Atomic uint32_t *seen; /* [PRODUCERS][MESSAGES] times each message was taken */
    _Atomic uint32_t taken; /* messages taken by all consumers */
    _Atomic uint32_t failures;
};

static void produce(ip_queue *queue, uint32_t producer, _Atomic uint32_t *failed) {
    uint8_t message[MAX_MESSAGE];
    for (uint32_t seq = 0; seq < MESSAGES; seq++) {
        uint64_t length = 8 + (seq * 7919u + producer * 104729u) % (MAX_MESSAGE - 7);
        int rc = ip_queue_put(queue, message, fill(message, producer, seq, length), -1);
        if (rc != 0) {
            fprintf(stderr, "producer %u: put %u: %s\n", producer, seq, ip_strerror(rc));
            atomic_fetch_add(failed, 1);
            return;
        }
    }
}

struct producer_thread {
    struct flow *flow;
    uint32_t producer;
};

static void *produce_thread(void *argument) {
    struct producer_thread *self = argument;
    produce(self->flow->queue, self->producer, &self->flow->failures);
    return NULL;
}

static void *consume_thread(void *argument) {
    struct flow *flow = argument;
    uint32_t last[PRODUCERS];
    memset(last, 0xff, sizeof last);
    uint8_t buffer[MAX_MESSAGE];
    for (;;) {
        uint64_t length;
        /* Timed, so that a lost wake-up shows as a failure, not a hang. */
        int rc = ip_queue_take(flow->queue, buffer, sizeof buffer, &length, 30000000000LL);
        if (rc == IP_ESHUTDOWN) {
            return NULL;
        }
        uint32_t producer;
        uint32_t seq;
        if (rc != 0 || !intact(buffer, length, &producer, &seq) || producer >= PRODUCERS || seq >= MESSAGES ||
            (last[producer] != UINT32_MAX && seq <= last[producer])) {
            fprintf(stderr, "consumer: take: %s, or a damaged or out-of-order message\n", ip_strerror(rc));
            atomic_fetch_add(&flow->failures, 1);
            return NULL;
        }
        last[producer] = seq;
        atomic_fetch_add(&flow->seen[producer * MESSAGES + seq], 1);
        atomic_fetch_add(&flow->taken, 1);
    }
}

/*
 * Producers in threads of this process (sharing one handle) and in child processes, consumers in threads, on a
 * ring small enough that both sides wait for each other: every message arrives once, intact, in its producer's order.
 */
static void test_producers_and_consumers(ip_region *region) {
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-flow", 1024, MAX_MESSAGE, &queue, &created));
    pid_t children[PROCESS_PRODUCERS];
    for (int c = 0; c < PROCESS_PRODUCERS; c++) {
        children[c] = fork();
        if (children[c] == 0) {
            ip_region *mine;
            ip_queue *q;
            _Atomic uint32_t failed = 0;
            if (ip_region_open(name, NULL, 0, &mine) != 0 ||
                ip_queue_open(mine, "q-flow", 1024, MAX_MESSAGE, &q, &created) != 0) {
                _exit(2);
            }
            produce(q, THREAD_PRODUCERS + (uint32_t)c, &failed);
            ip_queue_close(q);
            ip_region_close(mine);
            _exit(failed == 0 ? 0 : 3);
        }
    }
    struct flow flow = {.queue = queue};
    flow.seen = calloc(PRODUCERS * MESSAGES, sizeof *flow.seen);
    pthread_t consumers[CONSUMERS];
    pthread_t producers[THREAD_PRODUCERS];
    struct producer_thread producer_args[THREAD_PRODUCERS];
    for (int i = 0; i < CONSUMERS; i++) {
        CHECK(pthread_create(&consumers[i], NULL, consume_thread, &flow) == 0);
    }
    for (int i = 0; i < THREAD_PRODUCERS; i++) {
        producer_args[i] = (struct producer_thread){&flow, (uint32_t)i};
        CHECK(pthread_create(&producers[i], NULL, produce_thread, &producer_args[i]) == 0);
    }
    for (int i = 0; i < THREAD_PRODUCERS; i++) {
        pthread_join(producers[i], NULL);
    }
    for (int c = 0; c < PROCESS_PRODUCERS; c++) {
        int status;
        waitpid(children[c], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK_RC(0, ip_queue_shutdown(queue)); /* the consumers drain the rest, then stop */
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(consumers[i], NULL);
    }
    CHECK(atomic_load(&flow.failures) == 0);
    CHECK(atomic_load(&flow.taken) == PRODUCERS * MESSAGES);
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < PRODUCERS * MESSAGES; i++) {
        wrong += atomic_load(&flow.seen[i]) != 1;
    }
    CHECK(wrong == 0);
    CHECK(ip_queue_bytes_held(queue) == 0);
    free(flow.seen);
    CHECK_RC(0, ip_queue_close(queue));
}

/* ---------------------------------------------------------------------------------- death inside the locks */

/*
 * A child opens the queue and puts (or takes) with the test pause set, so that it stops inside the lock between
 * its copy and the store that publishes (frees) it; its standard error says when. Returns the child, paused.
 */
static pid_t pause_inside(const char *queue_name, int put, const uint8_t *message, uint64_t length) {
    int lines[2];
    CHECK(pipe(lines) == 0);
    pid_t child = fork();
    if (child == 0) {
        dup2(lines[1], STDERR_FILENO);
        ip_region *mine;
        ip_queue *q;
        int32_t created;
        uint8_t buffer[64];
        uint64_t got;
        if (ip_region_open(name, NULL, 0, &mine) != 0 || ip_queue_open(mine, queue_name, 256, 64, &q, &created) != 0) {
            _exit(2);
        }
        ip_debug_set_queue_pause(60000);
        int rc = put ? ip_queue_put(q, message, length, -1) : ip_queue_take(q, buffer, sizeof buffer, &got, -1);
        _exit(rc == 0 ? 0 : 3);
    }
    close(lines[1]);
    char line[128];
    ssize_t got = read(lines[0], line, sizeof line - 1);
    CHECK(got > 0);
    line[got > 0 ? got : 0] = '\0';
    CHECK(strstr(line, put ? "pausing inside a queue put" : "pausing inside a queue take") != NULL);
    close(lines[0]);
    return child;
}

static void test_death_inside(ip_region *region) {
    SKIP_WITHOUT_ROBUST_FUTEXES();
    ip_queue *queue;
    int32_t created;
    CHECK_RC(0, ip_queue_open(region, "q-death", 256, 64, &queue, &created));
    uint8_t message[64];
    uint8_t buffer[64];
    uint64_t length;
    uint32_t producer;
    uint32_t seq;
    for (uint32_t round = 0; round < 6; round++) {
        /* A producer dies with its message written but not published: nobody sees it, the next one writes over. */
        pid_t child = pause_inside("q-death", 1, message, fill(message, 9, 1000 + round, 60));
        CHECK_RC(-ETIMEDOUT, ip_queue_put(queue, message, 8, 10000000)); /* a live holder: the lock times out */
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        CHECK(ip_queue_size(queue) == 0 && ip_queue_bytes_held(queue) == 0);
        CHECK_RC(-ETIMEDOUT, ip_queue_take(queue, buffer, sizeof buffer, &length, 0));
        CHECK_RC(0, ip_queue_put(queue, message, fill(message, 3, round, 8 + round * 9), 1000000000));
        CHECK_RC(0, ip_queue_put(queue, message, fill(message, 3, round + 100, 40), 1000000000));

        /* A consumer dies with the first message copied but not freed: the next consumer gets it. */
        child = pause_inside("q-death", 0, NULL, 0);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        CHECK(ip_queue_size(queue) == 2);
        CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, 1000000000));
        CHECK(intact(buffer, length, &producer, &seq) && producer == 3 && seq == round && length == 8 + round * 9);
        CHECK_RC(0, ip_queue_take(queue, buffer, sizeof buffer, &length, 1000000000));
        CHECK(intact(buffer, length, &producer, &seq) && producer == 3 && seq == round + 100);
    }
    CHECK(ip_queue_bytes_held(queue) == 0);
    CHECK_RC(0, ip_queue_close(queue));
}

int main(void) {
    snprintf(name, sizeof name, "ip-ctest-%d-queue", (int)getpid());
    ip_region *region;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 22, 0, 0, 0, &region));
    test_geometry_and_arguments(region);
    test_wrapping_records(region);
    test_timeouts(region);
    test_shutdown(region);
    test_damage(region);
    test_two_handles_of_one_process(region);
    test_producers_and_consumers(region);
    test_death_inside(region);
    ip_region_close(region);
    ip_region_unlink(name, NULL);
    return report("test_queue");
}
