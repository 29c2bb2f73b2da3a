/* Which user namespace the runtime itself runs in, read from
 * /proc/self/uid_map as runc's userns.RunningInUserNS does: the initial
 * namespace maps all 2^32-1 ids onto themselves. */
#ifndef AISBX_RUNTIME_USERNS_H
#define AISBX_RUNTIME_USERNS_H

#include <stdbool.h>
#include <stdint.h>

/* Pure: the text of a uid_map is the initial namespace's ("0 0 4294967295"). */
bool userns_map_is_initial(const char *text);
/* Pure: the id one level out that `id` maps to in a uid_map text; false if
 * unmapped. */
bool userns_map_outside(const char *text, uint32_t id, uint32_t *out);

/* Not in the initial user namespace (an unreadable map counts as initial). */
bool userns_running_in_child(void);
/* Our effective uid is 0 one level out as well (root of the initial
 * namespace, or of a namespace that maps root to root): no RLIMIT_NPROC
 * binds such a process. */
bool userns_euid_is_outer_root(void);
/* Our effective uid one level out (rootless podman's namespace root -> the
 * user's own uid on the host); -1 if the map does not map it. */
int64_t userns_outer_euid(void);

#endif
