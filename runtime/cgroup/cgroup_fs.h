/* File helpers on cgroup directories, shared by the v1 and v2 drivers and
 * the facade (cgroup_fs.c). They know nothing about cgroup versions. Not
 * for use outside runtime/cgroup*. */
#ifndef AISBX_RUNTIME_CGROUP_FS_H
#define AISBX_RUNTIME_CGROUP_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
/* A dir that does not exist (any more) adds nothing: not an error. */
int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, aisbx_error **err);
/* The pids of dir and its sub-cgroups, sorted ascending; *pids is heap
 * (NULL when n == 0). On failure nothing is returned. */
int cg_list_pids(const char *dir, pid_t **pids, size_t *n, aisbx_error **err);
/* Sends sig to every pid cg_list_pids finds; a pid that is gone is fine. */
int cg_signal_pids(const char *dir, int sig, aisbx_error **err);
/* rmdir dir after its sub-directories (deepest first), retrying EBUSY for
 * a short while; a missing dir is success. */
int cg_rmdir_tree(const char *dir, aisbx_error **err);

#endif
