/* Rootless mode, decided as runc and crun decide it: `--rootless auto`
 * (the default) means "the effective uid is not 0, or we run inside a user
 * namespace that is not the initial one" (rootless podman runs the runtime
 * as root of its own namespace). The pure deciders are here for the tests;
 * container.h exports rootless_setup for cmd/. */
#ifndef AISBX_RUNTIME_ROOTLESS_H
#define AISBX_RUNTIME_ROOTLESS_H

#include <stdbool.h>
#include <stdint.h>

#include "specs/config.h"
#include "specs/error.h"

/* value: NULL or "auto", "true", "false"; anything else is an error. */
int rootless_decide(const char *value, bool euid_root, bool in_child_userns, bool *rootless,
                    aisbx_error **err);

/* runc's shouldHonorXDGRuntimeDir: $XDG_RUNTIME_DIR (non-empty) is used by
 * a non-root euid, and by root inside a child user namespace unless $USER
 * is "root". Returns the state root written into buf (xdg + "/aisbx"), or
 * NULL for the default AISBX_DEFAULT_ROOT. */
const char *rootless_state_root(const char *xdg, bool euid_root, bool in_child_userns,
                                const char *user, char *buf, size_t len);

/* What a config needs before anything runs as a plain user (euid not 0,
 * so no capability to make namespaces): a user namespace, and a new one
 * with both id maps (runc's "rootless container requires user
 * namespaces"). Root of a child namespace (rootless podman) has what it
 * needs. One-line error naming the field. */
int rootless_check_config(const struct spec_config *c, bool euid_root, aisbx_error **err);

/* When RLIMIT_NPROC holds the pids cap: the kernel counts per uid, so a
 * process that may change its uid (CAP_SETUID in any set, which a policy
 * can allow) could start pids_max processes per uid it switches to. Such a
 * process is refused with one line. */
int rootless_nproc_check_process(const struct spec_process *p, aisbx_error **err);

/* Rootless: what holds the pids cap. A cgroup the user can make (made
 * here, before the clone, without the device cgroup no user may set; the
 * caller joins the init to it), else RLIMIT_NPROC at pids_max (logged),
 * else (a process that may change its uid, a runtime that is root one
 * level out, another cgroup error) an error. */
struct rootless_pids_cap {
    bool cgroup_made;
    uint64_t nproc_max;  /* > 0: RLIMIT_NPROC holds it, there is no cgroup */
    char annotation[64]; /* ANNOTATION_PIDS_CAP: "cgroup" or "rlimit-nproc:<n>" */
};
/* --systemd-cgroup's manager: -1 (the system's) unless rootless, then the
 * host uid whose systemd --user holds the unit (our euid one level out: the
 * user who runs rootless podman). */
int rootless_systemd_uid(bool rootless);

/* r as a rootless runtime can apply it in a cgroup of its own (a delegated
 * subtree, or a unit of the user's systemd): without the device rules
 * unless the runtime is root one level out. Heap (NULL for NULL). */
struct spec_resources *rootless_cgroup_resources(const struct spec_resources *r);

int rootless_pids_cap(const char *cgroup_path, const struct spec_config *c, int64_t pids_max,
                      struct rootless_pids_cap *out, aisbx_error **err);

#endif
