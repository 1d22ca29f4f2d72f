/* What the C baselines of the benchmarks share: clock, CPU pinning, a shared page, running N processes, medians. */
#ifndef INTERPROC_BASELINE_H
#define INTERPROC_BASELINE_H

#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline int64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static inline void die(const char *what) {
    perror(what);
    exit(1);
}

/* Pins the calling process to CPU index (mod the CPUs online), as the Java workers pin themselves. */
static inline void pin_to_cpu(int index) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(index % (int)sysconf(_SC_NPROCESSORS_ONLN), &cpus);
    if (sched_setaffinity(0, sizeof cpus, &cpus) != 0) {
        die("sched_setaffinity");
    }
}

/* A zeroed POSIX shared-memory mapping of size bytes, already unlinked: it lives while mapped. */
static inline void *map_shared_page(const char *prefix, size_t size) {
    char name[64];
    snprintf(name, sizeof name, "/%s-%d", prefix, (int)getpid());
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        die("shm_open");
    }
    shm_unlink(name);
    if (ftruncate(fd, (off_t)size) != 0) {
        die("ftruncate");
    }
    void *page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (page == MAP_FAILED) {
        die("mmap");
    }
    close(fd);
    return page;
}

/* Where the processes of one measurement meet, in their shared page, so that they start measuring together. */
struct start_line {
    _Atomic int32_t arrived;
    _Atomic int32_t go;
};

/* Spins until all processes have arrived; the first process then starts them all at once. */
static inline void start_together(struct start_line *line, int index, int processes) {
    atomic_fetch_add(&line->arrived, 1);
    while (atomic_load(&line->arrived) < processes) {
    }
    if (index == 0) {
        atomic_store(&line->go, 1);
    }
    while (atomic_load(&line->go) == 0) {
    }
}

#define MAX_PARTICIPANTS 64

/*
 * Runs participant(index, context) as processes processes (1 to MAX_PARTICIPANTS): index 0 in this one, the others
 * forked, after resetting the start line they meet at. Returns once all are done; exits the program, naming it,
 * if a forked one failed.
 */
static inline void run_processes(const char *program, struct start_line *line, int processes,
                                 void (*participant)(int index, void *context), void *context) {
    atomic_store(&line->arrived, 0);
    atomic_store(&line->go, 0);
    pid_t children[MAX_PARTICIPANTS];
    for (int i = 1; i < processes; i++) {
        children[i] = fork();
        if (children[i] < 0) {
            die("fork");
        }
        if (children[i] == 0) {
            participant(i, context);
            _exit(0);
        }
    }
    participant(0, context);
    for (int i = 1; i < processes; i++) {
        int status;
        if (waitpid(children[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "%s: a benchmark process failed\n", program);
            exit(1);
        }
    }
}

static inline int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of n figures (n >= 1); sorts a copy. */
static inline double median(const double *figures, int n) {
    double sorted[64];
    for (int i = 0; i < n && i < 64; i++) {
        sorted[i] = figures[i];
    }
    qsort(sorted, (size_t)n, sizeof sorted[0], compare_doubles);
    return sorted[n / 2];
}

/* The least served of n processes' amounts (operations, or rates) over an equal share of their total:
 * 1.00 when all got the same, 0 when one got nothing. */
static inline double fewest_share(const double *amounts, int n) {
    double total = 0;
    double fewest = amounts[0];
    for (int i = 0; i < n; i++) {
        total += amounts[i];
        fewest = amounts[i] < fewest ? amounts[i] : fewest;
    }
    return total > 0 ? fewest * n / total : 0;
}

#endif /* INTERPROC_BASELINE_H */
