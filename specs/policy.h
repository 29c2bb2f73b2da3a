/* The operator policy file (/etc/aisbx/policy.json): tunables of the
 * hardening overlay. This module only parses it (types, unknown keys); the
 * bounds are enforced by runtime/policy.c, which knows the floor. */
#ifndef AISBX_SPECS_POLICY_H
#define AISBX_SPECS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct spec_policy {
    bool has_pids_max, has_memory_max, has_nofile_max, has_tmpfs_max, has_tmp_exec,
        has_capabilities, has_devpts_max;
    int64_t pids_max;                 /* "pids_max" */
    int64_t memory_max;               /* "memory_max", bytes */
    uint64_t nofile_max;              /* "nofile_max" */
    uint64_t tmpfs_max;               /* "tmpfs_max", bytes */
    bool tmp_exec;                    /* "tmp_exec" */
    struct spec_strlist capabilities; /* "capabilities": ["CAP_CHOWN", ...] */
    uint64_t devpts_max;              /* "devpts_max" (added for issue 10) */
    char *userns;                     /* "userns": "required" | "off"; NULL if absent */
    char *userns_idmap;               /* "userns_idmap": "best-effort" | "required"; NULL */
};

/* An unknown key is an error too: a misspelt tunable must not pass silently. */
int spec_policy_parse(const char *buf, size_t len, struct spec_policy **out, aisbx_error **err);
void spec_policy_free(struct spec_policy *p);

#endif
