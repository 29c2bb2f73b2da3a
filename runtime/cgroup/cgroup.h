/* Control groups for a container: create, join, limit, freeze, list,
 * kill and remove, on cgroup v1 (one directory per mounted hierarchy) and
 * on cgroup v2 (one directory, devices filtered by an eBPF program).
 *
 * A cgroup is named by one absolute path inside the hierarchy ("/docker/x"),
 * as returned by cgroup_resolve_path() and persisted in the state file; the
 * mount points are found again by every call, so a later `aisbx delete`
 * from another process reaches the same directories. */
#ifndef AISBX_RUNTIME_CGROUP_H
#define AISBX_RUNTIME_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/config.h"
#include "specs/error.h"

enum cgroup_version { CGROUP_V1 = 1, CGROUP_V2 = 2 };

/* /sys/fs/cgroup is cgroup2 (statfs magic) -> V2; otherwise V1 (hybrid
 * counts as V1: the unified mount is ignored). */
int cgroup_version(void);

/* Absolute -> as is (cleaned); relative -> joined to the runtime's own
 * cgroup as runc does (v2: the parent of the own cgroup, v1: the own cgroup
 * in the pids hierarchy, see cgroup.c); NULL/empty -> "/aisbx/<id>".
 * Returns NULL (errno EINVAL) for paths with ".." components. Heap string. */
char *cgroup_resolve_path(const char *cgroups_path, const char *id);

/* --systemd-cgroup: runc's "slice:prefix:name" (empty: system.slice, prefix
 * aisbx, the id) -> the cgroup path of that unit ("/system.slice/
 * aisbx-<id>.scope"). user_uid >= 0: a unit of that host user's systemd
 * --user (rootless), expected under "/user.slice/user-UID.slice/
 * user@UID.service", default slice user.slice. Heap; NULL with err for a
 * malformed path. */
char *cgroup_resolve_systemd_path(const char *cgroups_path, const char *id, int user_uid,
                                  aisbx_error **err);

/* cgroupfs: creates the cgroup in every hierarchy used, applies r (may be
 * NULL), then moves pid in (pid <= 0: no move). On failure removes what it
 * created. */
int cgroup_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
/* --systemd-cgroup's create: *path (from cgroup_resolve_systemd_path, a
 * unit's) is started by systemd as a transient unit with pid in it,
 * Delegate=yes and r's systemd-owned properties, and replaced by the unit's
 * cgroup as systemd reports it (its ControlGroup property), where the rest
 * of r is then written. */
int cgroup_create_unit(char **path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
/* v2: an O_RDONLY fd of the cgroup's directory (made by cgroup_create),
 * for clone3(CLONE_INTO_CGROUP); -1 with errno otherwise (v1: EOPNOTSUPP). */
int cgroup_open_for_clone(const char *path);
/* 0 if /proc/<pid>/cgroup puts pid in path (v2: the unified line; v1: the
 * pids hierarchy's, the one the overlay's pids cap lives in). */
int cgroup_check_member(const char *path, pid_t pid, aisbx_error **err);
/* v1, the cgroupfs driver: how the init puts itself into the cgroup that
 * cgroup_create made. A pid written to cgroup.procs is moved under the
 * kernel's global threadgroup lock taken for writing, and the first writer
 * after ~10 ms without one waits a full RCU grace period for it (4-13 ms
 * measured on this VM's 6.18, most of a create); a thread that writes "0"
 * (itself) to a v1 `tasks` file is moved without that lock (0.04 ms here).
 * The init is single-threaded, so its thread is the process. Where a kernel
 * takes the lock anyway it is only slower: the caller checks membership as
 * for any other way in. tasks_fds: O_WRONLY `tasks` of every v1 hierarchy
 * the cgroup is in; unified_fd: a hybrid host's unified directory, for
 * clone3(CLONE_INTO_CGROUP), or -1. */
struct cgroup_self_join {
    int *tasks_fds;
    size_t n;
    int unified_fd;
};
/* -1 with errno EOPNOTSUPP when the host is not v1. */
int cgroup_self_join_open(const char *path, struct cgroup_self_join *sj, aisbx_error **err);
/* In the process that moves, single-threaded: "0" to every tasks fd. */
int cgroup_self_join(const struct cgroup_self_join *sj, aisbx_error **err);
void cgroup_self_join_close(struct cgroup_self_join *sj);
/* The way into the existing cgroup at path that needs no move by pid, for
 * a process about to be cloned (create's init, exec's joining process):
 * *clone_fd for clone3(CLONE_INTO_CGROUP) (v2: the cgroup; v1: a hybrid
 * host's unified one; -1: none) and on v1 sj's tasks fds, which the
 * process writes "0" into (cgroup_self_join; sj->n 0: none). What is left
 * (neither opened, clone3 refused) is the caller's move by pid
 * (cgroup_enter). -1 with err only when v1's fds cannot be opened. */
int cgroup_way_in_open(const char *path, struct cgroup_self_join *sj, int *clone_fd,
                       aisbx_error **err);
/* AISBX_CLONE_INTO_CGROUP=0: only the move by pid, the way before the
 * above (benchmarks compare the two, tests cover both). */
bool cgroup_way_in_by_pid(void);
/* Joins an existing cgroup (exec). */
int cgroup_enter(const char *path, pid_t pid, aisbx_error **err);
/* Fields that are absent or zero are left unchanged (docker sends zeros).
 * Device rules are not updated (runc update does not touch them either). */
int cgroup_update(const char *path, bool systemd, const struct spec_resources *r,
                  aisbx_error **err);
/* Waits until the cgroup is FROZEN / THAWED. */
int cgroup_freeze(const char *path, bool freeze, aisbx_error **err);
int cgroup_is_frozen(const char *path, bool *frozen, aisbx_error **err);
/* Every process, sub-cgroups included, sorted ascending; *pids is heap
 * (NULL when n == 0). */
int cgroup_pids(const char *path, pid_t **pids, size_t *n, aisbx_error **err);
/* v2 with cgroup.kill and SIGKILL: writes it; else signals every pid (v1
 * SIGKILL: frozen meanwhile, so that forks cannot escape). */
int cgroup_kill_all(const char *path, int sig, aisbx_error **err);
/* rmdir everywhere, deepest first; ENOENT is success. Parents are kept.
 * systemd: the unit is stopped first. */
int cgroup_destroy(const char *path, bool systemd, aisbx_error **err);
/* pids.max of the cgroup; -1 for "max". */
int cgroup_pids_max(const char *path, int64_t *max, aisbx_error **err);

/* Where the cgroup filesystems are mounted (v2 root, or v1 hierarchies). */
#define CGROUP_ROOT "/sys/fs/cgroup"

#endif
