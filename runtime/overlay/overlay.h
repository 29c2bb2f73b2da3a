/* The mandatory hardening overlay (the rules table is README.md, "The hardening overlay").
 * Pure functions: no I/O, no syscalls, no logging, so that every rule is
 * unit-tested with plain data. Host facts the rules need (is this namespace
 * the host's? is this bind source a socket?) come in `struct overlay_facts`,
 * gathered beforehand by overlay_facts_gather(). The caller logs the changes
 * and stores the hardened config. The inputs are never modified. */
#ifndef AISBX_RUNTIME_OVERLAY_H
#define AISBX_RUNTIME_OVERLAY_H

#include <stddef.h>

#include "runtime/overlay/overlay_facts.h"
#include "runtime/overlay/policy.h"
#include "runtime/userns_range.h"
#include "specs/config.h"
#include "specs/error.h"

/* One changed field. `rule` is a static string naming the rule ("network",
 * "capabilities", ...), the rest are short heap strings. */
struct overlay_change {
    char *field;     /* "linux.namespaces[network].path" */
    char *old_value; /* "/proc/1/ns/net", "(absent)" */
    char *new_value; /* "(new namespace)", "(removed)" */
    const char *rule;
};

struct overlay_changes {
    struct overlay_change *v;
    size_t n;
};

/* Annotation the lifecycle adds to the stored config so `state` shows it,
 * value e.g. "applied; 12 changes". */
#define OVERLAY_ANNOTATION "run.aisbx.overlay"
/* The user namespace the overlay gave the container (overlay_userns.c):
 * the host id of container id 0; the range is USERNS_RANGE_SIZE ids. */
#define USERNS_ANNOTATION "run.aisbx.userns"

/* The whole config (create). facts may be NULL: every namespace path and
 * bind source is then judged by its text alone, and unverifiable namespace
 * paths are replaced by new namespaces. Refuses (-1) only what cannot be made
 * safe: no process, no root. `changes` is appended to (zero it first). */
int overlay_apply(const struct spec_config *in, const struct overlay_facts *facts,
                  const struct aisbx_policy *pol, struct spec_config **out,
                  struct overlay_changes *changes, aisbx_error **err);

/* As overlay_apply, and *mount_origin (caller frees) says where each mount
 * of *out came from: the index of the input mount (so of its bind fact, whose
 * opened source create mounts), or OVERLAY_ADDED_MOUNT. */
#define OVERLAY_ADDED_MOUNT ((size_t)-1)
int overlay_apply_traced(const struct spec_config *in, const struct overlay_facts *facts,
                         const struct aisbx_policy *pol, struct spec_config **out,
                         size_t **mount_origin, struct overlay_changes *changes, aisbx_error **err);

/* `exec --process`: no_new_privs, capabilities, rlimits, oom_score_adj. */
int overlay_apply_process(const struct spec_process *in, const struct aisbx_policy *pol,
                          struct spec_process **out, struct overlay_changes *changes,
                          aisbx_error **err);

/* `update --resources`: 0 means "unchanged" (docker sends zeros) and stays 0;
 * a value above the policy is capped; -1/negative (unlimited) becomes the
 * policy's maximum; swap (memory+swap) follows the memory limit; device rules
 * and floor-overriding unified keys are dropped. */
int overlay_apply_resources(const struct spec_resources *in, const struct aisbx_policy *pol,
                            struct spec_resources **out, struct overlay_changes *changes,
                            aisbx_error **err);

void overlay_changes_free(struct overlay_changes *c);

#endif
