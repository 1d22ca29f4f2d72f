/* The slot directory (docs/layout.md, "Slot directory", "Directory updates"): finding and creating slots. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "interproc_debug.h"

static _Atomic uint32_t directory_pause_ms;

/* The index of the published slot called name, -ENOENT, or IP_ECORRUPT; copy receives its entry. */
static int32_t find_slot(const ip_region *region, const char *name, struct ip_slot_entry *copy) {
    uint32_t count;
    int rc = checked_slot_count(region, &count, NULL);
    if (rc != 0) {
        return rc;
    }
    for (uint32_t i = 0; i < count; i++) {
        if ((rc = checked_slot_entry(region, i, copy, NULL)) != 0) {
            return rc;
        }
        if (strcmp(copy->name, name) == 0) {
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
    struct ip_slot_entry copy;
    int32_t found = find_slot(region, name, &copy);
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

/* Creates the slot at directory index count, with the directory lock held. */
static int create_slot(ip_region *region, uint32_t count, const char *name, uint32_t type, uint64_t size,
                       const void *meta, uint32_t meta_len, const void *init, uint64_t init_len) {
    struct ip_header *header = header_of(region);
    if (count >= region->max_slots) {
        return IP_EDIRFULL;
    }
    uint64_t data_top;
    int rc = checked_data_top(region, &data_top, NULL);
    if (rc != 0) {
        return rc;
    }
    /* data_top <= size <= INT64_MAX and size, meta_len are bounded by size: no sum below wraps. */
    uint64_t offset = align_up(data_top, IP_CACHE_LINE);
    if (size > region->size || offset > region->size - size) {
        return IP_ENOSPACE;
    }
    uint64_t meta_offset = align_up(offset + size, 8);
    if (meta_offset > region->size || meta_len > region->size - meta_offset) {
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
    header->data_top = top > region->size ? region->size : top;
    atomic_store_explicit(&header->slot_count, count + 1, memory_order_release);
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
    if ((rc = directory_lock(region)) != 0) {
        return rc;
    }
    struct ip_slot_entry copy;
    int32_t found = find_slot(region, name, &copy);
    if (found >= 0) {
        rc = matches(region, &copy, type, size, meta, meta_len);
        *created = 0;
    } else if (found == -ENOENT) {
        uint32_t count = atomic_load_explicit(&header_of(region)->slot_count, memory_order_relaxed);
        rc = create_slot(region, count, name, type, size, meta, meta_len, init, init_len);
        found = (int32_t)count;
        *created = 1;
    } else {
        rc = found;
    }
    directory_unlock(region);
    if (rc == 0) {
        *index = found;
    }
    return rc;
}

int ip_slot_count(ip_region *region) {
    if (region == NULL) {
        return IP_EARG;
    }
    uint32_t count;
    int rc = checked_slot_count(region, &count, NULL);
    return rc != 0 ? rc : (int)count;
}

int ip_slot_entry_copy(ip_region *region, int32_t index, void *out) {
    uint32_t count;
    if (region == NULL || out == NULL || index < 0) {
        return IP_EARG;
    }
    int rc = checked_slot_count(region, &count, NULL);
    if (rc != 0) {
        return rc;
    }
    if ((uint32_t)index >= count) {
        return IP_EARG;
    }
    struct ip_slot_entry copy;
    rc = checked_slot_entry(region, (uint32_t)index, &copy, NULL);
    memcpy(out, &copy, sizeof copy);
    return rc;
}

void *ip_slot_address(ip_region *region, int32_t index) {
    struct ip_slot_entry copy;
    if (region == NULL || ip_slot_entry_copy(region, index, &copy) != 0) {
        return NULL;
    }
    return region->base + copy.offset;
}

void ip_debug_set_directory_pause(uint32_t ms) {
    atomic_store_explicit(&directory_pause_ms, ms, memory_order_relaxed);
}
