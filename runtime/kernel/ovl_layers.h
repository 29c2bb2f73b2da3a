/* The layers of an overlay filesystem, read from /proc/self/mountinfo: an
 * engine's container root (docker's merged, containerd's, podman's) cannot
 * be idmapped itself (EINVAL), but each of its layers can, and a read-only
 * overlay over the idmapped layers, with the engine's upper dir as the top
 * lower layer, is the same tree owned by the right ids inside (issue 14).
 * mountinfo escapes space, tab, newline and backslash in octal (\040), and
 * the overlay's options escape ',' and '=' the same way; a ':' inside a
 * layer's path is written "\:". Engines mount with relative lower layers
 * (docker: "l/ABC..." from its overlay2 dir); those resolve against the
 * directory that holds the upper dir's parent. */
#ifndef AISBX_RUNTIME_OVL_LAYERS_H
#define AISBX_RUNTIME_OVL_LAYERS_H

#include <stddef.h>

#include "specs/error.h"

struct ovl_layers {
    char *upper;  /* NULL for a read-only overlay */
    char **lower; /* top first, absolute */
    size_t n_lower;
};

/* Pure: the overlay mounted at mountpoint (absolute, as mountinfo shows it;
 * the last mount there is the one seen). Returns 1 and fills *out, 0 when
 * the mount there is not an overlay (or none is), -1 on a malformed line or
 * a relative layer that cannot be resolved. */
int ovl_layers_parse(const char *mountinfo, const char *mountpoint, struct ovl_layers *out,
                     aisbx_error **err);
void ovl_layers_free(struct ovl_layers *l);

#endif
