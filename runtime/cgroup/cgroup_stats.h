/* What a container's cgroup has counted: runc's stats (for `events`), the
 * counters of what the floor stopped (pids cap hits, OOM kills: the
 * sandbox's events and the verdict), and a descriptor that becomes
 * readable when the kernel OOM-kills in it. v1 and v2; a path from the
 * state file (cgroupfs or a systemd unit's, both are cgroup paths). */
#ifndef AISBX_RUNTIME_CGROUP_STATS_H
#define AISBX_RUNTIME_CGROUP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "specs/error.h"
#include "specs/stats.h"

/* Every statistic runc reports that this host's controllers have; a
 * controller that is not mounted (v1) or enabled (v2) leaves its part zero.
 * Fails only when the cgroup itself is gone or a file is malformed. */
int cgroup_stats(const char *path, struct spec_stats *out, aisbx_error **err);

struct cgroup_counters {
    uint64_t pids_max; /* pids.events "max": forks refused by pids.max */
    uint64_t oom_kill; /* memory.oom_control (v1) / memory.events (v2) "oom_kill" */
    uint64_t oom;      /* v2 memory.events "oom"; v1: 0 */
    bool has_pids, has_oom_kill;
};
/* The counters; a file the kernel does not have leaves has_* false. */
int cgroup_counters(const char *path, struct cgroup_counters *c, aisbx_error **err);

/* A pollable fd that turns readable when the memory controller reports an
 * OOM in the cgroup: v1 an eventfd registered on memory.oom_control, v2 an
 * inotify watch on memory.events and pids.events. cgroup_oom_watch_drain
 * clears it after a wake-up. No memory controller -> *fd = -1, return 0. */
int cgroup_oom_watch(const char *path, int *fd, aisbx_error **err);
void cgroup_oom_watch_drain(int fd);

#endif
