/*
 * Regions: creation, opening, the process table and the slot directory.
 * The protocol is described in docs/layout.md ("Start-up order", "Attach protocol",
 * "Directory updates"); this file is its reference implementation.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

enum { HOLDER_STARTING, HOLDER_HOLDING, HOLDER_RELEASE };

static _Atomic uint32_t directory_pause_ms;

/* ---------------------------------------------------------------- helpers */

static uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

static uint64_t monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static uint64_t realtime_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void sleep_ms(uint32_t ms) {
    struct timespec delay = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&delay, &delay) != 0 && errno == EINTR) {
    }
}

/* Field 22 of /proc/self/stat: start time in clock ticks since boot; 0 if unreadable. */
static uint64_t own_start_time(void) {
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

static int valid_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

static int check_region_name(const char *name) {
    if (name == NULL) {
        return IP_ENAME;
    }
    size_t length = strnlen(name, IP_REGION_NAME_MAX + 1);
    if (length == 0 || length > IP_REGION_NAME_MAX || name[0] == '.') {
        return IP_ENAME;
    }
    for (size_t i = 0; i < length; i++) {
        if (!valid_name_char(name[i])) {
            return IP_ENAME;
        }
    }
    return 0;
}

static int check_slot_name(const char *name) {
    if (name == NULL) {
        return IP_ENAME;
    }
    size_t length = strnlen(name, IP_SLOT_NAME_MAX + 1);
    if (length == 0 || length > IP_SLOT_NAME_MAX) {
        return IP_ENAME;
    }
    for (size_t i = 0; i < length; i++) {
        if (!valid_name_char(name[i]) && name[i] != ':' && name[i] != '/') {
            return IP_ENAME;
        }
    }
    return 0;
}

/* Opens the object of a region: shm_open, or openat in dir. Returns an fd or -errno. */
static int open_object(const char *name, const char *dir, int flags, mode_t mode) {
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

static int unlink_object(const char *name, const char *dir) {
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

static struct ip_header *header_of(const ip_region *region) {
    return (struct ip_header *)region->base;
}

static struct ip_process_entry *process_entry(const ip_region *region, int32_t index) {
    struct ip_header *header = header_of(region);
    return (struct ip_process_entry *)(region->base + header->process_table_offset) + index;
}

static struct ip_slot_entry *slot_entry(const ip_region *region, int32_t index) {
    struct ip_header *header = header_of(region);
    return (struct ip_slot_entry *)(region->base + header->directory_offset) + index;
}

struct region_geometry {
    uint64_t process_table_offset;
    uint64_t directory_offset;
    uint64_t data_offset;
};

static struct region_geometry geometry_for(uint32_t max_slots, uint32_t max_processes) {
    struct region_geometry geometry;
    geometry.process_table_offset = align_up(sizeof(struct ip_header), IP_CACHE_LINE);
    geometry.directory_offset = align_up(
        geometry.process_table_offset + (uint64_t)max_processes * sizeof(struct ip_process_entry), IP_CACHE_LINE);
    geometry.data_offset =
        align_up(geometry.directory_offset + (uint64_t)max_slots * sizeof(struct ip_slot_entry), IP_CACHE_LINE);
    return geometry;
}

static int init_robust_mutex(pthread_mutex_t *mutex) {
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
static int lock_robust(pthread_mutex_t *mutex) {
    int rc = pthread_mutex_lock(mutex);
    if (rc == EOWNERDEAD) {
        rc = pthread_mutex_consistent(mutex);
    }
    return -rc;
}

static int lock_directory(ip_region *region) {
    return lock_robust(&header_of(region)->directory_mutex);
}

static void unlock_directory(ip_region *region) {
    pthread_mutex_unlock(&header_of(region)->directory_mutex);
}

/* ---------------------------------------------------------------- process table */

static void *hold_liveness(void *argument) {
    ip_region *region = argument;
    pthread_mutex_t *liveness = &process_entry(region, region->process_index)->liveness;
    int rc = lock_robust(liveness);

    pthread_mutex_lock(&region->holder_lock);
    region->holder_result = rc;
    region->holder_state = HOLDER_HOLDING;
    pthread_cond_broadcast(&region->holder_cond);
    while (region->holder_state != HOLDER_RELEASE) {
        pthread_cond_wait(&region->holder_cond, &region->holder_lock);
    }
    pthread_mutex_unlock(&region->holder_lock);

    if (rc == 0) {
        pthread_mutex_unlock(liveness);
    }
    return NULL;
}

/* Starts the thread that holds the liveness mutex of region->process_index; 0 once it holds it. */
static int start_holder(ip_region *region) {
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
    return rc;
}

static void stop_holder(ip_region *region) {
    pthread_mutex_lock(&region->holder_lock);
    region->holder_state = HOLDER_RELEASE;
    pthread_cond_broadcast(&region->holder_cond);
    pthread_mutex_unlock(&region->holder_lock);
    pthread_join(region->holder, NULL);
}

/*
 * Whether the liveness mutex of an entry is held, that is, its process lives: 1 held, 0 not
 * (its holder died, and the kernel marked it EOWNERDEAD, or it was never taken or was
 * released), or a negative error code. Never blocks; leaves the mutex unlocked and consistent.
 */
static int liveness_held(struct ip_process_entry *entry) {
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

/*
 * Whether entry index belongs to a live process; reclaims it when its owner is dead or
 * never took its liveness mutex. Call with the directory lock held.
 */
static int probe_entry_locked(ip_region *region, int32_t index) {
    struct ip_process_entry *entry = process_entry(region, index);
    if (atomic_load_explicit(&entry->state, memory_order_acquire) == IP_PROCESS_FREE) {
        return 0;
    }
    int rc = liveness_held(entry);
    if (rc != 0) {
        return rc;
    }
    entry->pid = 0;
    atomic_store_explicit(&entry->state, IP_PROCESS_FREE, memory_order_release);
    return 0;
}

static int attach(ip_region *region) {
    struct ip_header *header = header_of(region);
    int rc = lock_directory(region);
    if (rc != 0) {
        return rc;
    }
    int32_t chosen = -1;
    for (uint32_t i = 0; i < header->max_processes; i++) {
        rc = probe_entry_locked(region, (int32_t)i);
        if (rc < 0) {
            unlock_directory(region);
            return rc;
        }
        if (rc == 0 && chosen < 0) {
            chosen = (int32_t)i;
        }
    }
    if (chosen < 0) {
        unlock_directory(region);
        return IP_EPROCFULL;
    }
    region->process_index = chosen;
    rc = start_holder(region);
    if (rc != 0) {
        if (region->holder_state == HOLDER_HOLDING) {
            stop_holder(region);
        }
        unlock_directory(region);
        return rc;
    }
    struct ip_process_entry *entry = process_entry(region, chosen);
    entry->pid = (int32_t)getpid();
    entry->start_time = own_start_time();
    uint32_t generation = atomic_fetch_add_explicit(&entry->generation, 1, memory_order_relaxed) + 1;
    region->owner_token = ((generation & IP_TOKEN_GENERATION_MASK) << IP_TOKEN_INDEX_BITS) | (uint32_t)(chosen + 1);
    atomic_store_explicit(&entry->state, IP_PROCESS_ATTACHED, memory_order_release);
    unlock_directory(region);
    return 0;
}

static void detach(ip_region *region) {
    int locked = lock_directory(region) == 0;
    struct ip_process_entry *entry = process_entry(region, region->process_index);
    entry->pid = 0;
    atomic_store_explicit(&entry->state, IP_PROCESS_FREE, memory_order_release);
    stop_holder(region);
    if (locked) {
        unlock_directory(region);
    }
}

int ip_process_alive(ip_region *region, int32_t index) {
    if (region == NULL || index < 0 || (uint32_t)index >= header_of(region)->max_processes) {
        return IP_EARG;
    }
    int rc = lock_directory(region);
    if (rc != 0) {
        return rc;
    }
    rc = probe_entry_locked(region, index);
    unlock_directory(region);
    return rc;
}

uint32_t ip_region_owner_token(const ip_region *region) {
    return region == NULL ? 0 : region->owner_token;
}

int ip_owner_alive(ip_region *region, uint32_t token) {
    if (region == NULL) {
        return IP_EARG;
    }
    token &= ~IP_LOCK_WAITERS;
    int32_t index = (int32_t)(token & IP_TOKEN_INDEX_MASK) - 1;
    if (index < 0 || (uint32_t)index >= header_of(region)->max_processes) {
        return IP_EARG;
    }
    struct ip_process_entry *entry = process_entry(region, index);
    uint32_t generation = atomic_load_explicit(&entry->generation, memory_order_relaxed);
    if (atomic_load_explicit(&entry->state, memory_order_acquire) != IP_PROCESS_ATTACHED ||
        (generation & IP_TOKEN_GENERATION_MASK) != token >> IP_TOKEN_INDEX_BITS) {
        return 0;
    }
    /* Not held: the owner died or is detaching; the next attach reclaims the entry. */
    return liveness_held(entry);
}

/* ---------------------------------------------------------------- regions */

static ip_region *new_handle(int fd, void *base, uint64_t size) {
    ip_region *region = calloc(1, sizeof *region);
    if (region == NULL) {
        return NULL;
    }
    region->fd = fd;
    region->base = base;
    region->size = size;
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
    int rc = init_robust_mutex(&header->directory_mutex);
    struct ip_process_entry *entries = (struct ip_process_entry *)((uint8_t *)header + geometry.process_table_offset);
    for (uint32_t i = 0; rc == 0 && i < max_processes; i++) {
        rc = init_robust_mutex(&entries[i].liveness);
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

    int fd = open_object(name, dir, O_RDWR | O_CREAT | O_EXCL, (mode_t)mode);
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
        region = new_handle(fd, base, size);
        rc = region == NULL ? -ENOMEM : attach(region);
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
        unlink_object(name, dir);
        return rc;
    }
    atomic_store_explicit(&header_of(region)->state, IP_STATE_READY, memory_order_release);
    *out = region;
    return 0;
}

/* Reads and checks the header of an opened object without mapping it; 0 when ready. */
static int check_header(int fd, struct ip_header *header) {
    struct stat status;
    if (fstat(fd, &status) != 0) {
        return -errno;
    }
    if ((uint64_t)status.st_size < sizeof *header) {
        return status.st_size == 0 ? IP_ENOTREADY : IP_EMAGIC;
    }
    ssize_t got = pread(fd, header, sizeof *header, 0);
    if (got != (ssize_t)sizeof *header) {
        return got < 0 ? -errno : IP_ECORRUPT;
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
    if (atomic_load_explicit(&header->state, memory_order_acquire) != IP_STATE_READY) {
        return IP_ENOTREADY;
    }
    struct region_geometry geometry = geometry_for(header->max_slots, header->max_processes);
    if (header->size != (uint64_t)status.st_size || header->max_slots > IP_MAX_SLOTS_LIMIT ||
        header->max_processes > IP_MAX_PROCESSES_LIMIT ||
        header->process_table_offset != geometry.process_table_offset ||
        header->directory_offset != geometry.directory_offset || header->data_offset != geometry.data_offset ||
        header->data_offset > header->size) {
        return IP_ECORRUPT;
    }
    return 0;
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
    int fd = open_object(name, dir, O_RDWR, 0);
    if (fd < 0) {
        return fd;
    }
    struct ip_header header;
    uint64_t deadline = monotonic_ms() + timeout_ms;
    while ((rc = check_header(fd, &header)) == IP_ENOTREADY && monotonic_ms() < deadline) {
        sleep_ms(1);
    }
    void *base = MAP_FAILED;
    if (rc == 0) {
        base = mmap(NULL, header.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        rc = base == MAP_FAILED ? -errno : 0;
    }
    ip_region *region = NULL;
    if (rc == 0) {
        region = new_handle(fd, base, header.size);
        rc = region == NULL ? -ENOMEM : attach_process ? attach(region) : 0;
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
        detach(region);
    }
    free_handle(region);
    return 0;
}

int ip_region_close_reserving(ip_region *region) {
    if (region == NULL) {
        return IP_EARG;
    }
    if (region->process_index >= 0) {
        detach(region);
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
    return rc != 0 ? rc : unlink_object(name, dir);
}

int ip_region_layout_version(const char *name, const char *dir) {
    int rc = check_region_name(name);
    if (rc != 0) {
        return rc;
    }
    int fd = open_object(name, dir, O_RDONLY, 0);
    if (fd < 0) {
        return fd;
    }
    struct ip_header header;
    rc = check_header(fd, &header);
    close(fd);
    return rc == 0 || rc == IP_EVERSION ? (int)header.layout_version : rc;
}

void *ip_region_base(const ip_region *region) {
    return region == NULL ? NULL : region->base;
}

uint64_t ip_region_size(const ip_region *region) {
    return region == NULL ? 0 : region->size;
}

int32_t ip_region_process_index(const ip_region *region) {
    return region == NULL ? IP_EARG : region->process_index;
}

/* ---------------------------------------------------------------- slots */

static int32_t find_slot(const ip_region *region, const char *name) {
    uint32_t count = atomic_load_explicit(&header_of(region)->slot_count, memory_order_acquire);
    for (uint32_t i = 0; i < count; i++) {
        if (strncmp(slot_entry(region, (int32_t)i)->name, name, IP_SLOT_NAME_MAX + 1) == 0) {
            return (int32_t)i;
        }
    }
    return -ENOENT;
}

int ip_slot_find(ip_region *region, const char *name, int32_t *index) {
    if (region == NULL || index == NULL) {
        return IP_EARG;
    }
    int rc = check_slot_name(name);
    if (rc != 0) {
        return rc;
    }
    int32_t found = find_slot(region, name);
    if (found < 0) {
        return found;
    }
    *index = found;
    return 0;
}

static int matches(const ip_region *region, const struct ip_slot_entry *entry, uint32_t type, uint64_t size,
                   const void *meta, uint32_t meta_len) {
    if (entry->type != type) {
        return IP_ESLOTTYPE;
    }
    if (entry->size != size) {
        return IP_ESLOTSIZE;
    }
    if (entry->meta_length != meta_len ||
        (meta_len > 0 && memcmp(region->base + entry->meta_offset, meta, meta_len) != 0)) {
        return IP_ESLOTMETA;
    }
    return 0;
}

int ip_slot_ensure(ip_region *region, const char *name, uint32_t type, uint64_t size, const void *meta,
                   uint32_t meta_len, const void *init, uint64_t init_len, int32_t *index, int32_t *created) {
    if (region == NULL || index == NULL || created == NULL || type == 0 || size == 0 || init_len > size ||
        meta_len > IP_SLOT_META_MAX || (meta_len > 0 && meta == NULL) || (init_len > 0 && init == NULL)) {
        return IP_EARG;
    }
    int rc = check_slot_name(name);
    if (rc != 0) {
        return rc;
    }
    struct ip_header *header = header_of(region);
    if ((rc = lock_directory(region)) != 0) {
        return rc;
    }
    int32_t found = find_slot(region, name);
    if (found >= 0) {
        rc = matches(region, slot_entry(region, found), type, size, meta, meta_len);
        unlock_directory(region);
        if (rc == 0) {
            *index = found;
            *created = 0;
        }
        return rc;
    }
    uint32_t count = atomic_load_explicit(&header->slot_count, memory_order_relaxed);
    if (count >= header->max_slots) {
        unlock_directory(region);
        return IP_EDIRFULL;
    }
    uint64_t offset = align_up(header->data_top, IP_CACHE_LINE);
    uint64_t meta_offset = align_up(offset + size, 8);
    if (size > header->size || meta_offset + meta_len > header->size) {
        unlock_directory(region);
        return IP_ENOSPACE;
    }
    uint64_t top = align_up(meta_offset + meta_len, IP_CACHE_LINE);

    /* A dead creator may have left bytes here: write everything, then publish with one store. */
    memset(region->base + offset, 0, size);
    if (init_len > 0) {
        memcpy(region->base + offset, init, init_len);
    }
    if (meta_len > 0) {
        memcpy(region->base + meta_offset, meta, meta_len);
    }
    struct ip_slot_entry *entry = slot_entry(region, (int32_t)count);
    memset(entry, 0, sizeof *entry);
    memcpy(entry->name, name, strlen(name));
    entry->type = type;
    entry->size = size;
    entry->offset = offset;
    entry->meta_offset = meta_offset;
    entry->meta_length = meta_len;

    uint32_t pause = atomic_load_explicit(&directory_pause_ms, memory_order_relaxed);
    if (pause > 0) {
        static const char line[] = "interproc-debug: pausing with the directory lock held\n";
        ssize_t ignored = write(STDERR_FILENO, line, sizeof line - 1);
        (void)ignored;
        sleep_ms(pause);
    }
    header->data_top = top > header->size ? header->size : top;
    atomic_store_explicit(&header->slot_count, count + 1, memory_order_release);
    unlock_directory(region);
    *index = (int32_t)count;
    *created = 1;
    return 0;
}

void *ip_slot_address(ip_region *region, int32_t index) {
    if (region == NULL || index < 0 ||
        (uint32_t)index >= atomic_load_explicit(&header_of(region)->slot_count, memory_order_acquire)) {
        return NULL;
    }
    return region->base + slot_entry(region, index)->offset;
}

void ip_debug_set_directory_pause(uint32_t ms) {
    atomic_store_explicit(&directory_pause_ms, ms, memory_order_relaxed);
}
