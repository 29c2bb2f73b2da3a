/* The last steps before the user's program runs, shared by the container
 * init (after `start`) and by `exec`: drop to the configured user and
 * capability sets, set no_new_privs, install the floor filter and the
 * config's filter, verify the floor from inside, execve. */
#ifndef AISBX_RUNTIME_PROCESS_FINAL_H
#define AISBX_RUNTIME_PROCESS_FINAL_H

#include "runtime/seccomp/seccomp.h"
#include "specs/config.h"

struct launch_plan;

struct final_args {
    const struct launch_plan *plan; /* process, filters, preserve_fds (launch_plan.h) */
    const char *exe;                /* resolved args[0] */
    /* linux.seccomp.listenerPath, connected while the host path was still
     * reachable, and the containerProcessState to send with the fd. */
    int listener_sock; /* -1 if the config has no SCMP_ACT_NOTIFY */
    const char *listener_state_json;
};

/* Connects to linux.seccomp.listenerPath when the config's filter notifies
 * (*sock = -1 otherwise). Call before the container's root replaces the
 * host's. */
int process_connect_listener(const struct spec_seccomp *s, int *sock, aisbx_error **err);

/* Only returns on failure (with *err set). */
int process_harden_and_exec(const struct final_args *a, aisbx_error **err);

/* All of process_harden_and_exec but the execve: on success the caller runs
 * with the process's credentials, caps, no_new_privs and filters, every fd
 * past stdio and preserve_fds is close-on-exec, and *stub_fd is the sealed
 * stub (sealed_exec.h) or -2 where the build has none. */
int process_harden(const struct final_args *a, int *stub_fd, aisbx_error **err);

/* chdir to process.cwd and make sure it is inside the container's root:
 * a cwd like /proc/self/fd/N would otherwise follow a runtime fd to the
 * host (CVE-2024-21626); the kernel then reports the cwd as unreachable. */
int process_chdir(const char *cwd, aisbx_error **err);

/* Process attributes that need privileges, applied before the user switch. */
int process_apply_privileged_attrs(const struct spec_process *p, aisbx_error **err);

#endif
