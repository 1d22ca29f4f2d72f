#include <string.h>

#include "interproc.h"

const char *ip_strerror(int code) {
    switch (code) {
    case 0:
        return "success";
    case IP_EMAGIC:
        return "not an interproc region (the shared-memory object has no interproc header)";
    case IP_EVERSION:
        return "the region has another layout version than this library";
    case IP_ENOTREADY:
        return "the region is still initialising (its creator may have died while creating it)";
    case IP_ECORRUPT:
        return "a field of the region contradicts the region's geometry: the region is damaged";
    case IP_EDIRFULL:
        return "the region's slot directory is full";
    case IP_ENOSPACE:
        return "the region's data area has no room for the slot";
    case IP_EPROCFULL:
        return "the region's process table is full of live processes";
    case IP_ESLOTTYPE:
        return "a slot of that name exists with another type";
    case IP_ESLOTSIZE:
        return "a slot of that name exists with another size";
    case IP_ESLOTMETA:
        return "a slot of that name exists with other type metadata";
    case IP_ENAME:
        return "invalid name";
    case IP_EARG:
        return "invalid argument";
    case IP_ESHMFULL:
        return "not enough free space in the shared-memory file system for the region";
    case IP_EOWNERDEAD:
        return "the lock was acquired, but its previous owner died holding it: repair the state it guards";
    case IP_EREPLACED:
        return "the region's name now names another region (it was removed and its name reused)";
    case IP_ESTUCK:
        return "a mutex of the region stayed locked for the whole timeout";
    case IP_ESHUTDOWN:
        return "the queue is shut down: it takes no more messages, and has none left to take";
    case IP_ETOOLONG:
        return "the message is longer than the queue's largest message (max_message)";
    case IP_ESHORTBUF:
        return "the buffer is shorter than the message, which stays in the queue";
    default:
        break;
    }
    if (code < 0 && code > -4096) {
        const char *description = strerrordesc_np(-code);
        if (description != NULL) {
            return description;
        }
    }
    return "unknown error";
}
