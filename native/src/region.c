/*
 * The life of a region: creation, opening, inspection, closing and unlinking, and the handle.
 * The protocol is described in docs/layout.md ("Start-up order", "Attach protocol", "Closing a
 * region in a process"); with shm.c, process_table.c, liveness.c and directory.c this is its
 * reference implementation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "internal.h"

/* A handle on a mapping whose header was checked (or written) with these fields. */
static ip_region *new_handle(int fd, void *base, const struct ip_header *checked, uint32_t timeout_ms) {
    ip_region *region = calloc(1, sizeof *region);
    if (region == NULL) {
        return NULL;
    }
    region->fd = fd;
    region->base = base;
    region->size = checked->size;
    region->max_processes = checked->max_processes;
    region->max_slots = checked->max_slots;
    region->process_table_offset = checked->process_table_offset;
    region->directory_offset = checked->directory_offset;
    region->data_offset = checked->data_offset;
    region->timeout_ms = timeout_ms;
    region->process_index = -1;
    pthread_mutex_init(&region->holder_lock, NULL);
    pthread_cond_init(&region->holder_cond, NULL);
    return region;
}

static void free_handle_keeping_range(ip_region *region) {
    close(region->fd);
    pthread_cond_destroy(&region->holder_cond);
    pthread_mutex_destroy(&region->holder_lock);
    free(region);
}

static void free_handle(ip_region *region) {
    munmap(region->base, region->size);
    free_handle_keeping_range(region);
}

static int init_header(struct ip_header *header, uint64_t size, uint32_t max_slots, uint32_t max_processes) {
    struct region_geometry geometry = geometry_for(max_slots, max_processes);
    memcpy(header->magic, IP_MAGIC, IP_MAGIC_LENGTH);
    header->layout_version = IP_LAYOUT_VERSION;
    header->size = size;
    header->creator_pid = (int32_t)getpid();
    header->creator_start_time = own_start_time();
    header->created_unix_ms = realtime_ms();
    header->max_processes = max_processes;
    header->max_slots = max_slots;
    header->process_table_offset = geometry.process_table_offset;
    header->directory_offset = geometry.directory_offset;
    header->data_offset = geometry.data_offset;
    header->data_top = geometry.data_offset;
    atomic_store_explicit(&header->slot_count, 0, memory_order_relaxed);
    int rc = robust_mutex_init(&header->directory_mutex);
    struct ip_process_entry *entries = (struct ip_process_entry *)((uint8_t *)header + geometry.process_table_offset);
    for (uint32_t i = 0; rc == 0 && i < max_processes; i++) {
        rc = robust_mutex_init(&entries[i].liveness);
        atomic_store_explicit(&entries[i].state, IP_PROCESS_FREE, memory_order_relaxed);
    }
    return rc;
}

int ip_region_create(const char *name, const char *dir, uint64_t size, uint32_t mode, uint32_t max_slots,
                     uint32_t max_processes, ip_region **out) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    if (out == NULL || mode > 07777 || max_slots > IP_MAX_SLOTS_LIMIT || max_processes > IP_MAX_PROCESSES_LIMIT) {
        return IP_EARG;
    }
    mode = mode == 0 ? IP_DEFAULT_MODE : mode;
    max_slots = max_slots == 0 ? IP_DEFAULT_MAX_SLOTS : max_slots;
    max_processes = max_processes == 0 ? IP_DEFAULT_MAX_PROCESSES : max_processes;
    struct region_geometry geometry = geometry_for(max_slots, max_processes);
    if (size < geometry.data_offset + IP_CACHE_LINE || size > (uint64_t)INT64_MAX) {
        return IP_EARG;
    }

    int fd = object_open(name, dir, O_RDWR | O_CREAT | O_EXCL, (mode_t)mode);
    if (fd < 0) {
        return fd;
    }
    /* From here on a failure removes the half-made object again. */
    struct statvfs file_system;
    if (fchmod(fd, (mode_t)mode) != 0 || fstatvfs(fd, &file_system) != 0) {
        rc = -errno;
    } else if ((uint64_t)file_system.f_bavail * file_system.f_frsize < size) {
        rc = IP_ESHMFULL;
    } else if (ftruncate(fd, (off_t)size) != 0) {
        rc = -errno;
    } else {
        rc = -posix_fallocate(fd, 0, (off_t)size);
        if (rc == -ENOSPC) {
            rc = IP_ESHMFULL;
        }
    }
    void *base = MAP_FAILED;
    if (rc == 0) {
        base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        rc = base == MAP_FAILED ? -errno : 0;
    }
    ip_region *region = NULL;
    if (rc == 0) {
        rc = init_header(base, size, max_slots, max_processes);
    }
    if (rc == 0) {
        region = new_handle(fd, base, base, IP_DEFAULT_OPEN_TIMEOUT_MS);
        rc = region == NULL ? -ENOMEM : process_attach(region);
    }
    if (rc != 0) {
        if (region != NULL) {
            free_handle(region);
        } else {
            if (base != MAP_FAILED) {
                munmap(base, size);
            }
            close(fd);
        }
        object_unlink(name, dir);
        return rc;
    }
    atomic_store_explicit(&header_of(region)->state, IP_STATE_READY, memory_order_release);
    *out = region;
    return 0;
}

/*
 * Reads and checks the header of an opened object without mapping it: 0 when ready, else an
 * error code, and for IP_ECORRUPT a description of the field in problem (if not NULL).
 */
static int check_header(int fd, struct ip_header *header, struct problem *problem) {
    struct stat status;
    if (fstat(fd, &status) != 0) {
        return -errno;
    }
    if ((uint64_t)status.st_size < sizeof *header) {
        return status.st_size == 0 ? IP_ENOTREADY : IP_EMAGIC;
    }
    ssize_t got = pread(fd, header, sizeof *header, 0);
    if (got != (ssize_t)sizeof *header) {
        return got < 0 ? -errno : corrupt(problem, "the header could not be read whole");
    }
    static const char zeros[IP_MAGIC_LENGTH];
    if (memcmp(header->magic, zeros, IP_MAGIC_LENGTH) == 0) {
        return IP_ENOTREADY;
    }
    if (memcmp(header->magic, IP_MAGIC, IP_MAGIC_LENGTH) != 0) {
        return IP_EMAGIC;
    }
    if (header->layout_version != IP_LAYOUT_VERSION) {
        return IP_EVERSION;
    }
    uint32_t state = atomic_load_explicit(&header->state, memory_order_acquire);
    if (state == IP_STATE_INITIALISING) {
        return IP_ENOTREADY;
    }
    if (state != IP_STATE_READY) {
        return corrupt(problem, "header field state is %u, neither 0 (initialising) nor 1 (ready)", state);
    }
    return check_header_fields(header, (uint64_t)status.st_size, problem);
}

static int map_region(const char *name, const char *dir, uint32_t timeout_ms, int attach_process, ip_region **out) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    if (out == NULL) {
        return IP_EARG;
    }
    timeout_ms = timeout_ms == 0 ? IP_DEFAULT_OPEN_TIMEOUT_MS : timeout_ms;
    int fd = object_open(name, dir, O_RDWR, 0);
    if (fd < 0) {
        return fd;
    }
    struct ip_header header;
    uint64_t deadline = monotonic_ms() + timeout_ms;
    while ((rc = check_header(fd, &header, NULL)) == IP_ENOTREADY && monotonic_ms() < deadline) {
        sleep_ms(1);
    }
    void *base = MAP_FAILED;
    if (rc == 0) {
        base = mmap(NULL, header.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        rc = base == MAP_FAILED ? -errno : 0;
    }
    ip_region *region = NULL;
    if (rc == 0) {
        region = new_handle(fd, base, &header, timeout_ms);
        rc = region == NULL ? -ENOMEM : attach_process ? process_attach(region) : 0;
    }
    if (rc != 0) {
        if (region != NULL) {
            free_handle(region);
        } else {
            if (base != MAP_FAILED) {
                munmap(base, header.size);
            }
            close(fd);
        }
        return rc;
    }
    *out = region;
    return 0;
}

int ip_region_open(const char *name, const char *dir, uint32_t timeout_ms, ip_region **out) {
    return map_region(name, dir, timeout_ms, 1, out);
}

int ip_region_inspect(const char *name, const char *dir, uint32_t timeout_ms, ip_region **out) {
    return map_region(name, dir, timeout_ms, 0, out);
}

int ip_region_open_or_create(const char *name, const char *dir, uint64_t size, uint32_t mode, uint32_t max_slots,
                             uint32_t max_processes, uint32_t timeout_ms, ip_region **out, int32_t *created) {
    if (created == NULL) {
        return IP_EARG;
    }
    /* A creator that loses the race to another opens; an opener that finds the name gone creates. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int rc = ip_region_open(name, dir, timeout_ms, out);
        if (rc != -ENOENT) {
            *created = 0;
            return rc;
        }
        rc = ip_region_create(name, dir, size, mode, max_slots, max_processes, out);
        if (rc != -EEXIST) {
            *created = rc == 0;
            return rc;
        }
    }
    return -EAGAIN;
}

int ip_region_close(ip_region *region) {
    if (region == NULL) {
        return IP_EARG;
    }
    if (region->process_index >= 0) {
        process_detach(region);
    }
    free_handle(region);
    return 0;
}

int ip_region_close_reserving(ip_region *region) {
    if (region == NULL) {
        return IP_EARG;
    }
    if (region->process_index >= 0) {
        process_detach(region);
    }
    void *replaced = mmap(region->base, region->size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
    int rc = replaced == MAP_FAILED ? -errno : 0;
    free_handle_keeping_range(region);
    return rc;
}

int ip_range_release(void *base, uint64_t size) {
    if (base == NULL || size == 0) {
        return IP_EARG;
    }
    return munmap(base, size) == 0 ? 0 : -errno;
}

int ip_region_unlink(const char *name, const char *dir) {
    int rc = check_region_name(name);
    return rc != 0 ? rc : object_unlink(name, dir);
}

int ip_region_unlink_if_same(const ip_region *region, const char *name, const char *dir) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    return region == NULL ? IP_EARG : object_unlink_if_same(name, dir, region->fd);
}

int ip_region_layout_version(const char *name, const char *dir) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    int fd = object_open(name, dir, O_RDONLY, 0);
    if (fd < 0) {
        return fd;
    }
    struct ip_header header;
    rc = check_header(fd, &header, NULL);
    close(fd);
    return rc == 0 || rc == IP_EVERSION ? (int)header.layout_version : rc;
}

int ip_region_check_object(const char *name, const char *dir, char *text, uint64_t capacity) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    if (text == NULL || capacity == 0) {
        return IP_EARG;
    }
    text[0] = '\0';
    int fd = object_open(name, dir, O_RDONLY, 0);
    if (fd < 0) {
        return fd;
    }
    struct ip_header header;
    struct problem problem = {text, capacity};
    rc = check_header(fd, &header, &problem);
    close(fd);
    return rc;
}

void *ip_region_base(const ip_region *region) {
    return region == NULL ? NULL : region->base;
}

uint64_t ip_region_size(const ip_region *region) {
    return region == NULL ? 0 : region->size;
}

uint32_t ip_region_max_processes(const ip_region *region) {
    return region == NULL ? 0 : region->max_processes;
}

uint64_t ip_region_process_table_offset(const ip_region *region) {
    return region == NULL ? 0 : region->process_table_offset;
}

int32_t ip_region_process_index(const ip_region *region) {
    return region == NULL ? IP_EARG : region->process_index;
}
