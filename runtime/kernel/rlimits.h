/* process.rlimits, applied to the calling process with prlimit(2). */
#ifndef AISBX_RUNTIME_RLIMITS_H
#define AISBX_RUNTIME_RLIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "specs/config.h"

/* Resource number for "RLIMIT_NOFILE" etc., -1 if unknown. */
int rlimit_from_name(const char *name);
/* Unknown names, soft > hard and raising a hard limit without
 * CAP_SYS_RESOURCE are errors that name the limit. */
int rlimits_apply(const struct spec_rlimit *r, size_t n, aisbx_error **err);
/* Lowers the soft and hard limit of resource to at most max (never raises
 * one: lowering needs no privilege). */
int rlimit_cap(int resource, uint64_t max, aisbx_error **err);

#endif
