/* Container ids become path components under --root and cgroup names, so
 * they are validated before anything touches the filesystem. */
#ifndef AISBX_RUNTIME_CONTAINER_ID_H
#define AISBX_RUNTIME_CONTAINER_ID_H

#include "runtime/container.h" /* container_id_validate: [A-Za-z0-9][A-Za-z0-9_+.-]* */

/* "." and ".." are excluded by the pattern's first character. */
#define CONTAINER_ID_MAX 1024

#endif
