/*
 * The robust, process-shared mutexes of a region: the directory mutex and the liveness mutexes.
 * Their bytes live in the region, so another process may have written anything into them: a
 * kind glibc would treat otherwise is refused, and every wait is bounded by the handle's timeout.
 * The kernel releases a dead thread's robust mutexes (EOWNERDEAD), but not a word that names a
 * thread which never held it, which only a bounded wait survives.
 */
#include <errno.h>
#include <time.h>

#include "internal.h"

int robust_mutex_init(pthread_mutex_t *mutex) {
    pthread_mutexattr_t attributes;
    int rc = pthread_mutexattr_init(&attributes);
    if (rc == 0) {
        rc = pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    }
    if (rc == 0) {
        rc = pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    }
    if (rc == 0) {
        rc = pthread_mutex_init(mutex, &attributes);
    }
    pthread_mutexattr_destroy(&attributes);
    return -rc;
}

/*
 * Takes a robust mutex of the region: 0, IP_ECORRUPT for a mutex of another kind, or IP_ESTUCK
 * when it stays locked for the handle's timeout. A dead previous owner is not an error for the
 * structures these mutexes guard: every update is published by one final store
 * (docs/layout.md), so what a dead owner left half-written is invisible, and the mutex is made
 * consistent again.
 */
int region_mutex_lock(const ip_region *region, pthread_mutex_t *mutex) {
    /* A truncated object faults inside glibc, where the JVM cannot turn SIGBUS into an exception. */
    if (check_mapping(region, NULL) != 0 || check_mutex(mutex, "", NULL) != 0) {
        return IP_ECORRUPT;
    }
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += region->timeout_ms / 1000;
    deadline.tv_nsec += (long)(region->timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    int rc = pthread_mutex_clocklock(mutex, CLOCK_MONOTONIC, &deadline);
    if (rc == EOWNERDEAD) {
        rc = pthread_mutex_consistent(mutex);
    }
    if (rc == ETIMEDOUT || rc == EDEADLK) {
        return IP_ESTUCK;
    }
    return -rc;
}

int directory_lock(ip_region *region) {
    return region_mutex_lock(region, &header_of(region)->directory_mutex);
}

void directory_unlock(ip_region *region) {
    pthread_mutex_unlock(&header_of(region)->directory_mutex);
}
