/* Per-process attributes from process.* and linux.personality, applied by
 * the container's init (or by the parent for oom_score_adj) before execve. */
#ifndef AISBX_RUNTIME_PROCESS_ATTRS_H
#define AISBX_RUNTIME_PROCESS_ATTRS_H

#include <stdbool.h>
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
/* Host side, before anything of the container exists (create and exec,
 * launch_plan_prepare): the LSM that would apply the AppArmor profile /
 * SELinux label runs on this host (decided from the host's /sys, as runc
 * does: /sys/module/apparmor/parameters/enabled, /sys/fs/selinux), the
 * profile is loaded ("unconfined" always is) and the label is a valid
 * context. Either may be NULL or empty (nothing to do); asking for one the
 * host does not run is an error, never a silent downgrade. sysroot is ""
 * (tests point it at a fake tree). */
int process_check_exec_labels(const char *sysroot, const char *apparmor_profile,
                              const char *selinux_label, aisbx_error **err);
bool process_apparmor_enabled(const char *sysroot);
bool process_selinux_enabled(const char *sysroot);
/* Child side, just before execve: sets what the next execve switches to
 * through the LSM's exec attribute (checked by process_check_exec_labels). */
int process_set_exec_labels(const char *apparmor_profile, const char *selinux_label,
                            aisbx_error **err);

#endif
