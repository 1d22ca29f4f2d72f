/*
 * The named object of a region: a POSIX shared-memory object (shm_open), or a file in a
 * directory on a tmpfs when the caller names one (docs/layout.md, "The object").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Opens the object of a region: shm_open, or openat in dir. Returns an fd or -errno. */
int object_open(const char *name, const char *dir, int flags, mode_t mode) {
    int fd;
    if (dir == NULL) {
        char path[IP_REGION_NAME_MAX + 2];
        snprintf(path, sizeof path, "/%s", name);
        fd = shm_open(path, flags | O_CLOEXEC, mode);
    } else {
        int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0) {
            return -errno;
        }
        fd = openat(dir_fd, name, flags | O_CLOEXEC | O_NOFOLLOW, mode);
        int saved = errno;
        close(dir_fd);
        errno = saved;
    }
    return fd < 0 ? -errno : fd;
}

int object_unlink(const char *name, const char *dir) {
    int rc;
    if (dir == NULL) {
        char path[IP_REGION_NAME_MAX + 2];
        snprintf(path, sizeof path, "/%s", name);
        rc = shm_unlink(path);
    } else {
        int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0) {
            return -errno;
        }
        rc = unlinkat(dir_fd, name, 0);
        int saved = errno;
        close(dir_fd);
        errno = saved;
    }
    return rc < 0 ? -errno : 0;
}

/* Unlinks the object called name if it is the one mapped_fd has open (same device and inode). */
int object_unlink_if_same(const char *name, const char *dir, int mapped_fd) {
    struct stat mapped;
    if (fstat(mapped_fd, &mapped) != 0) {
        return -errno;
    }
    /* O_PATH: comparing identities needs no permission to read the object. */
    int fd = object_open(name, dir, O_PATH, 0);
    if (fd < 0) {
        return fd;
    }
    struct stat named;
    int rc = fstat(fd, &named) == 0 ? 0 : -errno;
    close(fd);
    if (rc != 0) {
        return rc;
    }
    if (named.st_dev != mapped.st_dev || named.st_ino != mapped.st_ino) {
        return IP_EREPLACED;
    }
    return object_unlink(name, dir);
}
