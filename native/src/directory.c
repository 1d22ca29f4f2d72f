/* The slot directory (docs/layout.md, "Slot directory", "Directory updates"): finding and creating slots. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "interproc_debug.h"

static _Atomic uint32_t directory_pause_ms;

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
    if ((rc = directory_lock(region)) != 0) {
        return rc;
    }
    int32_t found = find_slot(region, name);
    if (found >= 0) {
        rc = matches(region, slot_entry(region, found), type, size, meta, meta_len);
        directory_unlock(region);
        if (rc == 0) {
            *index = found;
            *created = 0;
        }
        return rc;
    }
    uint32_t count = atomic_load_explicit(&header->slot_count, memory_order_relaxed);
    if (count >= header->max_slots) {
        directory_unlock(region);
        return IP_EDIRFULL;
    }
    uint64_t offset = align_up(header->data_top, IP_CACHE_LINE);
    uint64_t meta_offset = align_up(offset + size, 8);
    if (size > header->size || meta_offset + meta_len > header->size) {
        directory_unlock(region);
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
    directory_unlock(region);
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
