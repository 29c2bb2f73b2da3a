/* Shared by cgroup.c, cgroup_v1.c, cgroup_v2.c and cgroup_v2_devices.c:
 * file helpers that work on a cgroup directory fd, and the per-version
 * operations cgroup.c dispatches to. Not for use outside runtime/cgroup*. */
#ifndef AISBX_RUNTIME_CGROUP_INTERNAL_H
#define AISBX_RUNTIME_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "specs/config.h"
#include "specs/error.h"

/* Moves e into *err (or frees it when err is NULL / already set); -1. */
int cg_error_pass(aisbx_error **err, aisbx_error *e);

/* A list of directories created by us, in creation order, for rollback. */
struct cg_dirs {
    char **v;
    size_t n;
};
void cg_dirs_push(struct cg_dirs *d, const char *path);
/* rmdir in reverse creation order (best effort), then frees the list. */
void cg_dirs_rollback(struct cg_dirs *d);
void cg_dirs_free(struct cg_dirs *d);

/* mkdir every missing component of mount+path, recording the new ones. */
int cg_mkdir_p(const char *mount, const char *path, struct cg_dirs *created, aisbx_error **err);
/* O_PATH directory fd of dir. */
int cg_open_dir(const char *dir, aisbx_error **err);

/* Writes value to dirfd/file (dir is only for messages and the debug log).
 * On failure errno is kept in the error. */
int cg_write(int dirfd, const char *dir, const char *file, const char *value, aisbx_error **err);
int cg_writef(int dirfd, const char *dir, const char *file, aisbx_error **err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Reads dirfd/file into a heap string with trailing newlines removed.
 * Returns 0 or -1 with errno set. */
int cg_read(int dirfd, const char *file, char **out);
int cg_read_int64(int dirfd, const char *file, int64_t *v); /* "max" -> -1 */
bool cg_has_file(int dirfd, const char *file);

/* Appends the pids of dir/cgroup.procs and of every sub-cgroup. */
int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, aisbx_error **err);
/* rmdir dir after its sub-directories (deepest first), retrying EBUSY for
 * a short while; a missing dir is success. */
int cg_rmdir_tree(const char *dir, aisbx_error **err);
/* Rejects empty, relative or ".."-containing paths. */
int cg_check_path(const char *path, aisbx_error **err);

/* A v1 hierarchy we use: its mount point and the controllers on it. */
struct cg_hier {
    char *mount;
    char *controllers; /* "cpu,cpuacct" */
};
/* Every mounted v1 hierarchy carrying one of the controllers we manage,
 * one entry per hierarchy (named ones such as name=systemd are skipped). */
int cg_v1_hierarchies(struct cg_hier **out, size_t *n, aisbx_error **err);
void cg_v1_hierarchies_free(struct cg_hier *h, size_t n);
bool cg_hier_has(const struct cg_hier *h, const char *controller);
/* The hierarchy carrying controller, or NULL. */
const struct cg_hier *cg_v1_find(const struct cg_hier *h, size_t n, const char *controller);

/* Per-version operations, path already checked. */
int cg_v1_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
int cg_v1_enter(const char *path, pid_t pid, aisbx_error **err);
int cg_v1_update(const char *path, const struct spec_resources *r, aisbx_error **err);
int cg_v1_freeze(const char *path, bool freeze, aisbx_error **err);
int cg_v1_is_frozen(const char *path, bool *frozen, aisbx_error **err);
int cg_v1_destroy(const char *path, aisbx_error **err);
/* Writes r's limits (update: device rules are left alone). */
int cg_v1_apply(const char *path, const struct spec_resources *r, bool update, aisbx_error **err);
/* The directory whose cgroup.procs lists the container's processes. */
char *cg_v1_procs_dir(const char *path, aisbx_error **err);
char *cg_v1_dir(const char *controller, const char *path); /* NULL if not mounted */

int cg_v2_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err);
int cg_v2_enter(const char *path, pid_t pid, aisbx_error **err);
int cg_v2_update(const char *path, const struct spec_resources *r, aisbx_error **err);
int cg_v2_freeze(const char *path, bool freeze, aisbx_error **err);
int cg_v2_is_frozen(const char *path, bool *frozen, aisbx_error **err);
int cg_v2_kill(const char *path, aisbx_error **err); /* cgroup.kill; ENOENT if absent */
char *cg_v2_dir(const char *path);

/* Loads the device filter for rules (runc's semantics: the rules are
 * replayed like the v1 kernel list, default deny, later rules win) and
 * attaches it to the cgroup dir with BPF_F_ALLOW_MULTI. */
int cg_v2_devices_apply(int dirfd, const struct spec_device_cgroup *rules, size_t n,
                        aisbx_error **err);

#endif
