/* The operator's tunables of the hardening overlay, with the floor's fixed
 * bounds. specs/policy.c parses the JSON; this module decides which values
 * are acceptable, because only the runtime knows the floor. */
#ifndef AISBX_RUNTIME_POLICY_H
#define AISBX_RUNTIME_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "specs/error.h"

#define POLICY_DEFAULT_PATH "/etc/aisbx/policy.json"
#define POLICY_ENV "AISBX_POLICY"

#define POLICY_PIDS_DEFAULT 256
#define POLICY_PIDS_MIN 1
#define POLICY_PIDS_MAX 4096
#define POLICY_MEMORY_DEFAULT (1LL << 30)
#define POLICY_MEMORY_MIN (4LL << 20)
#define POLICY_MEMORY_MAX (64LL << 30)
#define POLICY_NOFILE_DEFAULT 1024u
#define POLICY_NOFILE_MIN 64u
#define POLICY_NOFILE_MAX 1048576u
#define POLICY_TMPFS_DEFAULT (64ULL << 20)
#define POLICY_TMPFS_MIN (1ULL << 20)
#define POLICY_TMPFS_MAX (16ULL << 30)
#define POLICY_DEVPTS_DEFAULT 64u
#define POLICY_DEVPTS_MIN 1u
#define POLICY_DEVPTS_MAX 1024u

struct aisbx_policy {
    int64_t pids_max;      /* pids.max ceiling */
    int64_t memory_max;    /* memory limit ceiling, bytes */
    uint64_t nofile_max;   /* RLIMIT_NOFILE ceiling */
    uint64_t tmpfs_max;    /* size cap of every tmpfs, bytes */
    bool tmp_exec;         /* the added /tmp tmpfs allows exec */
    uint64_t allowed_caps; /* bit (1 << CAP_x) for each allowed capability (safe set only) */
    uint64_t devpts_max;   /* max= of every devpts (ptys per container) */
    /* "userns": true (required, the default): every container of a root
     * runtime gets a user namespace of its own (README "The user
     * namespace"); false ("off"): the operator's opt-out, recorded as a
     * change on every container. */
    bool userns;
    /* "userns_idmap": "required" refuses a container whose mount cannot be
     * idmapped; "best-effort" (default) mounts it without and records it. */
    bool userns_idmap_required;
};

/* pids 256, memory 1 GiB, nofile 1024, tmpfs 64 MiB, tmp_exec false, no caps,
 * devpts 64, userns required, idmap best-effort. */
void policy_defaults(struct aisbx_policy *p);

/* path NULL -> $AISBX_POLICY (if set and non-empty) -> POLICY_DEFAULT_PATH.
 * A missing file at the default path means defaults; a missing file that was
 * named explicitly, a malformed file or a value outside the bounds is an
 * error naming the field ("policy pids_max: 100000 is above the bound 4096").
 * On error *p holds the defaults (callers must still refuse to run). */
int policy_load(const char *path, struct aisbx_policy *p, aisbx_error **err);
/* Same checks on a JSON buffer (used by policy_load and the tests). */
int policy_load_buffer(const char *buf, size_t len, struct aisbx_policy *p, aisbx_error **err);

/* Capabilities an operator may allow: CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
 * KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, AUDIT_WRITE. */
uint64_t policy_safe_caps(void);

#endif
