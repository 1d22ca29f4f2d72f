/* The process table (docs/layout.md, "Process table", "Attach protocol"): attaching, detaching, probing. */
#include <unistd.h>

#include "internal.h"

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

int process_attach(ip_region *region) {
    int rc = directory_lock(region);
    if (rc != 0) {
        return rc;
    }
    int32_t chosen = -1;
    for (uint32_t i = 0; i < region->max_processes; i++) {
        int was_attached =
            atomic_load_explicit(&process_entry(region, (int32_t)i)->state, memory_order_acquire) != IP_PROCESS_FREE;
        rc = probe_entry_locked(region, (int32_t)i);
        if (rc < 0) {
            directory_unlock(region);
            return rc;
        }
        if (rc == 0 && was_attached) {
            region->reclaimed++;
        }
        if (rc == 0 && chosen < 0) {
            chosen = (int32_t)i;
        }
    }
    if (chosen < 0) {
        directory_unlock(region);
        return IP_EPROCFULL;
    }
    region->process_index = chosen;
    rc = holder_start(region);
    if (rc != 0) {
        directory_unlock(region);
        return rc;
    }
    struct ip_process_entry *entry = process_entry(region, chosen);
    entry->pid = (int32_t)getpid();
    entry->start_time = own_start_time();
    uint32_t generation = atomic_fetch_add_explicit(&entry->generation, 1, memory_order_relaxed) + 1;
    region->owner_token = ((generation & IP_TOKEN_GENERATION_MASK) << IP_TOKEN_INDEX_BITS) | (uint32_t)(chosen + 1);
    atomic_store_explicit(&entry->state, IP_PROCESS_ATTACHED, memory_order_release);
    directory_unlock(region);
    return 0;
}

void process_detach(ip_region *region) {
    if (check_mapping(region, NULL) != 0) {
        holder_stop(region, 0); /* the entry lies beyond the truncated end: leave it to the next attach */
        return;
    }
    int locked = directory_lock(region) == 0;
    struct ip_process_entry *entry = process_entry(region, region->process_index);
    entry->pid = 0;
    atomic_store_explicit(&entry->state, IP_PROCESS_FREE, memory_order_release);
    holder_stop(region, 1);
    if (locked) {
        directory_unlock(region);
    }
}

int ip_process_alive(ip_region *region, int32_t index) {
    if (region == NULL || index < 0 || (uint32_t)index >= region->max_processes) {
        return IP_EARG;
    }
    int rc = directory_lock(region);
    if (rc != 0) {
        return rc;
    }
    rc = probe_entry_locked(region, index);
    directory_unlock(region);
    return rc;
}

uint32_t ip_region_owner_token(const ip_region *region) {
    return region == NULL ? 0 : region->owner_token;
}

uint32_t ip_region_reclaimed(const ip_region *region) {
    return region == NULL ? 0 : region->reclaimed;
}

int ip_owner_alive(ip_region *region, uint32_t token) {
    if (region == NULL) {
        return IP_EARG;
    }
    token &= ~IP_LOCK_WAITERS;
    int32_t index = (int32_t)(token & IP_TOKEN_INDEX_MASK) - 1;
    if (index < 0 || (uint32_t)index >= region->max_processes) {
        return IP_ECORRUPT; /* a lock word in the region names no entry */
    }
    if (check_mapping(region, NULL) != 0) {
        return IP_ECORRUPT;
    }
    struct ip_process_entry *entry = process_entry(region, index);
    uint32_t generation = atomic_load_explicit(&entry->generation, memory_order_relaxed);
    if (atomic_load_explicit(&entry->state, memory_order_acquire) != IP_PROCESS_ATTACHED ||
        (generation & IP_TOKEN_GENERATION_MASK) != token >> IP_TOKEN_INDEX_BITS) {
        return 0;
    }
    /* Not held: the owner died or is detaching; the next process_attach reclaims the entry. */
    return liveness_held(entry);
}
