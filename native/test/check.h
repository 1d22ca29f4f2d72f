/* The assertion macros of the C tests: a failed check is reported and counted, the test goes on. */
#ifndef INTERPROC_TEST_CHECK_H
#define INTERPROC_TEST_CHECK_H

#include <stdio.h>

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
