/*
 * Tests of damaged regions (docs/layout.md, "Damaged regions"), run under ctest with AddressSanitizer
 * and UndefinedBehaviorSanitizer: a field written by a stray or hostile writer is refused with
 * IP_ECORRUPT and named by ip_region_check, a mutex word naming a thread that does not exist ends a
 * wait with IP_ESTUCK, and nothing is written outside the bytes a call may change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "interproc.h"

static char region_name[64];

static int64_t layout(const char *key) {
    int64_t value = -1;
    CHECK_RC(0, ip_layout_value(key, &value));
    return value;
}

/* A fresh region with one published int32 slot "value", opened by handle. */
static ip_region *fresh_region(const char *what) {
    snprintf(region_name, sizeof region_name, "ip-ctest-%d-%s", (int)getpid(), what);
    ip_region_unlink(region_name, NULL);
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create(region_name, NULL, 1 << 20, 0, 16, 8, &region));
    int32_t index;
    int32_t created;
    CHECK_RC(0, ip_slot_ensure(region, "value", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    return region;
}

static void finish(ip_region *region) {
    CHECK_RC(0, ip_region_close(region));
    CHECK_RC(0, ip_region_unlink(region_name, NULL));
}

static uint8_t *at(ip_region *region, int64_t offset) {
    return (uint8_t *)ip_region_base(region) + offset;
}

/* The description ip_region_check gives names the field. */
static void check_named(ip_region *region, const char *field) {
    char text[512];
    CHECK_RC(IP_ECORRUPT, ip_region_check(region, text, sizeof text));
    if (strstr(text, field) == NULL) {
        fprintf(stderr, "the damage report '%s' does not name %s\n", text, field);
        failures++;
    }
}

static void test_slot_count_beyond_max_slots(void) {
    ip_region *region = fresh_region("count");
    uint32_t *count = (uint32_t *)at(region, layout("offsetof.ip_header.slot_count"));
    *count = 0x7ffffff0u;
    int32_t index;
    int32_t created;
    CHECK_RC(IP_ECORRUPT, ip_slot_find(region, "value", &index));
    CHECK_RC(IP_ECORRUPT, ip_slot_ensure(region, "new", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_ECORRUPT, ip_slot_count(region));
    check_named(region, "slot_count");
    *count = 1;
    finish(region);
}

static void test_data_top_outside_the_data_area(void) {
    const uint64_t tops[] = {0, 8, UINT64_MAX - 62, (uint64_t)1 << 50};
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        ip_region *region = fresh_region("top");
        uint64_t *top = (uint64_t *)at(region, layout("offsetof.ip_header.data_top"));
        uint64_t saved = *top;
        char magic[8];
        memcpy(magic, ip_region_base(region), sizeof magic);
        *top = tops[i];
        int32_t index;
        int32_t created;
        CHECK_RC(IP_ECORRUPT, ip_slot_ensure(region, "new", IP_TYPE_INT64, 8, NULL, 0, NULL, 0, &index, &created));
        CHECK(memcmp(magic, ip_region_base(region), sizeof magic) == 0);
        check_named(region, "data_top");
        *top = saved;
        finish(region);
    }
}

static void test_entry_fields_outside_the_data_area(void) {
    const struct {
        const char *field;
        uint64_t value;
    } cases[] = {
        {"offset", 0},
        {"offset", 8},
        {"offset", (uint64_t)1 << 62},
        {"offset", UINT64_MAX - 63},
        {"meta_offset", (uint64_t)1 << 50},
        {"meta_length", 0x7fffffff},
        {"size", UINT64_MAX},
        {"type", 99},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ip_region *region = fresh_region("entry");
        char key[96];
        snprintf(key, sizeof key, "offsetof.ip_slot_entry.%s", cases[i].field);
        uint8_t *entry = at(region, (int64_t) * (uint64_t *)at(region, layout("offsetof.ip_header.directory_offset")));
        uint8_t *field = entry + layout(key);
        if (strcmp(cases[i].field, "meta_length") == 0 || strcmp(cases[i].field, "type") == 0) {
            *(uint32_t *)field = (uint32_t)cases[i].value;
        } else {
            *(uint64_t *)field = cases[i].value;
        }
        if (strcmp(cases[i].field, "meta_offset") == 0) { /* meaningful only with metadata */
            *(uint32_t *)(entry + layout("offsetof.ip_slot_entry.meta_length")) = 4;
        }
        int32_t index;
        int32_t created;
        CHECK_RC(IP_ECORRUPT, ip_slot_ensure(region, "value", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
        CHECK(ip_slot_address(region, 0) == NULL);
        uint8_t copy[256];
        CHECK_RC(IP_ECORRUPT, ip_slot_entry_copy(region, 0, copy));
        check_named(region, cases[i].field);
        finish(region);
    }
}

static void test_directory_mutex_of_a_thread_that_never_was(void) {
    ip_region *region = fresh_region("mutex");
    int32_t *word = (int32_t *)at(region, layout("offsetof.ip_header.directory_mutex"));
    int32_t saved = *word;
    *word = 0x3ffffffe; /* a thread id above any pid_max: no such thread exists */
    ip_region *other = NULL;
    CHECK_RC(IP_ESTUCK, ip_region_open(region_name, NULL, 100, &other));
    int32_t index;
    int32_t created;
    CHECK_RC(IP_ESTUCK, ip_slot_ensure(region, "new", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    check_named(region, "directory_mutex");
    *word = saved;
    finish(region);
}

static void test_free_entry_whose_liveness_names_a_thread_that_never_was(void) {
    ip_region *region = fresh_region("liveness");
    uint64_t table = *(uint64_t *)at(region, layout("offsetof.ip_header.process_table_offset"));
    int64_t entry_size = layout("sizeof.ip_process_entry");
    /* Entry 0 is the creator's; entry 1 is free and the next opener's. */
    int32_t *word = (int32_t *)at(region, (int64_t)table + entry_size + layout("offsetof.ip_process_entry.liveness"));
    *word = 0x3ffffffe;
    ip_region *other = NULL;
    CHECK_RC(IP_ESTUCK, ip_region_open(region_name, NULL, 100, &other));
    check_named(region, "liveness");
    *word = 0;
    finish(region);
}

static void test_damaged_header_is_named_before_mapping(void) {
    ip_region *region = fresh_region("header");
    uint64_t *data_offset = (uint64_t *)at(region, layout("offsetof.ip_header.data_offset"));
    uint64_t saved = *data_offset;
    *data_offset = 64;
    ip_region *other = NULL;
    CHECK_RC(IP_ECORRUPT, ip_region_open(region_name, NULL, 100, &other));
    char text[512];
    CHECK_RC(IP_ECORRUPT, ip_region_check_object(region_name, NULL, text, sizeof text));
    CHECK(strstr(text, "data_offset") != NULL);
    *data_offset = saved;
    finish(region);
}

static void test_owner_token_beyond_the_table(void) {
    ip_region *region = fresh_region("token");
    CHECK_RC(IP_ECORRUPT, ip_owner_alive(region, 4000));
    finish(region);
}

/* Truncation while mapped: calls that would touch the mutexes refuse instead of faulting, and close works. */
static void test_truncated_while_mapped(void) {
    ip_region *region = fresh_region("truncated");
    char path[128];
    snprintf(path, sizeof path, "/%s", region_name);
    int fd = shm_open(path, O_RDWR, 0);
    CHECK(fd >= 0 && ftruncate(fd, 0) == 0);
    close(fd);
    int32_t index;
    int32_t created;
    CHECK_RC(IP_ECORRUPT, ip_slot_ensure(region, "new", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_ECORRUPT, ip_process_alive(region, 0));
    CHECK_RC(IP_ECORRUPT, ip_owner_alive(region, ip_region_owner_token(region)));
    check_named(region, "truncated");
    finish(region);
}

int main(void) {
    test_slot_count_beyond_max_slots();
    test_data_top_outside_the_data_area();
    test_entry_fields_outside_the_data_area();
    test_directory_mutex_of_a_thread_that_never_was();
    test_free_entry_whose_liveness_names_a_thread_that_never_was();
    test_damaged_header_is_named_before_mapping();
    test_owner_token_beyond_the_table();
    test_truncated_while_mapped();
    return report("test_damage");
}
