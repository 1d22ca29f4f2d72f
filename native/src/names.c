/* The rules for region and slot names (docs/layout.md, "The object" and "Slot directory"). */
#include <string.h>

#include "internal.h"

static int valid_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

int check_region_name(const char *name) {
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

int check_slot_name(const char *name) {
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
