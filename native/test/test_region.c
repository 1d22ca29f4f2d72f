/*
 * Tests of regions, the process table and the slot directory, run under ctest with
 * AddressSanitizer and UndefinedBehaviorSanitizer. Crash cases fork a child and kill it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "interproc.h"
#include "interproc_debug.h"

static char region_name[64];

static const char *fresh_name(const char *what) {
    snprintf(region_name, sizeof region_name, "ip-ctest-%d-%s", (int)getpid(), what);
    ip_region_unlink(region_name, NULL);
    return region_name;
}

/* The end of a test: closes the last handle on the region and removes the region. */
static void close_and_unlink(ip_region *region, const char *name, const char *dir) {
    CHECK_RC(0, ip_region_close(region));
    CHECK_RC(0, ip_region_unlink(name, dir));
}

static int64_t layout(const char *key) {
    int64_t value = -1;
    CHECK_RC(0, ip_layout_value(key, &value));
    return value;
}

static void test_layout_export(void) {
    CHECK(layout("sizeof.ip_header") > 0);
    CHECK(layout("offsetof.ip_header.magic") == 0);
    CHECK(layout("const.IP_LAYOUT_VERSION") == IP_LAYOUT_VERSION);
    CHECK(layout("const.IP_TYPE_ENUM") == IP_TYPE_ENUM);
    int64_t ignored;
    CHECK_RC(-ENOENT, ip_layout_value("offsetof.no_such.field", &ignored));
}

static void test_create_open_close_unlink(void) {
    const char *name = fresh_name("basic");
    ip_region *creator = NULL;
    ip_region *opener = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &creator));
    CHECK(ip_region_size(creator) == 1 << 20);
    CHECK_RC(-EEXIST, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &opener));
    CHECK_RC(0, ip_region_open(name, NULL, 0, &opener));
    CHECK(ip_region_process_index(creator) != ip_region_process_index(opener));
    CHECK_RC(1, ip_process_alive(opener, ip_region_process_index(creator)));

    int32_t index = -1;
    int32_t created = -1;
    int64_t initial = 42;
    CHECK_RC(0, ip_slot_ensure(creator, "counter", IP_TYPE_INT64, 8, NULL, 0, &initial, 8, &index, &created));
    CHECK(created == 1);
    int32_t found = -1;
    CHECK_RC(0, ip_slot_find(opener, "counter", &found));
    CHECK(found == index);
    CHECK_RC(0, ip_slot_ensure(opener, "counter", IP_TYPE_INT64, 8, NULL, 0, NULL, 0, &found, &created));
    CHECK(created == 0);
    CHECK_RC(IP_ESLOTTYPE, ip_slot_ensure(opener, "counter", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &found, &created));
    CHECK_RC(-ENOENT, ip_slot_find(opener, "missing", &found));
    CHECK_RC(IP_ENAME, ip_slot_find(opener, "bad name", &found));

    /* The value is shared memory: what one handle writes the other reads. */
    int64_t offset = 0;
    uint8_t *directory =
        (uint8_t *)ip_region_base(creator) +
        *(uint64_t *)((uint8_t *)ip_region_base(creator) + layout("offsetof.ip_header.directory_offset"));
    offset = *(int64_t *)(directory + index * layout("sizeof.ip_slot_entry") + layout("offsetof.ip_slot_entry.offset"));
    CHECK(*(int64_t *)((uint8_t *)ip_region_base(opener) + offset) == 42);

    ip_region *inspector = NULL;
    CHECK_RC(0, ip_region_inspect(name, NULL, 0, &inspector));
    CHECK(ip_region_process_index(inspector) == -1);
    CHECK(ip_region_owner_token(inspector) == 0);
    CHECK_RC(1, ip_process_alive(inspector, ip_region_process_index(opener)));
    CHECK_RC(1, ip_owner_alive(inspector, ip_region_owner_token(opener)));
    CHECK_RC(0, ip_slot_find(inspector, "counter", &found));
    CHECK_RC(0, ip_region_close(inspector));
    CHECK_RC(1, ip_process_alive(creator, ip_region_process_index(opener)));

    int32_t opener_index = ip_region_process_index(opener);
    CHECK_RC(0, ip_region_close(opener));
    CHECK_RC(0, ip_process_alive(creator, opener_index));
    CHECK_RC(0, ip_region_unlink(name, NULL));
    CHECK_RC(-ENOENT, ip_region_open(name, NULL, 0, &opener));
    /* Still mapped after the unlink: the creator keeps working. */
    CHECK_RC(0, ip_slot_find(creator, "counter", &found));
    CHECK_RC(0, ip_region_close(creator));
}

/* A reserving close detaches and drops the shared memory, yet the range stays readable and
 * writable (private zero pages) until it is released. */
static void test_close_reserving(void) {
    const char *name = fresh_name("reserve");
    ip_region *creator = NULL;
    ip_region *opener = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 16, 0, 0, 0, &creator));
    CHECK_RC(0, ip_region_open(name, NULL, 0, &opener));
    volatile int64_t *word = (volatile int64_t *)((uint8_t *)ip_region_base(opener) + 4096);
    *word = 7;
    int32_t opener_index = ip_region_process_index(opener);
    void *base = ip_region_base(opener);
    uint64_t size = ip_region_size(opener);
    CHECK_RC(0, ip_region_close_reserving(opener));
    CHECK_RC(0, ip_process_alive(creator, opener_index));
    CHECK(*word == 0);
    *word = 9;
    CHECK(*(volatile int64_t *)((uint8_t *)ip_region_base(creator) + 4096) == 7);
    CHECK_RC(0, ip_range_release(base, size));
    CHECK_RC(IP_EARG, ip_range_release(NULL, size));
    CHECK_RC(IP_EARG, ip_region_close_reserving(NULL));
    CHECK_RC(0, ip_region_unlink(name, NULL));
    CHECK_RC(0, ip_region_close(creator));
}

/* A handle removes only the region it has mapped, never a newer region that took its name. */
static void test_unlink_if_same_spares_a_new_region_of_the_name(void) {
    const char *name = fresh_name("reused");
    ip_region *first = NULL;
    ip_region *second = NULL;
    ip_region *opener = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 16, 0, 0, 0, &first));
    CHECK_RC(0, ip_region_unlink(name, NULL));
    CHECK_RC(-ENOENT, ip_region_unlink_if_same(first, name, NULL));
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 16, 0, 0, 0, &second));
    CHECK_RC(IP_EREPLACED, ip_region_unlink_if_same(first, name, NULL));
    CHECK_RC(0, ip_region_open(name, NULL, 0, &opener));
    CHECK_RC(0, ip_region_close(opener));
    CHECK_RC(0, ip_region_unlink_if_same(second, name, NULL));
    CHECK_RC(-ENOENT, ip_region_open(name, NULL, 0, &opener));
    CHECK_RC(IP_EARG, ip_region_unlink_if_same(NULL, name, NULL));
    CHECK_RC(IP_ENAME, ip_region_unlink_if_same(first, "a/b", NULL));
    CHECK_RC(0, ip_region_close(second));
    CHECK_RC(0, ip_region_close(first));
}

static void test_slot_metadata_and_space(void) {
    const char *name = fresh_name("slots");
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 64 * 1024, 0, 4, 4, &region));
    int32_t index;
    int32_t created;
    const char meta[] = "Status\nIDLE=0\nBUSY=1\n";
    const char other[] = "Status\nIDLE=0\nBUSY=2\n";
    CHECK_RC(0, ip_slot_ensure(region, "status", IP_TYPE_ENUM, 4, meta, sizeof meta, NULL, 0, &index, &created));
    CHECK_RC(IP_ESLOTMETA,
             ip_slot_ensure(region, "status", IP_TYPE_ENUM, 4, other, sizeof other, NULL, 0, &index, &created));
    CHECK_RC(0, ip_slot_ensure(region, "array", IP_TYPE_INT64_ARRAY, 80, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_ESLOTSIZE,
             ip_slot_ensure(region, "array", IP_TYPE_INT64_ARRAY, 88, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_ENOSPACE,
             ip_slot_ensure(region, "huge", IP_TYPE_INT64_ARRAY, 1 << 20, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(0, ip_slot_ensure(region, "a", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(0, ip_slot_ensure(region, "b", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_EDIRFULL, ip_slot_ensure(region, "c", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK_RC(IP_EARG, ip_slot_ensure(region, "d", IP_TYPE_INT32, 4, NULL, 0, "12345", 5, &index, &created));
    close_and_unlink(region, name, NULL);
}

static void test_bad_arguments(void) {
    ip_region *region = NULL;
    CHECK_RC(IP_ENAME, ip_region_create("", NULL, 1 << 20, 0, 0, 0, &region));
    CHECK_RC(IP_ENAME, ip_region_create("a/b", NULL, 1 << 20, 0, 0, 0, &region));
    CHECK_RC(IP_ENAME, ip_region_open(NULL, NULL, 0, &region));
    CHECK_RC(IP_EARG, ip_region_create(fresh_name("tiny"), NULL, 128, 0, 0, 0, &region));
    CHECK_RC(IP_EARG, ip_region_close(NULL));
    CHECK(strlen(ip_strerror(IP_EMAGIC)) > 0);
    CHECK(strlen(ip_strerror(-ENOENT)) > 0);
    CHECK(strlen(ip_strerror(-99999)) > 0);
}

static void write_object(const char *name, const void *bytes, size_t length) {
    char path[128];
    snprintf(path, sizeof path, "/%s", name);
    int fd = shm_open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, bytes, length) == (ssize_t)length);
    close(fd);
}

static void test_foreign_and_other_versions(void) {
    ip_region *region = NULL;
    const char *name = fresh_name("foreign");
    char garbage[4096];
    memset(garbage, 0x5a, sizeof garbage);
    write_object(name, garbage, sizeof garbage);
    CHECK_RC(IP_EMAGIC, ip_region_open(name, NULL, 50, &region));
    CHECK_RC(IP_EMAGIC, ip_region_layout_version(name, NULL));
    write_object(name, "tiny", 4);
    CHECK_RC(IP_EMAGIC, ip_region_open(name, NULL, 50, &region));
    write_object(name, "", 0);
    CHECK_RC(IP_ENOTREADY, ip_region_open(name, NULL, 50, &region));
    ip_region_unlink(name, NULL);

    /* A region of a future layout version: create one, then rewrite its version field. */
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &region));
    uint32_t *version = (uint32_t *)((uint8_t *)ip_region_base(region) + layout("offsetof.ip_header.layout_version"));
    *version = IP_LAYOUT_VERSION + 1;
    ip_region *other = NULL;
    CHECK_RC(IP_EVERSION, ip_region_open(name, NULL, 50, &other));
    CHECK_RC(IP_LAYOUT_VERSION + 1, ip_region_layout_version(name, NULL));
    *version = IP_LAYOUT_VERSION;
    CHECK_RC(IP_LAYOUT_VERSION, ip_region_layout_version(name, NULL));
    close_and_unlink(region, name, NULL);
}

static void test_open_or_create(void) {
    const char *name = fresh_name("ooc");
    ip_region *first = NULL;
    ip_region *second = NULL;
    int32_t created = -1;
    CHECK_RC(0, ip_region_open_or_create(name, NULL, 1 << 20, 0, 0, 0, 0, &first, &created));
    CHECK(created == 1);
    CHECK_RC(0, ip_region_open_or_create(name, NULL, 1 << 20, 0, 0, 0, 0, &second, &created));
    CHECK(created == 0);
    CHECK_RC(0, ip_region_close(second));
    close_and_unlink(first, name, NULL);
}

/* Forks a child that attaches to region name and waits to be killed; stores its process-table index. */
static pid_t attached_child(const char *name, signed char *child_index) {
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t child = fork();
    if (child == 0) {
        ip_region *mine = NULL;
        int rc = ip_region_open(name, NULL, 0, &mine);
        signed char index = rc == 0 ? (signed char)ip_region_process_index(mine) : -1;
        if (write(ready[1], &index, 1) != 1) {
            _exit(2);
        }
        pause();
        _exit(0);
    }
    *child_index = -1;
    CHECK(read(ready[0], child_index, 1) == 1);
    CHECK(*child_index >= 0);
    close(ready[0]);
    close(ready[1]);
    return child;
}

/* A child that attaches and is killed: its process-table entry reads dead and is reclaimed. */
static void test_dead_process_entry_is_reclaimed(void) {
    SKIP_WITHOUT_ROBUST_FUTEXES();
    const char *name = fresh_name("dead");
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 2, &region));
    CHECK(ip_region_reclaimed(region) == 0);
    signed char child_index;
    pid_t child = attached_child(name, &child_index);
    CHECK_RC(1, ip_process_alive(region, child_index));
    /* The table (2 entries) is full while the child lives. */
    ip_region *third = NULL;
    CHECK_RC(IP_EPROCFULL, ip_region_open(name, NULL, 0, &third));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_RC(0, ip_process_alive(region, child_index));
    CHECK_RC(0, ip_region_open(name, NULL, 0, &third));
    CHECK(ip_region_reclaimed(third) == 0); /* ip_process_alive already reclaimed the entry */
    CHECK_RC(0, ip_region_close(third));
    close_and_unlink(region, name, NULL);
}

/* The attach that reclaims a dead process's entry counts it; the next attach finds nothing to reclaim. */
static void test_attach_counts_the_entries_it_reclaims(void) {
    SKIP_WITHOUT_ROBUST_FUTEXES();
    const char *name = fresh_name("count");
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &region));
    signed char child_index;
    pid_t child = attached_child(name, &child_index);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    ip_region *reclaiming = NULL;
    CHECK_RC(0, ip_region_open(name, NULL, 0, &reclaiming));
    CHECK(ip_region_reclaimed(reclaiming) == 1);
    ip_region *next = NULL;
    CHECK_RC(0, ip_region_open(name, NULL, 0, &next));
    CHECK(ip_region_reclaimed(next) == 0);
    CHECK_RC(0, ip_region_close(next));
    CHECK_RC(0, ip_region_close(reclaiming));
    close_and_unlink(region, name, NULL);
}

/* A child killed while it holds the directory lock mid-creation: others still create slots. */
static void test_directory_lock_owner_death(void) {
    SKIP_WITHOUT_ROBUST_FUTEXES();
    const char *name = fresh_name("dirlock");
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create(name, NULL, 1 << 20, 0, 0, 0, &region));
    int32_t index;
    int32_t created;
    CHECK_RC(0, ip_slot_ensure(region, "before", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    int errors[2];
    CHECK(pipe(errors) == 0);
    pid_t child = fork();
    if (child == 0) {
        dup2(errors[1], STDERR_FILENO);
        ip_region *mine = NULL;
        if (ip_region_open(name, NULL, 0, &mine) != 0) {
            _exit(2);
        }
        ip_debug_set_directory_pause(60000);
        int32_t child_index;
        int32_t child_created;
        ip_slot_ensure(mine, "half-written", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &child_index, &child_created);
        _exit(3);
    }
    char line[128] = {0};
    ssize_t got = read(errors[0], line, sizeof line - 1);
    CHECK(got > 0 && strstr(line, "pausing with the directory lock held") != NULL);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_RC(-ENOENT, ip_slot_find(region, "half-written", &index));
    CHECK_RC(0, ip_slot_ensure(region, "after", IP_TYPE_INT32, 4, NULL, 0, NULL, 0, &index, &created));
    CHECK(created == 1);
    CHECK_RC(0, ip_slot_find(region, "before", &index));
    close(errors[0]);
    close(errors[1]);
    close_and_unlink(region, name, NULL);
}

/* A region larger than the free space of a small tmpfs fails at creation, not with SIGBUS later. */
static void test_full_file_system(void) {
    char directory[] = "/tmp/ip-ctest-tmpfs-XXXXXX";
    CHECK(mkdtemp(directory) != NULL);
    if (mount("tmpfs", directory, "tmpfs", 0, "size=4m") != 0) {
        fprintf(stderr, "cannot mount a tmpfs at %s (%s): this test needs root or CAP_SYS_ADMIN\n", directory,
                strerror(errno));
        failures++;
        rmdir(directory);
        return;
    }
    ip_region *region = NULL;
    CHECK_RC(0, ip_region_create("fits", directory, 2 << 20, 0, 0, 0, &region));
    ip_region *too_large = NULL;
    CHECK_RC(IP_ESHMFULL, ip_region_create("too-large", directory, 3 << 20, 0, 0, 0, &too_large));
    struct stat status;
    CHECK(stat(directory, &status) == 0);
    char path[128];
    snprintf(path, sizeof path, "%s/too-large", directory);
    CHECK(access(path, F_OK) != 0);
    close_and_unlink(region, "fits", directory);
    CHECK(umount(directory) == 0);
    rmdir(directory);
}

int main(void) {
    test_layout_export();
    test_create_open_close_unlink();
    test_close_reserving();
    test_unlink_if_same_spares_a_new_region_of_the_name();
    test_slot_metadata_and_space();
    test_bad_arguments();
    test_foreign_and_other_versions();
    test_open_or_create();
    test_dead_process_entry_is_reclaimed();
    test_attach_counts_the_entries_it_reclaims();
    test_directory_lock_owner_death();
    test_full_file_system();
    return report("test_region");
}
