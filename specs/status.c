#include "status.h"

#include <string.h>

static const char *const names[] = {
    [CS_CREATING] = "creating", [CS_CREATED] = "created", [CS_RUNNING] = "running",
    [CS_PAUSED] = "paused",     [CS_STOPPED] = "stopped",
};

const char *container_status_name(enum container_status s)
{
    if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[s];
}

int container_status_parse(const char *s, enum container_status *out, aisbx_error **err)
{
    for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum container_status)i;
            return 0;
        }
    }
    return aisbx_error_make(err, 0, "unknown container status \"%s\"", s ? s : "");
}
