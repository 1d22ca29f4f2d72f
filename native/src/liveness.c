/*
 * Liveness (docs/layout.md, "Attach protocol"): an attached process holds the robust mutex of
 * its process-table entry for as long as it is attached, from a thread of its own, so the kernel
 * releases it (EOWNERDEAD) whatever way the process dies, and others probe it without blocking.
 */
#include <errno.h>
#include <signal.h>

#include "internal.h"

enum { HOLDER_STARTING, HOLDER_HOLDING, HOLDER_RELEASE, HOLDER_ABANDON };

static void *hold_liveness(void *argument) {
    ip_region *region = argument;
    pthread_mutex_t *liveness = &process_entry(region, region->process_index)->liveness;
    /* Under the directory mutex nobody holds a free entry's mutex but, for a moment, a prober; bounded all the same. */
    int rc = region_mutex_lock(region, liveness);

    pthread_mutex_lock(&region->holder_lock);
    region->holder_result = rc;
    region->holder_state = HOLDER_HOLDING;
    pthread_cond_broadcast(&region->holder_cond);
    while (region->holder_state != HOLDER_RELEASE && region->holder_state != HOLDER_ABANDON) {
        pthread_cond_wait(&region->holder_cond, &region->holder_lock);
    }
    int release = region->holder_state == HOLDER_RELEASE;
    pthread_mutex_unlock(&region->holder_lock);

    if (rc == 0 && release) {
        pthread_mutex_unlock(liveness);
    }
    return NULL;
}

/*
 * Starts the thread that holds the liveness mutex of region->process_index: 0 once it holds it,
 * else an error code, and then no thread is left running.
 */
int holder_start(ip_region *region) {
    pthread_attr_t attributes;
    sigset_t all_signals;
    sigset_t previous;
    int rc = pthread_attr_init(&attributes);
    if (rc != 0) {
        return -rc;
    }
    pthread_attr_setstacksize(&attributes, 64 * 1024);
    region->holder_state = HOLDER_STARTING;
    /* The holder never handles a signal: the host process (a JVM) keeps them all. */
    sigfillset(&all_signals);
    pthread_sigmask(SIG_BLOCK, &all_signals, &previous);
    rc = pthread_create(&region->holder, &attributes, hold_liveness, region);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
    if (rc != 0) {
        return -rc;
    }
    pthread_mutex_lock(&region->holder_lock);
    while (region->holder_state == HOLDER_STARTING) {
        pthread_cond_wait(&region->holder_cond, &region->holder_lock);
    }
    rc = region->holder_result;
    pthread_mutex_unlock(&region->holder_lock);
    if (rc != 0) {
        holder_stop(region, 1);
    }
    return rc;
}

/*
 * Makes the holder thread release the liveness mutex, or leave it locked (release = 0: the object
 * was truncated, and unlocking would fault; the kernel marks it when the thread ends), and waits
 * for its end.
 */
void holder_stop(ip_region *region, int release) {
    pthread_mutex_lock(&region->holder_lock);
    region->holder_state = release ? HOLDER_RELEASE : HOLDER_ABANDON;
    pthread_cond_broadcast(&region->holder_cond);
    pthread_mutex_unlock(&region->holder_lock);
    pthread_join(region->holder, NULL);
}

/*
 * Whether the liveness mutex of an entry is held, that is, its process lives: 1 held, 0 not
 * (its holder died, and the kernel marked it EOWNERDEAD, or it was never taken or was
 * released), IP_ECORRUPT if it is no robust mutex, or another negative error code. Never blocks; leaves the mutex
 * unlocked and consistent.
 */
int liveness_held(struct ip_process_entry *entry) {
    if (check_mutex(&entry->liveness, "", NULL) != 0) {
        return IP_ECORRUPT;
    }
    int rc = pthread_mutex_trylock(&entry->liveness);
    if (rc == EBUSY) {
        return 1;
    }
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(&entry->liveness);
        rc = 0;
    }
    if (rc != 0) {
        return -rc;
    }
    pthread_mutex_unlock(&entry->liveness);
    return 0;
}
