/* Per-process attributes from process.* and linux.personality, applied by
 * the container's init (or by the parent for oom_score_adj) before execve. */
#ifndef AISBX_RUNTIME_PROCESS_ATTRS_H
#define AISBX_RUNTIME_PROCESS_ATTRS_H

#include <sys/types.h>

#include "specs/config.h"

/* Writes /proc/<pid>/oom_score_adj (pid 0 = self). */
int process_set_oom_score_adj(pid_t pid, int v, aisbx_error **err);
/* ioprio_set(IOPRIO_WHO_PROCESS, self). NULL: nothing to do. */
int process_apply_io_priority(const struct spec_io_priority *p, aisbx_error **err);
/* sched_setattr(self). NULL: nothing to do. */
int process_apply_scheduler(const struct spec_scheduler *s, aisbx_error **err);
/* personality(LINUX | LINUX32). Flags are refused: the ones that exist
 * (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, ...) weaken the process. */
int process_apply_personality(const struct spec_personality *p, aisbx_error **err);
/* Sets the AppArmor profile / SELinux label the next execve switches to.
 * Either may be NULL or empty (nothing to do); asking for one the host does
 * not run is an error, never a silent downgrade. */
int process_set_exec_labels(const char *apparmor_profile, const char *selinux_label,
                            aisbx_error **err);

#endif
