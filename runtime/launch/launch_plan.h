/* The launch plan: what the parent prepares for any child that ends in a
 * hardened execve — the container init (create) and every exec process.
 * Both are built by launch_plan_prepare() and consumed by the same
 * child-side helpers and process_harden() (process_final.h), so `exec`
 * gets the floor of `create` by construction, not by a second copy. */
#ifndef AISBX_RUNTIME_LAUNCH_PLAN_H
#define AISBX_RUNTIME_LAUNCH_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/seccomp/seccomp.h"
#include "specs/config.h"
#include "specs/state.h"

struct launch_plan {
    const struct spec_process *process; /* hardened; not owned */
    const struct spec_seccomp *seccomp; /* the config's (listener), NULL if none; not owned */
    struct seccomp_program floor;       /* the aisbx floor, always */
    struct seccomp_program filter;      /* the config's filter, len 0 if none */
    unsigned int filter_flags;          /* its SECCOMP_FILTER_FLAG_* */
    int console_fd;                     /* connected --console-socket, -1 if none */
    int preserve_fds;
    /* Rootless without a cgroup: RLIMIT_NPROC (soft and hard) at most this
     * holds the pids cap, set and verified by process_harden; 0: the
     * cgroup holds it. */
    uint64_t nproc_max;
    /* The container's own user namespace (USERNS_ANNOTATION): the host id
     * of its uid 0, 0 if none; the terminal is chowned to the host id of
     * the process's uid. */
    uint32_t userns_base;
};

/* Parent side: refuses a terminal without a console socket (runc's text),
 * compiles the floor and the config's filter, connects the console socket.
 * relay_fd >= 0: no socket path, aisbx relays the pty itself (foreground
 * run / exec -t, kernel/console_relay.h); the master goes to this end of
 * its socketpair instead (a duplicate: the caller keeps its own).
 * On failure everything prepared so far is released. */
int launch_plan_prepare(struct launch_plan *p, const struct spec_config *cfg,
                        const struct spec_process *proc, const char *console_socket, int relay_fd,
                        int preserve_fds, aisbx_error **err);
void launch_plan_free(struct launch_plan *p);

/* Child side, while host paths are still reachable: connects to the
 * config's seccomp listenerPath when its filter notifies (*sock = -1
 * otherwise). */
int launch_connect_listener(const struct launch_plan *p, int *sock, aisbx_error **err);
/* The containerProcessState sent with the listener fd. */
int launch_listener_state(const struct launch_plan *p, const struct spec_state *st, pid_t host_pid,
                          char **json, aisbx_error **err);
/* Child side, in the container's mount namespace: with process.terminal, a
 * pty from the container's devpts whose master goes to the console socket
 * and whose slave becomes the controlling terminal and stdio; with
 * bind_dev_console (the init) also bound on /dev/console. Closes the
 * child's copy of the console socket. */
int launch_console(const struct launch_plan *p, bool bind_dev_console, aisbx_error **err);

#endif
