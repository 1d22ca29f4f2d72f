/*
 * Tests of the lock protocol in C: mutual exclusion between processes, owner death,
 * timeouts and misuse. Run under ctest with AddressSanitizer and UndefinedBehaviorSanitizer.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "interproc.h"

struct guarded {
    uint32_t lock[IP_LOCK_SIZE / 4];
    int64_t counter;
};

static char name[64];

static struct guarded *open_guarded(ip_region **region) {
    CHECK_RC(0, ip_region_open(name, NULL, 0, region));
    int32_t index;
    int32_t created;
    CHECK_RC(0, ip_slot_ensure(*region, "guarded", IP_TYPE_LOCK, sizeof(struct guarded), NULL, 0, NULL, 0, &index,
                               &created));
    return ip_slot_address(*region, index);
}

static void test_mutual_exclusion(void) {
    enum { CHILDREN = 3, ROUNDS = 100000 };
    ip_region *region;
    struct guarded *shared = open_guarded(&region);
    pid_t children[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        children[c] = fork();
        if (children[c] == 0) {
            ip_region *mine;
            struct guarded *g = open_guarded(&mine);
            for (int i = 0; i < ROUNDS; i++) {
                if (ip_lock_acquire(mine, g->lock, -1, NULL) != 0) {
                    _exit(2);
                }
                g->counter++; /* plain, non-atomic: only the lock protects it */
                if (ip_lock_release(mine, g->lock) != 0) {
                    _exit(3);
                }
            }
            ip_region_close(mine);
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) {
        int status;
        waitpid(children[c], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(shared->counter == (int64_t)CHILDREN * ROUNDS);
    CHECK(shared->lock[0] == 0);
    ip_region_close(region);
}

static void test_misuse_and_timeout(void) {
    ip_region *region;
    struct guarded *shared = open_guarded(&region);
    uint64_t first = 0;
    uint64_t second = 0;
    CHECK_RC(-EPERM, ip_lock_release(region, shared->lock));
    CHECK_RC(0, ip_lock_acquire(region, shared->lock, 0, &first));
    CHECK_RC(-EDEADLK, ip_lock_acquire(region, shared->lock, 1000000, NULL));
    ip_region *other;
    open_guarded(&other);
    CHECK_RC(-ETIMEDOUT, ip_lock_acquire(other, shared->lock, 20000000, NULL));
    CHECK_RC(-EPERM, ip_lock_release(other, shared->lock));
    CHECK_RC(0, ip_lock_release(region, shared->lock));
    CHECK_RC(0, ip_lock_acquire(other, shared->lock, 0, &second));
    CHECK(second == first + 1);
    CHECK_RC(0, ip_lock_release(other, shared->lock));
    CHECK_RC(IP_EARG, ip_lock_acquire(region, (uint32_t *)((char *)shared->lock + 1), 0, NULL));
    /* 4-aligned but not 8: the 64-bit fencing token beside the word would be misaligned. */
    CHECK_RC(IP_EARG, ip_lock_acquire(region, shared->lock + 1, 0, NULL));
    CHECK_RC(IP_EARG, ip_lock_release(region, shared->lock + 1));
    ip_region_close(other);
    ip_region_close(region);
}

static int64_t elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* An owner killed while holding the lock: a waiter gets it promptly and is told. */
static void test_owner_death(void) {
    SKIP_WITHOUT_ROBUST_FUTEXES();
    ip_region *region;
    struct guarded *shared = open_guarded(&region);
    for (int round = 0; round < 20; round++) {
        int ready[2];
        CHECK(pipe(ready) == 0);
        pid_t child = fork();
        if (child == 0) {
            ip_region *mine;
            struct guarded *g = open_guarded(&mine);
            if (ip_lock_acquire(mine, g->lock, -1, NULL) < 0) {
                _exit(2);
            }
            g->counter = round;
            if (write(ready[1], "x", 1) != 1) {
                _exit(3);
            }
            pause();
            _exit(0);
        }
        char byte;
        CHECK(read(ready[0], &byte, 1) == 1);
        close(ready[0]);
        close(ready[1]);
        /* Half the rounds wait before the kill, half start after it. */
        if (round % 2 == 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        } else {
            CHECK_RC(-ETIMEDOUT, ip_lock_acquire(region, shared->lock, 5000000, NULL));
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        }
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        CHECK_RC(IP_EOWNERDEAD, ip_lock_acquire(region, shared->lock, 1000000000, NULL));
        CHECK(elapsed_ms(&start) < 50);
        CHECK(shared->counter == round);
        CHECK_RC(0, ip_lock_release(region, shared->lock));
        CHECK_RC(0, ip_lock_acquire(region, shared->lock, 0, NULL));
        CHECK_RC(0, ip_lock_release(region, shared->lock));
    }
    ip_region_close(region);
}

int main(void) {
    snprintf(name, sizeof name, "ip-ctest-%d-lock", (int)getpid());
    ip_region *creator;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &creator));
    test_misuse_and_timeout();
    test_mutual_exclusion();
    test_owner_death();
    ip_region_close(creator);
    ip_region_unlink(name, NULL);
    return report("test_lock");
}
