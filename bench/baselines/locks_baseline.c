/*
 * C baselines for the locks benchmark, on the same kind of memory as SharedLock (a POSIX shared-memory
 * mapping), by 1 process (uncontended) and by 2 processes (fork) contending:
 *
 *   robust-mutex   a robust, process-shared pthread mutex (what a C program would use)
 *   c-interproc    interproc's own lock protocol from C (ip_lock_acquire / ip_lock_release)
 *
 *   locks_baseline [SECONDS [REPETITIONS]]      defaults: 3 seconds, 3 repetitions
 *
 * Operations:
 *   lockUnlock     lock, unlock (1 process)
 *   lockIncrement  lock, increment a plain shared counter, note whether the owner changed, unlock
 *                  (1 and 2 processes)
 * Output (bench/run parses it):
 *   result suite=locks impl=robust-mutex op=lockIncrement processes=2 ops_per_s=MEDIAN reps=R1,R2 owner_change=F
 * fewest_share=S owner_change is the fraction of acquisitions that went to another process than the previous one;
 * fewest_share is the least served process's operations over an equal share (1.00: perfectly even).
 * Process i is pinned to CPU i, as in the Java harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"

#include "interproc.h"

#define BATCH 256
#define MAX_PROCESSES 2
#define MAX_REPETITIONS 32

struct shared_page {
    _Alignas(64) pthread_mutex_t mutex;
    _Alignas(64) int64_t counter;
    int64_t last_owner;
    _Alignas(64) struct start_line start;
    int64_t ops[MAX_PROCESSES];
    int64_t changes[MAX_PROCESSES];
    int64_t nanos[MAX_PROCESSES];
};

enum impl { ROBUST_MUTEX, C_INTERPROC };
static const char *const impl_names[] = {"robust-mutex", "c-interproc"};

static char region_name[64];

/* The interproc lock of this process: opened per process, as a Java process would. */
struct interproc_lock {
    ip_region *region;
    uint32_t *word;
};

static struct interproc_lock open_interproc_lock(void) {
    struct interproc_lock lock;
    int32_t index;
    int32_t created;
    if (ip_region_open(region_name, NULL, 0, &lock.region) != 0 ||
        ip_slot_ensure(lock.region, "bench/lock", IP_TYPE_LOCK, IP_LOCK_SIZE, NULL, 0, NULL, 0, &index, &created) !=
            0) {
        fprintf(stderr, "locks_baseline: cannot open the interproc lock\n");
        exit(1);
    }
    lock.word = ip_slot_address(lock.region, index);
    return lock;
}

static void acquire(enum impl impl, struct shared_page *page, struct interproc_lock *lock) {
    if (impl == ROBUST_MUTEX) {
        int rc = pthread_mutex_lock(&page->mutex);
        if (rc == EOWNERDEAD) {
            pthread_mutex_consistent(&page->mutex);
        } else if (rc != 0) {
            die("pthread_mutex_lock");
        }
    } else if (ip_lock_acquire(lock->region, lock->word, -1, NULL) < 0) {
        die("ip_lock_acquire");
    }
}

static void release(enum impl impl, struct shared_page *page, struct interproc_lock *lock) {
    if (impl == ROBUST_MUTEX) {
        pthread_mutex_unlock(&page->mutex);
    } else {
        ip_lock_release(lock->region, lock->word);
    }
}

/* One measurement: what every participating process needs. */
struct measurement {
    struct shared_page *page;
    enum impl impl;
    int increment;
    int processes;
    double seconds;
};

static void participate(int index, void *context) {
    const struct measurement *m = context;
    struct shared_page *page = m->page;
    const enum impl impl = m->impl;
    const int increment = m->increment;
    pin_to_cpu(index);
    struct interproc_lock lock = {0};
    if (impl == C_INTERPROC) {
        lock = open_interproc_lock();
    }
    start_together(&page->start, index, m->processes);
    int64_t me = index + 1;
    int64_t ops = 0;
    int64_t changes = 0;
    int64_t start = now_ns();
    int64_t deadline = start + (int64_t)(m->seconds * 1e9);
    do {
        for (int i = 0; i < BATCH; i++) {
            acquire(impl, page, &lock);
            if (increment) {
                page->counter++;
                if (page->last_owner != me) {
                    changes++;
                    page->last_owner = me;
                }
            }
            release(impl, page, &lock);
        }
        ops += BATCH;
    } while (now_ns() < deadline);
    page->nanos[index] = now_ns() - start;
    page->ops[index] = ops;
    page->changes[index] = changes;
    if (impl == C_INTERPROC) {
        ip_region_close(lock.region);
    }
}

static void init_mutex(pthread_mutex_t *mutex) {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
}

/* Runs one repetition; adds each process's operations to served[] and returns the total ops/s. */
static double measure(struct shared_page *page, enum impl impl, int increment, int processes, double seconds,
                      double *owner_change, int64_t *served) {
    init_mutex(&page->mutex);
    page->counter = 0;
    page->last_owner = 0;
    struct measurement m = {page, impl, increment, processes, seconds};
    run_processes("locks_baseline", &page->start, processes, participate, &m);
    int64_t total_ops = 0;
    int64_t total_changes = 0;
    double ops_per_s = 0;
    for (int i = 0; i < processes; i++) {
        ops_per_s += (double)page->ops[i] * 1e9 / (double)page->nanos[i];
        total_ops += page->ops[i];
        total_changes += page->changes[i];
        served[i] += page->ops[i];
    }
    if (increment && page->counter != total_ops) {
        fprintf(stderr, "locks_baseline: %s lost updates: counter %lld, operations %lld\n", impl_names[impl],
                (long long)page->counter, (long long)total_ops);
        exit(1);
    }
    *owner_change = total_ops == 0 ? 0 : (double)total_changes / (double)total_ops;
    return ops_per_s;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    int repetitions = argc > 2 ? atoi(argv[2]) : 3;
    if (seconds <= 0 || repetitions < 1 || repetitions > MAX_REPETITIONS) {
        fprintf(stderr, "usage: locks_baseline [SECONDS > 0 [REPETITIONS 1-%d]]\n", MAX_REPETITIONS);
        return 2;
    }
    snprintf(region_name, sizeof region_name, "ip-bench-c-locks-%d", (int)getpid());
    ip_region *region;
    if (ip_region_create(region_name, NULL, 1 << 20, 0, 0, 0, &region) != 0) {
        fprintf(stderr, "locks_baseline: cannot create region %s\n", region_name);
        return 1;
    }
    struct shared_page *page = map_shared_page("ip-bench-c-page", sizeof(struct shared_page));

    printf("# C locks on shared memory, %.1f s x %d repetitions, median reported\n", seconds, repetitions);
    struct {
        const char *op;
        int increment;
        int processes;
    } cases[] = {{"lockUnlock", 0, 1}, {"lockIncrement", 1, 1}, {"lockIncrement", 1, 2}};
    for (int impl = ROBUST_MUTEX; impl <= C_INTERPROC; impl++) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            double results[MAX_REPETITIONS];
            double changes[MAX_REPETITIONS];
            int64_t served[MAX_PROCESSES] = {0};
            char reps[MAX_REPETITIONS * 24] = "";
            for (int r = 0; r < repetitions; r++) {
                results[r] = measure(page, (enum impl)impl, cases[c].increment, cases[c].processes, seconds,
                                     &changes[r], served);
                snprintf(reps + strlen(reps), sizeof reps - strlen(reps), "%s%.0f", r == 0 ? "" : ",", results[r]);
            }
            double change = 0;
            for (int r = 0; r < repetitions; r++) {
                change += changes[r] / repetitions;
            }
            double served_amounts[MAX_PROCESSES];
            for (int i = 0; i < cases[c].processes; i++) {
                served_amounts[i] = (double)served[i];
            }
            printf("result suite=locks impl=%s op=%s processes=%d ops_per_s=%.0f reps=%s owner_change=%.3f"
                   " fewest_share=%.2f\n",
                   impl_names[impl], cases[c].op, cases[c].processes, median(results, repetitions), reps, change,
                   fewest_share(served_amounts, cases[c].processes));
            fflush(stdout);
        }
    }
    munmap(page, sizeof *page);
    ip_region_close(region);
    ip_region_unlink(region_name, NULL);
    return 0;
}
