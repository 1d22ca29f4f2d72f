/*
 * The geometry of a region, and the checks of its shared bytes against it (docs/layout.md,
 * "Damaged regions"). Any process with write access to the object may change any byte of it,
 * so every field is read once into a private copy, checked, and only then used: an offset,
 * count or length read from the region never reaches an address computation unchecked.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct region_geometry geometry_for(uint32_t max_slots, uint32_t max_processes) {
    struct region_geometry geometry;
    geometry.process_table_offset = align_up(sizeof(struct ip_header), IP_CACHE_LINE);
    geometry.directory_offset = align_up(
        geometry.process_table_offset + (uint64_t)max_processes * sizeof(struct ip_process_entry), IP_CACHE_LINE);
    geometry.data_offset =
        align_up(geometry.directory_offset + (uint64_t)max_slots * sizeof(struct ip_slot_entry), IP_CACHE_LINE);
    return geometry;
}

int corrupt(struct problem *problem, const char *format, ...) {
    if (problem != NULL && problem->text != NULL && problem->capacity > 0) {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(problem->text, problem->capacity, format, arguments);
        va_end(arguments);
    }
    return IP_ECORRUPT;
}

/* Checks the fields of a ready header (magic, version and state already checked) against the object's size. */
int check_header_fields(const struct ip_header *header, uint64_t object_size, struct problem *problem) {
    if (header->size != object_size) {
        return corrupt(problem, "header field size is %llu, but the object has %llu bytes (was it truncated?)",
                       (unsigned long long)header->size, (unsigned long long)object_size);
    }
    if (header->max_processes == 0 || header->max_processes > IP_MAX_PROCESSES_LIMIT) {
        return corrupt(problem, "header field max_processes is %u, outside 1..%u", header->max_processes,
                       IP_MAX_PROCESSES_LIMIT);
    }
    if (header->max_slots == 0 || header->max_slots > IP_MAX_SLOTS_LIMIT) {
        return corrupt(problem, "header field max_slots is %u, outside 1..%u", header->max_slots, IP_MAX_SLOTS_LIMIT);
    }
    struct region_geometry geometry = geometry_for(header->max_slots, header->max_processes);
    const struct {
        const char *field;
        uint64_t stored;
        uint64_t expected;
    } offsets[] = {
        {"process_table_offset", header->process_table_offset, geometry.process_table_offset},
        {"directory_offset", header->directory_offset, geometry.directory_offset},
        {"data_offset", header->data_offset, geometry.data_offset},
    };
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        if (offsets[i].stored != offsets[i].expected) {
            return corrupt(problem, "header field %s is %llu, but max_processes and max_slots make it %llu",
                           offsets[i].field, (unsigned long long)offsets[i].stored,
                           (unsigned long long)offsets[i].expected);
        }
    }
    if (geometry.data_offset + IP_CACHE_LINE > object_size) {
        return corrupt(problem, "header fields max_processes and max_slots need %llu bytes, but size is %llu",
                       (unsigned long long)(geometry.data_offset + IP_CACHE_LINE), (unsigned long long)object_size);
    }
    return 0;
}

int check_mapping(const ip_region *region, struct problem *problem) {
    struct stat status;
    if (fstat(region->fd, &status) == 0 && (uint64_t)status.st_size < region->size) {
        return corrupt(problem,
                       "the object was truncated to %lld bytes while mapped; header field size says %llu, and "
                       "every access beyond the new end faults (SIGBUS)",
                       (long long)status.st_size, (unsigned long long)region->size);
    }
    return 0;
}

int checked_slot_count(const ip_region *region, uint32_t *count, struct problem *problem) {
    uint32_t stored = atomic_load_explicit(&header_of(region)->slot_count, memory_order_acquire);
    if (stored > region->max_slots) {
        return corrupt(problem, "header field slot_count is %u, more than max_slots (%u)", stored, region->max_slots);
    }
    *count = stored;
    return 0;
}

int checked_data_top(const ip_region *region, uint64_t *top, struct problem *problem) {
    uint64_t stored = header_of(region)->data_top;
    if (stored < region->data_offset || stored > region->size) {
        return corrupt(problem, "header field data_top is %llu, outside the data area (%llu..%llu)",
                       (unsigned long long)stored, (unsigned long long)region->data_offset,
                       (unsigned long long)region->size);
    }
    *top = stored;
    return 0;
}

/* Whether [offset, offset + length) lies within the data area, without overflow. */
static int in_data_area(const ip_region *region, uint64_t offset, uint64_t length) {
    return offset >= region->data_offset && offset <= region->size && length <= region->size - offset;
}

int checked_slot_entry(const ip_region *region, uint32_t index, struct ip_slot_entry *copy, struct problem *problem) {
    memcpy(copy, slot_entry(region, (int32_t)index), sizeof *copy);
    atomic_signal_fence(memory_order_acquire); /* the checks below read the copy, never the region again */
    if (copy->name[0] == '\0') {
        return corrupt(problem,
                       "slot directory entry %u has an empty field name, but header field slot_count publishes it",
                       index);
    }
    if (memchr(copy->name, '\0', sizeof copy->name) == NULL) {
        copy->name[IP_SLOT_NAME_MAX] = '\0';
        return corrupt(problem, "slot directory entry %u: field name has no terminating NUL", index);
    }
    if (check_slot_name(copy->name) != 0) {
        return corrupt(problem, "slot directory entry %u: field name holds an invalid slot name", index);
    }
    const char *name = copy->name;
    if (copy->type < IP_TYPE_INT32 || copy->type > IP_TYPE_JOINABLE_QUEUE) {
        return corrupt(problem, "slot directory entry %u ('%s'): field type is %u, no known slot type", index, name,
                       copy->type);
    }
    if (copy->size == 0 || copy->offset % IP_CACHE_LINE != 0 || !in_data_area(region, copy->offset, copy->size)) {
        return corrupt(problem,
                       "slot directory entry %u ('%s'): fields offset %llu and size %llu do not lie on a cache "
                       "line inside the data area (%llu..%llu)",
                       index, name, (unsigned long long)copy->offset, (unsigned long long)copy->size,
                       (unsigned long long)region->data_offset, (unsigned long long)region->size);
    }
    if (copy->meta_length > IP_SLOT_META_MAX) {
        return corrupt(problem, "slot directory entry %u ('%s'): field meta_length is %u, more than %u", index, name,
                       copy->meta_length, IP_SLOT_META_MAX);
    }
    if (copy->meta_length > 0 && !in_data_area(region, copy->meta_offset, copy->meta_length)) {
        return corrupt(problem,
                       "slot directory entry %u ('%s'): fields meta_offset %llu and meta_length %u do not lie "
                       "inside the data area (%llu..%llu)",
                       index, name, (unsigned long long)copy->meta_offset, copy->meta_length,
                       (unsigned long long)region->data_offset, (unsigned long long)region->size);
    }
    return 0;
}

#ifdef __GLIBC__
static int expected_kind;

static void learn_expected_kind(void) {
    pthread_mutex_t template;
    if (robust_mutex_init(&template) == 0) {
        expected_kind = template.__data.__kind;
        pthread_mutex_destroy(&template);
    }
}
#endif

int check_mutex(const pthread_mutex_t *mutex, const char *field, struct problem *problem) {
#ifdef __GLIBC__
    /* A mutex of another kind (a stray write) would send glibc down a path that may never return. */
    static pthread_once_t learned = PTHREAD_ONCE_INIT;
    pthread_once(&learned, learn_expected_kind);
    int kind = ((volatile const pthread_mutex_t *)mutex)->__data.__kind;
    if (kind != expected_kind) {
        return corrupt(problem, "%s is not a robust process-shared mutex (its kind is %d, not %d)", field, kind,
                       expected_kind);
    }
#else
    (void)mutex;
    (void)field;
    (void)problem;
#endif
    return 0;
}

/* Notes what is not damage but explains a wait that ran out; never overwrites a description. */
static void note(struct problem *problem, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void note(struct problem *problem, const char *format, ...) {
    if (problem != NULL && problem->text != NULL && problem->capacity > 0 && problem->text[0] == '\0') {
        va_list arguments;
        va_start(arguments, format);
        vsnprintf(problem->text, problem->capacity, format, arguments);
        va_end(arguments);
    }
}

/* Whether a thread of that id exists in this PID namespace. */
static int thread_exists(int32_t tid) {
    return kill(tid, 0) == 0 || errno == EPERM;
}

/*
 * A mutex of the region, and who holds it: the kernel marks a dead holder's robust mutex
 * (FUTEX_OWNER_DIED), so a word naming a thread that does not exist was written by hand. A live
 * holder is noted when note_live_holder is set: it explains a wait that ran out.
 */
static int check_mutex_holder(const pthread_mutex_t *mutex, const char *field, int note_live_holder,
                              struct problem *problem) {
    int rc = check_mutex(mutex, field, problem);
    if (rc != 0) {
        return rc;
    }
#ifdef __GLIBC__
    uint32_t word = (uint32_t)((volatile const pthread_mutex_t *)mutex)->__data.__lock;
    int32_t tid = (int32_t)(word & 0x3fffffffu);                        /* FUTEX_TID_MASK */
    if (tid != 0 && (word & 0x40000000u) == 0 && !thread_exists(tid)) { /* 0x40000000: FUTEX_OWNER_DIED */
        return corrupt(problem,
                       "%s is held by thread %d, which does not exist in this PID namespace (a dead holder's "
                       "mutex is released by the kernel, so its word was damaged)",
                       field, tid);
    }
    if (tid != 0 && (word & 0x40000000u) == 0 && note_live_holder) {
        note(problem,
             "%s is held by thread %d, which is alive: a process that does not release it, or a damaged word "
             "naming a live thread",
             field, tid);
    }
#else
    (void)note_live_holder;
#endif
    return 0;
}

static int check_header_unchanged(const ip_region *region, struct problem *problem) {
    struct ip_header header;
    memcpy(&header, header_of(region), sizeof header);
    atomic_signal_fence(memory_order_acquire);
    if (memcmp(header.magic, IP_MAGIC, IP_MAGIC_LENGTH) != 0) {
        return corrupt(problem, "header field magic no longer reads 'interprc'");
    }
    if (header.layout_version != IP_LAYOUT_VERSION) {
        return corrupt(problem, "header field layout_version changed to %u", header.layout_version);
    }
    uint32_t state = atomic_load_explicit(&header.state, memory_order_relaxed);
    if (state != IP_STATE_READY) {
        return corrupt(problem, "header field state changed to %u", state);
    }
    int rc = check_header_fields(&header, region->size, problem);
    if (rc == 0 && (header.max_processes != region->max_processes || header.max_slots != region->max_slots)) {
        rc = corrupt(problem, "header fields max_processes and max_slots changed to %u and %u", header.max_processes,
                     header.max_slots);
    }
    return rc;
}

static int check_process_table(const ip_region *region, struct problem *problem) {
    char field[96];
    for (uint32_t i = 0; i < region->max_processes; i++) {
        struct ip_process_entry *entry = process_entry(region, (int32_t)i);
        uint32_t state = atomic_load_explicit(&entry->state, memory_order_acquire);
        if (state != IP_PROCESS_FREE && state != IP_PROCESS_ATTACHED) {
            return corrupt(problem, "process-table entry %u: field state is %u, neither 0 (free) nor 1 (attached)", i,
                           state);
        }
        snprintf(field, sizeof field, "process-table entry %u: field liveness", i);
        int rc = check_mutex_holder(&entry->liveness, field, state == IP_PROCESS_FREE, problem);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

int ip_region_check(ip_region *region, char *text, uint64_t capacity) {
    if (region == NULL || text == NULL || capacity == 0) {
        return IP_EARG;
    }
    text[0] = '\0';
    struct problem problem = {text, capacity};
    int rc = check_mapping(region, &problem);
    if (rc != 0) {
        return rc; /* nothing else may be read */
    }
    rc = check_header_unchanged(region, &problem);
    if (rc == 0) {
        rc = check_mutex_holder(&header_of(region)->directory_mutex, "header field directory_mutex", 1, &problem);
    }
    uint32_t count = 0;
    if (rc == 0) {
        rc = checked_slot_count(region, &count, &problem);
    }
    uint64_t top;
    if (rc == 0) {
        rc = checked_data_top(region, &top, &problem);
    }
    struct ip_slot_entry copy;
    for (uint32_t i = 0; rc == 0 && i < count; i++) {
        rc = checked_slot_entry(region, i, &copy, &problem);
    }
    return rc == 0 ? check_process_table(region, &problem) : rc;
}
