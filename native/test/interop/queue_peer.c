/*
 * A C producer or consumer on a queue shared with Java processes (QueueInteropTest), speaking the
 * checked messages of the Java test child (QueueChild): [int32 producer][int32 sequence][int64 CRC32
 * of the rest][random bytes], big-endian, and the empty message to stop a consumer.
 *   queue_peer produce REGION QUEUE CAPACITY MAX_MESSAGE PRODUCER COUNT
 *   queue_peer consume REGION QUEUE CAPACITY MAX_MESSAGE JOURNAL
 *   queue_peer put-doomed REGION QUEUE CAPACITY MAX_MESSAGE
 *   queue_peer take-doomed REGION QUEUE CAPACITY MAX_MESSAGE
 * opens the region and the queue, prints READY, waits for GO on standard input, then runs: a producer
 * sends COUNT messages of random sizes (16 to MAX_MESSAGE bytes), sequence 0 to COUNT - 1; a consumer
 * takes messages until the empty one, checks each checksum, and appends each message's producer and
 * sequence (big-endian int32s) to the file JOURNAL. Both print "DONE <messages>" at the end. The doomed
 * modes put a message of MAX_MESSAGE bytes 0x5A (QueueChild.DOOMED), or take one, with the test hook
 * ip_debug_set_queue_pause holding them inside the lock for an hour, to be killed there; the hook's
 * line on standard error says when they are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interproc.h"
#include "interproc_debug.h"

enum { HEADER = 16 };

static int fail(const char *what, int rc) {
    fprintf(stderr, "queue_peer: %s: %s\n", what, ip_strerror(rc));
    return 1;
}

/* CRC-32 (ISO-HDLC, as java.util.zip.CRC32), continued from crc. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *bytes, size_t length) {
    crc = ~crc;
    for (size_t i = 0; i < length; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* The checksum of a checked message: its producer and sequence fields and its random bytes. */
static uint32_t checksum(const uint8_t *message, uint64_t length) {
    return crc32_update(crc32_update(0, message, 8), message + HEADER, length - HEADER);
}

static void put_be(uint8_t *at, uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; i--, value >>= 8) {
        at[i] = (uint8_t)value;
    }
}

static uint64_t get_be(const uint8_t *at, int bytes) {
    uint64_t value = 0;
    for (int i = 0; i < bytes; i++) {
        value = value << 8 | at[i];
    }
    return value;
}

/* xorshift64*: the sizes and bytes of one producer's messages. */
static uint64_t next_random(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}

static int produce(ip_queue *queue, uint32_t producer, long count) {
    uint32_t max = ip_queue_max_message(queue);
    uint8_t *message = malloc(max);
    if (message == NULL) {
        return fail("malloc", -errno);
    }
    uint64_t state = 0x9E3779B97F4A7C15ull * (producer + 1);
    for (long sequence = 0; sequence < count; sequence++) {
        uint64_t length = HEADER + next_random(&state) % (max - HEADER + 1);
        for (uint64_t i = HEADER; i < length; i++) {
            message[i] = (uint8_t)(next_random(&state) >> 56);
        }
        put_be(message, producer, 4);
        put_be(message + 4, (uint64_t)sequence, 4);
        put_be(message + 8, checksum(message, length), 8);
        int rc = ip_queue_put(queue, message, length, -1);
        if (rc != 0) {
            free(message);
            return fail("put", rc);
        }
    }
    free(message);
    printf("DONE %ld\n", count);
    return 0;
}

static int consume(ip_queue *queue, const char *journal_path) {
    uint32_t max = ip_queue_max_message(queue);
    uint8_t *message = malloc(max);
    FILE *journal = fopen(journal_path, "wb");
    if (message == NULL || journal == NULL) {
        free(message);
        return fail("journal", -errno);
    }
    long taken = 0;
    for (;;) {
        uint64_t length;
        int rc = ip_queue_take(queue, message, max, &length, -1);
        if (rc != 0) {
            fclose(journal);
            free(message);
            return fail("take", rc);
        }
        if (length == 0) {
            break;
        }
        if (length < HEADER || get_be(message + 8, 8) != checksum(message, length)) {
            fprintf(stderr, "queue_peer: torn message of %llu bytes: producer %llu, sequence %llu\n",
                    (unsigned long long)length, (unsigned long long)get_be(message, 4),
                    (unsigned long long)get_be(message + 4, 4));
            fclose(journal);
            free(message);
            return 1;
        }
        if (fwrite(message, 1, 8, journal) != 8) {
            fclose(journal);
            free(message);
            return fail("journal write", -errno);
        }
        taken++;
    }
    free(message);
    if (fclose(journal) != 0) {
        return fail("journal close", -errno);
    }
    printf("DONE %ld\n", taken);
    return 0;
}

/* Puts or takes one message with the test hook pausing it inside the lock, for an hour: a kill ends it there. */
static int doomed(ip_queue *queue, int put) {
    uint32_t max = ip_queue_max_message(queue);
    uint8_t *message = malloc(max);
    if (message == NULL) {
        return fail("malloc", -errno);
    }
    memset(message, 0x5A, max);
    uint64_t length = max;
    ip_debug_set_queue_pause(3600 * 1000);
    int rc = put ? ip_queue_put(queue, message, length, -1) : ip_queue_take(queue, message, max, &length, -1);
    free(message);
    return rc == 0 ? 0 : fail(put ? "put" : "take", rc);
}

int main(int argc, char **argv) {
    const char *command = argc > 1 ? argv[1] : "";
    int producing = argc == 8 && strcmp(command, "produce") == 0;
    int consuming = argc == 7 && strcmp(command, "consume") == 0;
    int dooming = argc == 6 && (strcmp(command, "put-doomed") == 0 || strcmp(command, "take-doomed") == 0);
    if (!producing && !consuming && !dooming) {
        fprintf(stderr, "usage: queue_peer produce REGION QUEUE CAPACITY MAX_MESSAGE PRODUCER COUNT\n"
                        "       queue_peer consume REGION QUEUE CAPACITY MAX_MESSAGE JOURNAL\n"
                        "       queue_peer put-doomed|take-doomed REGION QUEUE CAPACITY MAX_MESSAGE\n");
        return 2;
    }
    uint64_t capacity = strtoull(argv[4], NULL, 10);
    uint32_t max_message = (uint32_t)strtoul(argv[5], NULL, 10);
    if (max_message < HEADER) {
        return fail("MAX_MESSAGE below the 16 bytes of a checked message", IP_EARG);
    }
    ip_region *region;
    int rc = ip_region_open(argv[2], NULL, 0, &region);
    if (rc != 0) {
        return fail("open", rc);
    }
    ip_queue *queue;
    int32_t created;
    if ((rc = ip_queue_open(region, argv[3], capacity, max_message, &queue, &created)) != 0) {
        ip_region_close(region);
        return fail("queue", rc);
    }
    printf("READY\n");
    fflush(stdout);
    char line[16];
    if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "GO", 2) != 0) {
        rc = fail("expected GO on standard input", IP_EARG);
    } else {
        rc = producing   ? produce(queue, (uint32_t)strtoul(argv[6], NULL, 10), strtol(argv[7], NULL, 10))
             : consuming ? consume(queue, argv[6])
                         : doomed(queue, strcmp(command, "put-doomed") == 0);
    }
    ip_queue_close(queue);
    ip_region_close(region);
    return rc;
}
