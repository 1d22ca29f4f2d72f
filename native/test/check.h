/* The assertion macros of the C tests: a failed check is reported and counted, the test goes on. */
#ifndef INTERPROC_TEST_CHECK_H
#define INTERPROC_TEST_CHECK_H

#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "interproc.h"

static int failures;

#define CHECK(condition)                                                                                               \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);                              \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

#define CHECK_RC(expected, actual)                                                                                     \
    do {                                                                                                               \
        int actual_rc = (actual);                                                                                      \
        if (actual_rc != (expected)) {                                                                                 \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d (%s)\n", __FILE__, __LINE__, #actual, actual_rc,  \
                    ip_strerror(actual_rc), (expected), ip_strerror(expected));                                        \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

/*
 * Whether the kernel will walk this thread's robust futex list when it dies, which is how a dead owner (of a lock,
 * of the directory mutex, of a process-table entry's liveness) is noticed. qemu's user-mode emulator, which runs the
 * aarch64 tests, cannot translate that list and answers ENOSYS, so there the owner-death tests are skipped, saying so.
 */
static inline int robust_futexes_available(void) {
    void *head;
    size_t length;
    return syscall(SYS_get_robust_list, 0, &head, &length) == 0;
}

#define SKIP_WITHOUT_ROBUST_FUTEXES()                                                                                  \
    do {                                                                                                               \
        if (!robust_futexes_available()) {                                                                             \
            printf("%s: skipped, no robust futex list here (qemu-user?)\n", __func__);                                 \
            return;                                                                                                    \
        }                                                                                                              \
    } while (0)

/* The exit status of a test program: prints the verdict. */
static inline int report(const char *test) {
    if (failures > 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", test, failures);
        return 1;
    }
    printf("%s: all checks passed\n", test);
    return 0;
}

#endif /* INTERPROC_TEST_CHECK_H */
