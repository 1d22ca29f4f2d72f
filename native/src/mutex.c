/* The robust, process-shared mutexes of a region: the directory mutex and the liveness mutexes. */
#include <errno.h>

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
 * Takes a robust mutex. A dead previous owner is not an error for the structures these
 * mutexes guard: every update is published by one final store (docs/layout.md), so what
 * a dead owner left half-written is invisible, and the mutex is made consistent again.
 */
int robust_mutex_lock(pthread_mutex_t *mutex) {
    int rc = pthread_mutex_lock(mutex);
    if (rc == EOWNERDEAD) {
        rc = pthread_mutex_consistent(mutex);
    }
    return -rc;
}

int directory_lock(ip_region *region) {
    return robust_mutex_lock(&header_of(region)->directory_mutex);
}

void directory_unlock(ip_region *region) {
    pthread_mutex_unlock(&header_of(region)->directory_mutex);
}
