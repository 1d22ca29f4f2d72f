/* Clocks, sleeping, and this process's start time: the few time facts the region code needs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

uint64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

uint64_t monotonic_ms(void) {
    return monotonic_ns() / 1000000u;
}

uint64_t realtime_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

void sleep_ms(uint32_t ms) {
    struct timespec delay = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
    }
}

/* Field 22 of /proc/self/stat: start time in clock ticks since boot; 0 if unreadable. */
uint64_t own_start_time(void) {
    char buffer[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t length = read(fd, buffer, sizeof buffer - 1);
    close(fd);
    if (length <= 0) {
        return 0;
    }
    buffer[length] = '\0';
    /* The command name (field 2) may hold spaces and parentheses: count from the last ')'. */
    char *cursor = strrchr(buffer, ')');
    if (cursor == NULL) {
        return 0;
    }
    for (int field = 2; field < 22 && cursor != NULL; field++) {
        cursor = strchr(cursor + 1, ' ');
    }
    return cursor == NULL ? 0 : strtoull(cursor + 1, NULL, 10);
}
