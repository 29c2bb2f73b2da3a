/* Container ids become path components under --root and cgroup names, so
 * they are validated before anything touches the filesystem. */
#ifndef AISBX_RUNTIME_CONTAINER_ID_H
#define AISBX_RUNTIME_CONTAINER_ID_H

#include "specs/error.h"

#define CONTAINER_ID_MAX 1024

/* Accepts [A-Za-z0-9][A-Za-z0-9_+.-]*, at most CONTAINER_ID_MAX bytes
 * (runc's pattern; "." and ".." are excluded by the first character). */
int container_id_validate(const char *id, aisbx_error **err);

#endif
