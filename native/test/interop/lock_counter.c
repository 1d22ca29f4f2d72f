/*
 * A C program that shares a SharedLock with Java processes (CrossProcessLockTest):
 *   lock_counter REGION ROUNDS
 * opens the region, prints READY, waits for GO on standard input, then ROUNDS times locks
 * "lock", increments the plain counter of the long array "counter", unlocks; prints DONE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interproc.h"

static int fail(const char *what, int rc) {
    fprintf(stderr, "lock_counter: %s: %s\n", what, ip_strerror(rc));
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: lock_counter REGION ROUNDS\n");
        return 2;
    }
    long rounds = strtol(argv[2], NULL, 10);
    ip_region *region;
    int rc = ip_region_open(argv[1], NULL, 0, &region);
    if (rc != 0) {
        return fail("open", rc);
    }
    int32_t lock_index;
    int32_t counter_index;
    int32_t created;
    if ((rc = ip_slot_ensure(region, "lock", IP_TYPE_LOCK, IP_LOCK_SIZE, NULL, 0, NULL, 0, &lock_index, &created)) !=
            0 ||
        (rc = ip_slot_ensure(region, "counter", IP_TYPE_INT64_ARRAY, 8, NULL, 0, NULL, 0, &counter_index, &created)) !=
            0) {
        return fail("slot", rc);
    }
    uint32_t *lock = ip_slot_address(region, lock_index);
    volatile int64_t *counter = ip_slot_address(region, counter_index);
    printf("READY\n");
    fflush(stdout);
    char line[16];
    if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "GO", 2) != 0) {
        return fail("expected GO", 0);
    }
    for (long i = 0; i < rounds; i++) {
        if ((rc = ip_lock_acquire(region, lock, -1, NULL)) != 0) {
            return fail("acquire", rc);
        }
        *counter = *counter + 1;
        if ((rc = ip_lock_release(region, lock)) != 0) {
            return fail("release", rc);
        }
    }
    ip_region_close(region);
    printf("DONE\n");
    return 0;
}
