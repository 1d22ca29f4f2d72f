/*
 * The lock protocol (docs/layout.md, "Lock protocol"): a 32-bit word holding the owner
 * token of the holding process, taken with compare-and-set, released with
 * compare-and-set, slept on with futexes. A waiter re-checks the owner's liveness every
 * IP_LOCK_WAIT_SLICE_NS, so the death of an owner never strands it. The Java binding
 * runs the same protocol on the same words.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int ip_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    if (word == NULL) {
        return IP_EARG;
    }
    struct timespec timeout;
    struct timespec *limit = NULL;
    if (timeout_ns >= 0) {
        timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
        timeout.tv_nsec = (long)(timeout_ns % 1000000000);
        limit = &timeout;
    }
    /* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
    long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, limit, NULL, 0);
    return rc == 0 ? 0 : -errno;
}

int ip_futex_wake(uint32_t *word, int32_t count) {
    if (word == NULL || count < 1) {
        return IP_EARG;
    }
    long rc = syscall(SYS_futex, word, FUTEX_WAKE, count, NULL, NULL, 0);
    return rc < 0 ? -errno : (int)rc;
}

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/*
 * The spin before sleeping (interproc.h, IP_LOCK_SPIN_NS): one look at the word per IP_LOCK_SPIN_POLL_NS, for
 * up to IP_LOCK_SPIN_NS or the timeout if shorter. Returns 1 if it took the word.
 */
static int spin(_Atomic uint32_t *lock, uint32_t me, int64_t timeout_ns) {
    uint64_t now = monotonic_ns();
    const uint64_t end =
        now + (timeout_ns >= 0 && timeout_ns < IP_LOCK_SPIN_NS ? (uint64_t)timeout_ns : IP_LOCK_SPIN_NS);
    for (;;) {
        uint32_t seen = 0;
        if (atomic_load_explicit(lock, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(lock, &seen, me, memory_order_acquire, memory_order_relaxed)) {
            return 1;
        }
        const uint64_t next_poll = now + IP_LOCK_SPIN_POLL_NS;
        if (next_poll > end) {
            return 0;
        }
        do {
            cpu_relax();
            now = monotonic_ns();
        } while (now < next_poll);
    }
}

static int acquired(uint32_t *word, uint64_t *fence, int result) {
    _Atomic uint64_t *fence_word = (_Atomic uint64_t *)((uint8_t *)word + IP_LOCK_FENCE_OFFSET);
    uint64_t token = atomic_load_explicit(fence_word, memory_order_relaxed) + 1;
    atomic_store_explicit(fence_word, token, memory_order_relaxed);
    if (fence != NULL) {
        *fence = token;
    }
    return result;
}

int ip_lock_acquire(ip_region *region, uint32_t *word, int64_t timeout_ns, uint64_t *fence) {
    /* 8-aligned, not just 4: the 64-bit fencing token at word + 8 is accessed atomically. */
    if (region == NULL || word == NULL || ((uintptr_t)word & 7u) != 0) {
        return IP_EARG;
    }
    _Atomic uint32_t *lock = (_Atomic uint32_t *)word;
    const uint32_t me = ip_region_owner_token(region);
    if (me == 0) {
        return IP_EARG; /* an inspecting handle (ip_region_inspect) owns nothing */
    }
    uint32_t seen = 0;
    if (atomic_compare_exchange_strong_explicit(lock, &seen, me, memory_order_acquire, memory_order_relaxed)) {
        return acquired(word, fence, 0);
    }
    const uint64_t start = monotonic_ns();
    if (spin(lock, me, timeout_ns)) {
        return acquired(word, fence, 0);
    }
    int check_owner = 1;
    for (;;) {
        uint32_t value = atomic_load_explicit(lock, memory_order_acquire);
        if (value == 0) {
            /* Others may sleep here still: keep the waiters bit so that our release wakes them. */
            if (atomic_compare_exchange_strong_explicit(lock, &value, me | IP_LOCK_WAITERS, memory_order_acquire,
                                                        memory_order_relaxed)) {
                return acquired(word, fence, 0);
            }
            continue;
        }
        uint32_t owner = value & ~IP_LOCK_WAITERS;
        if (owner == me) {
            return -EDEADLK;
        }
        if (check_owner) {
            check_owner = 0;
            int alive = ip_owner_alive(region, owner);
            if (alive < 0) {
                return alive;
            }
            if (alive == 0) {
                if (atomic_compare_exchange_strong_explicit(lock, &value, me | (value & IP_LOCK_WAITERS),
                                                            memory_order_acquire, memory_order_relaxed)) {
                    return acquired(word, fence, IP_EOWNERDEAD);
                }
                continue;
            }
        }
        int64_t slice = IP_LOCK_WAIT_SLICE_NS;
        if (timeout_ns >= 0) {
            int64_t remaining = timeout_ns - (int64_t)(monotonic_ns() - start);
            if (remaining <= 0) {
                return -ETIMEDOUT;
            }
            slice = remaining < slice ? remaining : slice;
        }
        /* Announced only by a waiter about to sleep: a release that sees the bit pays for a futex wake. */
        if ((value & IP_LOCK_WAITERS) == 0) {
            if (!atomic_compare_exchange_strong_explicit(lock, &value, value | IP_LOCK_WAITERS, memory_order_relaxed,
                                                         memory_order_relaxed)) {
                continue;
            }
            value |= IP_LOCK_WAITERS;
        }
        if (ip_futex_wait(word, value, slice) == -ETIMEDOUT) {
            check_owner = 1;
        }
    }
}

int ip_lock_release(ip_region *region, uint32_t *word) {
    if (region == NULL || word == NULL || ((uintptr_t)word & 7u) != 0) {
        return IP_EARG;
    }
    _Atomic uint32_t *lock = (_Atomic uint32_t *)word;
    const uint32_t me = ip_region_owner_token(region);
    uint32_t value = atomic_load_explicit(lock, memory_order_relaxed);
    do {
        if ((value & ~IP_LOCK_WAITERS) != me) {
            return -EPERM;
        }
    } while (!atomic_compare_exchange_weak_explicit(lock, &value, 0, memory_order_release, memory_order_relaxed));
    if (value & IP_LOCK_WAITERS) {
        ip_futex_wake(word, 1);
    }
    return 0;
}
