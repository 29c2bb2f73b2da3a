/* `exec`, both halves of the fork (exec_spawn.c): a process started in a
 * running container, fully inside it from the first moment it is visible
 * there, and hardened exactly like the init (the same launch plan). */
#ifndef AISBX_RUNTIME_LAUNCH_EXEC_H
#define AISBX_RUNTIME_LAUNCH_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/launch/launch_plan.h"
#include "specs/config.h"
#include "specs/state.h"

struct exec_launch {
    const struct spec_config *cfg;   /* the container's stored (hardened) config */
    const struct spec_process *proc; /* hardened */
    const struct spec_state *state;  /* the init: pid, start time, cgroup */
    const struct launch_plan *plan;
    /* exec --cgroup: a cgroup under the container's (its full path), NULL
     * for the container's own. Entered after the container's, so that the
     * process is under the pids cap even where the sub-cgroup is absent. */
    const char *sub_cgroup;
    /* the container was made rootless: the parent joins the cgroup by pid
     * (or through the user's systemd), as before */
    bool rootless;
    /* set by exec_launch_spawn; sync = {-1, -1} and pidfd = -1 before */
    int sync[2], join_flags, pidfd;
    pid_t pid; /* the exec process once it exec'd */
};

/* Forks, joins and execs; returns once the program runs (or failed). */
int exec_launch_spawn(struct exec_launch *x, aisbx_error **err);
void exec_launch_close(struct exec_launch *x);

/* The names of the two step tables (the joining process, then the exec
 * process), in order, for the fault build's listing ("exec:<name>"). */
const char *const *exec_step_names(size_t *n);

#endif
