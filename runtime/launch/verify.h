/* Checks of the floor from inside the container, run by the container's init
 * after no_new_privs and seccomp are set, right before execve of the user
 * process. They catch a rule that was decided but not applied (a bug, or a
 * kernel that silently ignored something): a failed check aborts the start.
 *
 * The pids-cgroup check (the process is in a cgroup with a pids limit) is
 * not here: it is done by the caller in the parent, which reads the limit
 * with the cgroup code once the init has joined the cgroup. */
#ifndef AISBX_RUNTIME_VERIFY_H
#define AISBX_RUNTIME_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "specs/config.h"
#include "specs/error.h"

struct verify_expect {
    /* Capability sets the process must have, as bit masks (1 << CAP_x). */
    uint64_t eff, prm, inh, amb, bnd;
    /* The network namespace must hold nothing but lo. A caller that lets
     * engine hooks add interfaces (docker's libnetwork-setkey) clears this. */
    bool net_only_lo;
    /* Rootless without a cgroup: RLIMIT_NPROC (soft and hard) must be at
     * most this (the pids cap's holder); 0: not checked here (the parent
     * checks the cgroup's pids.max). */
    uint64_t nproc_max;
};

/* Expected masks from the hardened process (overlay output), each set by
 * caps_from_names as caps_apply converts it (a capability the kernel lacks is
 * in neither); net_only_lo = true. An unknown name is an error. */
int verify_expect_from_process(const struct spec_process *p, struct verify_expect *e,
                               aisbx_error **err);

/* All checks; the first failure is returned as
 * "overlay verification failed: <what>", e.g. "root filesystem is writable". */
int verify_floor(const struct verify_expect *e, aisbx_error **err);

/* The individual checks (used by verify_floor and by the tests). */
int verify_net_only_lo(aisbx_error **err);
int verify_root_readonly(aisbx_error **err);
int verify_no_new_privs(aisbx_error **err);
int verify_seccomp_filter(aisbx_error **err);
int verify_caps(const struct verify_expect *e, aisbx_error **err);
int verify_nproc(uint64_t max, aisbx_error **err);
/* Parses the Cap* and Seccomp lines of a /proc/<pid>/status text. */
int verify_parse_status(const char *status, uint64_t *eff, uint64_t *prm, uint64_t *inh,
                        uint64_t *amb, uint64_t *bnd, int *seccomp_mode);

#endif
