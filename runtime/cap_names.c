#include "runtime/cap_names.h"

#include <string.h>
#include <sys/capability.h>

int cap_from_oci_name(const char *name)
{
    cap_value_t v;
    if (!name || strncmp(name, "CAP_", 4) != 0 || !name[4])
        return -1;
    for (const char *s = name + 4; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return -1;
    /* The masks are uint64_t: a libcap that knows a 65th capability must not
     * make us shift past them. */
    if (cap_from_name(name, &v) != 0 || v < 0 || v > 63)
        return -1;
    return (int)v;
}
