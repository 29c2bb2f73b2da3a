/* The processes of a container found without a cgroup (rootless where the
 * user has none): every process in the init's pid namespace. The floor
 * always gives the container its own pid namespace and forbids new ones
 * inside, so that namespace is exactly the container. */
#ifndef AISBX_RUNTIME_PIDNS_PROCS_H
#define AISBX_RUNTIME_PIDNS_PROCS_H

#include <stddef.h>
#include <sys/types.h>

#include "specs/error.h"

/* Host pids of every process in init's pid namespace, ascending; *pids is
 * heap (NULL when none). */
int pidns_procs_list(pid_t init, pid_t **pids, size_t *n, aisbx_error **err);
/* Signals each of them through a pidfd opened before the namespace is
 * checked again, so a pid reused meanwhile is never hit. */
int pidns_procs_kill(pid_t init, int sig, aisbx_error **err);

#endif
