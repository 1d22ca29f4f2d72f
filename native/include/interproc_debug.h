/*
 * interproc_debug.h - test hooks of libinterproc, not part of its API (interproc.h).
 *
 * The library exports them so that tests in any language can reach them (the Java tests
 * bind them like the API), but programs must not call them: they exist to hold the
 * library in states that a test cannot otherwise reach at a chosen moment.
 */
#ifndef INTERPROC_DEBUG_H
#define INTERPROC_DEBUG_H

#include <stdint.h>

#include "interproc.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * While set (ms > 0), every slot creation in this process pauses for ms
 * milliseconds while it holds the directory lock, after writing the new entry and
 * before publishing it, and first writes one line to standard error:
 * "interproc-debug: pausing with the directory lock held". 0 turns it off.
 */
IP_API void ip_debug_set_directory_pause(uint32_t ms);

/*
 * While set (ms > 0), every queue put in this process pauses for ms milliseconds while it
 * holds the producers' lock, after writing its record and before publishing it, and every
 * take with the consumers' lock held, after copying the message and before freeing it; each
 * first writes one line to standard error: "interproc-debug: pausing inside a queue put"
 * (or "take"). 0 turns it off.
 */
IP_API void ip_debug_set_queue_pause(uint32_t ms);

#ifdef __cplusplus
}
#endif

#endif /* INTERPROC_DEBUG_H */
