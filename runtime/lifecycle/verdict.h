/* The verdict: one line saying what the floor stopped during a container's
 * life ("pids cap hit 312 times; 1 OOM kill; exit status 137"), from the
 * cgroup's own counters (cgroup_stats.h). `delete` logs it before the
 * cgroup goes; `run` adds the exit status it waited for; `state` on a
 * stopped container shows it as the annotation below, kept in the state
 * dir until delete. */
#ifndef AISBX_RUNTIME_VERDICT_H
#define AISBX_RUNTIME_VERDICT_H

#include <stdbool.h>

#include "runtime/cgroup/cgroup_stats.h"
#include "runtime/lifecycle/handle.h"

#define ANNOTATION_VERDICT "run.aisbx.verdict"
#define VERDICT_FILE "verdict"
/* The init's exit status, written by a foreground `run` (the only verb that
 * waits for it: the init is its child). */
#define EXIT_STATUS_FILE "exit-status"

/* "pids cap hit N time(s); M OOM kill(s)[; exit status S]" from the
 * counters the kernel has (has_* false: that part is left out);
 * exit_status < 0: unknown. Heap. */
char *verdict_text(const struct cgroup_counters *c, int exit_status);
/* The verdict from the counters of h's cgroup and the stored exit status
 * (heap), or NULL when the container has no cgroup or the counters cannot
 * be read (logged at debug level). */
char *verdict_compute(const struct container_handle *h);
/* verdict_compute, also written to the verdict file. */
char *verdict_update(const struct container_handle *h);
/* The stored verdict (heap) or NULL. */
char *verdict_load(const struct container_handle *h);
/* run: stores the exit status in <root>/<id>/ before delete reads it. */
void verdict_note_exit(const struct aisbx_context *ctx, const char *id, int status);
/* run --keep: logs the verdict (and stores it) now, as delete would. */
void verdict_log_kept(const struct aisbx_context *ctx, const char *id);

#endif
