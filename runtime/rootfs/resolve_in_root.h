/* Opening paths inside a container's rootfs without ever leaving it.
 *
 * The rootfs is untrusted (an image anyone could have built): a symlink
 * `etc -> /` or `x -> ../../..` must resolve inside the rootfs, never on the
 * host. Everything here goes through openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS), and mounts are then done on the returned fd via
 * /proc/self/fd/N, so a symlink swapped in after the check cannot redirect
 * the mount (the runc way). */
#ifndef AISBX_RUNTIME_RESOLVE_IN_ROOT_H
#define AISBX_RUNTIME_RESOLVE_IN_ROOT_H

#include <stdbool.h>
#include <sys/types.h>

#include "specs/error.h"

enum resolve_create {
    RESOLVE_CREATE_NONE, /* the path must exist */
    RESOLVE_CREATE_DIR,  /* mkdir -p, final component a directory */
    RESOLVE_CREATE_FILE, /* mkdir -p the parents, final component an empty file */
};

/* Opens `path` (absolute or relative: both are taken relative to rootfd,
 * which acts as "/") as an O_PATH|O_CLOEXEC fd. Missing components are
 * created one by one as asked, each relative to the already resolved parent
 * fd. Returns the fd, or -1 with *err set (errnum ENOENT when the path is
 * missing and create is RESOLVE_CREATE_NONE). */
int resolve_in_root(int rootfd, const char *path, enum resolve_create create, mode_t mode,
                    aisbx_error **err);

/* Opens the parent directory of `path` in the root (creating it when
 * create_parents) and returns its O_PATH fd; *name receives a pointer into a
 * heap copy the caller frees with free(*name_buf). */
int resolve_parent_in_root(int rootfd, const char *path, bool create_parents, char **name_buf,
                           const char **name, aisbx_error **err);

/* "/proc/self/fd/N" for fd into buf (at least 32 bytes). */
const char *fd_proc_path(int fd, char buf[32]);

/* mount(2) onto the object fd refers to. */
int mount_on_fd(const char *source, int fd, const char *fstype, unsigned long flags,
                const char *data);

#endif
