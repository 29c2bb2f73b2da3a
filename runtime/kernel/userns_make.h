/* User namespaces made by the runtime itself (issue 14), held by an fd:
 * a child is cloned with CLONE_NEWUSER, its maps are written from here (as
 * root of the initial namespace), the fd of its namespace is opened, and
 * the child is reaped (about 80 us). Such a namespace serves two purposes:
 *   - the container's own ("template"): the init joins it last with setns,
 *     so every other namespace of the container stays owned by the initial
 *     user namespace; before it exits the child writes 0 to the new
 *     namespace's /proc/sys/user/max_*_namespaces, so nothing inside can
 *     ever create a namespace owned by it;
 *   - the id mapping of an idmapped mount (mount_setattr MOUNT_ATTR_IDMAP). */
#ifndef AISBX_RUNTIME_USERNS_MAKE_H
#define AISBX_RUNTIME_USERNS_MAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "specs/config.h"

/* close_doors: write 0 to every max_*_namespaces inside. owner > 0: the
 * namespace is created by a process with that uid and gid (its "owner"),
 * so that the per-user kernel quotas the container uses (inotify
 * instances, pending signals, namespaces...), which the kernel charges to
 * the owner at every level up, are charged to the container's host uid and
 * never to host root. *fd is O_CLOEXEC. */
int userns_make(const struct spec_id_mapping *uid, size_t n_uid, const struct spec_id_mapping *gid,
                size_t n_gid, bool close_doors, uid_t owner, int *fd, aisbx_error **err);

/* The detached tree tree_fd (open_tree OPEN_TREE_CLONE) becomes idmapped
 * through the user namespace userns_fd, and private (recursive: every
 * mount of it). */
int userns_idmap_tree(int tree_fd, int userns_fd, bool recursive, aisbx_error **err);

/* The /proc/sys/user limits userns_make writes (for tests and `exec`). */
extern const char *const userns_max_files[];

#endif
