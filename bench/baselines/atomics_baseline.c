/*
 * C11 baseline for the atomics benchmark: the operations SharedLong performs, done by plain C on
 * the same kind of memory (a 64-byte-aligned 64-bit word in a POSIX shared-memory mapping), by
 * 1 process (uncontended) and by 2 processes (fork) hammering the same word.
 *
 *   atomics_baseline [SECONDS [REPETITIONS [OPERATION PROCESSES]]]
 *
 * Defaults: 3 seconds, 3 repetitions, every operation by 1 and by 2 processes; OPERATION and
 * PROCESSES select one figure (bench/run alternates C and Java repetitions that way).
 *
 * Every operation is seq_cst, like SharedLong's volatile get/set and its read-modify-writes:
 *   get           atomic_load
 *   set           atomic_store
 *   getAndAdd     atomic_fetch_add(1)
 *   compareAndSet one successful increment by atomic_compare_exchange_strong, retried on failure
 *
 * Output, one line per operation and process count (bench/run parses it; "#" lines are comments):
 *   result suite=atomics impl=c op=getAndAdd processes=2 ops_per_s=MEDIAN reps=R1,R2,R3 fewest_share=S
 * ops_per_s is the total over all processes: operations (successful ones, for compareAndSet) per second.
 * fewest_share is, over the repetitions, the lowest of the slowest process's rate over an equal share of
 * the total: well below 1 means a process was held off its CPU (by the host, on a VM) for part of the
 * time, so the other ran alone and the total overstates contended throughput.
 * Process i is pinned to CPU i (mod the CPUs online), so that 2 contending processes always run on
 * 2 CPUs and move the word's cache line between them, rather than sometimes taking turns on one.
 */
#include <fcntl.h>
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

/* Operations between two looks at the clock; the same batch as the Java harness. */
#define BATCH 4096
#define MAX_PROCESSES 2
#define MAX_REPETITIONS 32

/* The shared page: the benchmarked word on its own cache line, then the start barrier and results. */
struct shared_page {
    _Alignas(64) _Atomic int64_t word;
    _Alignas(64) struct start_line start;
    int64_t ops[MAX_PROCESSES];
    int64_t nanos[MAX_PROCESSES];
};

enum operation { OP_GET, OP_SET, OP_GET_AND_ADD, OP_COMPARE_AND_SET };
static const char *const operation_names[] = {"get", "set", "getAndAdd", "compareAndSet"};

/* Where loads go, so that the compiler cannot drop them. */
static volatile int64_t sink;

/* Runs one operation until the deadline; returns how many it completed. */
static int64_t run(enum operation op, _Atomic int64_t *word, int64_t deadline) {
    int64_t ops = 0;
    int64_t sum = 0;
    int64_t value = 0;
    do {
        switch (op) {
        case OP_GET:
            for (int i = 0; i < BATCH; i++) {
                sum += atomic_load(word);
            }
            break;
        case OP_SET:
            for (int i = 0; i < BATCH; i++) {
                atomic_store(word, value++);
            }
            break;
        case OP_GET_AND_ADD:
            for (int i = 0; i < BATCH; i++) {
                sum += atomic_fetch_add(word, 1);
            }
            break;
        case OP_COMPARE_AND_SET:
            value = atomic_load(word);
            for (int i = 0; i < BATCH; i++) {
                while (!atomic_compare_exchange_strong(word, &value, value + 1)) {
                    /* value now holds the witnessed word: retry from there */
                }
                value++;
            }
            break;
        }
        ops += BATCH;
    } while (now_ns() < deadline);
    sink = sum;
    return ops;
}

/* One measurement: what every participating process needs. */
struct measurement {
    struct shared_page *page;
    int processes;
    enum operation op;
    double seconds;
};

/* One participant: warm up alone, wait for the others, measure, record. */
static void participate(int index, void *context) {
    const struct measurement *m = context;
    pin_to_cpu(index);
    run(m->op, &m->page->word, now_ns() + 200000000);
    start_together(&m->page->start, index, m->processes);
    int64_t start = now_ns();
    m->page->ops[index] = run(m->op, &m->page->word, start + (int64_t)(m->seconds * 1e9));
    m->page->nanos[index] = now_ns() - start;
}

/* Total operations per second; *share receives the slowest process's rate over an equal share. */
static double measure(struct shared_page *page, int processes, enum operation op, double seconds, double *share) {
    atomic_store(&page->word, 0);
    struct measurement m = {page, processes, op, seconds};
    run_processes("atomics_baseline", &page->start, processes, participate, &m);
    double rates[MAX_PROCESSES];
    double ops_per_s = 0;
    for (int i = 0; i < processes; i++) {
        rates[i] = (double)page->ops[i] * 1e9 / (double)page->nanos[i];
        ops_per_s += rates[i];
    }
    *share = fewest_share(rates, processes);
    return ops_per_s;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    int repetitions = argc > 2 ? atoi(argv[2]) : 3;
    int only_operation = -1;
    int only_processes = 0;
    if (argc > 4) {
        for (int op = OP_GET; op <= OP_COMPARE_AND_SET; op++) {
            if (strcmp(argv[3], operation_names[op]) == 0) {
                only_operation = op;
            }
        }
        only_processes = atoi(argv[4]);
    }
    if (seconds <= 0 || repetitions < 1 || repetitions > MAX_REPETITIONS || argc == 4 ||
        (argc > 4 && (only_operation < 0 || only_processes < 1 || only_processes > MAX_PROCESSES))) {
        fprintf(stderr,
                "usage: atomics_baseline [SECONDS > 0 [REPETITIONS 1-%d [OPERATION PROCESSES]]]\n"
                "OPERATION: get, set, getAndAdd or compareAndSet; PROCESSES: 1 or 2\n",
                MAX_REPETITIONS);
        return 2;
    }
    struct shared_page *page = map_shared_page("ip-bench-c", sizeof(struct shared_page));

    printf("# C11 atomics on a shm word, %.1f s x %d repetitions, median reported\n", seconds, repetitions);
    for (int processes = 1; processes <= MAX_PROCESSES; processes++) {
        for (int op = OP_GET; op <= OP_COMPARE_AND_SET; op++) {
            if ((only_operation >= 0 && op != only_operation) || (only_processes > 0 && processes != only_processes)) {
                continue;
            }
            double results[MAX_REPETITIONS];
            char reps[MAX_REPETITIONS * 24] = "";
            double lowest_share = 1;
            for (int r = 0; r < repetitions; r++) {
                double share = 1;
                results[r] = measure(page, processes, (enum operation)op, seconds, &share);
                lowest_share = share < lowest_share ? share : lowest_share;
                snprintf(reps + strlen(reps), sizeof reps - strlen(reps), "%s%.0f", r == 0 ? "" : ",", results[r]);
            }
            printf("result suite=atomics impl=c op=%s processes=%d ops_per_s=%.0f reps=%s fewest_share=%.2f\n",
                   operation_names[op], processes, median(results, repetitions), reps, lowest_share);
            fflush(stdout);
        }
    }
    munmap(page, sizeof *page);
    return 0;
}
