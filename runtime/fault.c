#include "runtime/fault.h"

#ifdef AISBX_FAULT_POINTS
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fault_point(const char *name)
{
    const char *at = getenv("AISBX_FAULT_AT");
    if (!at || strcmp(at, name) != 0)
        return;
    /* The init is pid 1 of its namespace, which ignores a SIGKILL sent
     * from inside; a trap is a forced signal the kernel always delivers. */
    if (getpid() == 1)
        __builtin_trap();
    kill(getpid(), SIGKILL);
}

void fault_point_step(const char *table, const char *step)
{
    const char *at = getenv("AISBX_FAULT_AT");
    size_t n = strlen(table);
    if (at && strncmp(at, table, n) == 0 && at[n] == ':' && strcmp(at + n + 1, step) == 0)
        fault_point(at);
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int fault_points_disabled;
#endif
