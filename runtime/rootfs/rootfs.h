/* The container's root filesystem, set up by its init process inside its
 * new mount namespace (and new pid namespace, so a proc mount shows the
 * container's pids). Call order:
 *   rootfs_prepare -> rootfs_mount_all -> rootfs_setup_dev -> [hooks]
 *   -> rootfs_pivot -> sysctl_apply (sysctl.h) -> rootfs_finalize
 * (sysctls go before finalize: readonlyPaths usually makes /proc/sys
 * read-only.)
 * Every mount target is resolved inside the rootfs (resolve_in_root.h): an
 * image's symlinks cannot send a mount to the host. The config is applied
 * exactly as given: the hardening overlay has already rewritten it (nosuid,
 * nodev, read-only binds, masked paths...). */
#ifndef AISBX_RUNTIME_ROOTFS_H
#define AISBX_RUNTIME_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "specs/config.h"

/* Makes "/" MS_SLAVE|MS_REC (then the config's rootfsPropagation) so nothing
 * leaks back to the host, makes the rootfs's parent mount private (pivot_root
 * refuses shared parents) and bind-mounts the rootfs onto itself (MS_REC) so
 * it is a mount point. */
/* tree_fd >= 0: a detached (idmapped) clone of the rootfs made by create,
 * attached there instead of the bind; else n_layers > 0: the idmapped
 * layers of an engine's overlay root, rebuilt into a read-only overlay
 * (overlay_root.c) attached there. */
int rootfs_prepare(const struct spec_config *c, const char *rootfs, int tree_fd, const int *layers,
                   size_t n_layers, aisbx_error **err);
/* overlay_root.c: *tree is a detached read-only overlay over the layers
 * (top first); a tmpfs is laid over rootfs meanwhile and removed. */
int rootfs_overlay_over_layers(const char *rootfs, const int *layers, size_t n, int *tree,
                               aisbx_error **err);

/* create, before the clone, with an idmapped root or a user namespace: the
 * mount points the config needs directly in the image, made on the plain
 * directory (mountpoints.c). src_fds as for rootfs_mount_all. */
int rootfs_precreate_mountpoints(const struct spec_config *c, const char *rootfs,
                                 const int *src_fds, aisbx_error **err);

/* The config's mounts, in order. src_fds (per mount; create passes the
 * hardened bundle's mount_fds): a bind is attached from src_fds[i], a clone
 * made by rootfs_clone_bind_source() of the source the overlay judged; the
 * source path is not looked at again. src_fds NULL (tests only): each bind
 * source is opened here (relative to the bundle) and cloned. */
int rootfs_mount_all(const struct spec_config *c, const char *rootfs, const char *bundle,
                     const int *src_fds, aisbx_error **err);
/* A proc or sysfs mount whose mount point in the rootfs exists and is not a
 * directory (a symlink, a file) is refused; anything else passes. */
int rootfs_check_kernel_fs_mountpoint(int rootfd, const struct spec_mount *m, aisbx_error **err);
/* One mount; src_fd as one entry of src_fds above, or -1. */
int rootfs_mount_one(const struct spec_mount *m, int rootfd, const char *bundle, int src_fd,
                     const char *mount_label, aisbx_error **err);
/* A detached copy of the mount at src_fd (any O_PATH fd), to be attached in
 * another mount namespace by rootfs_mount_all. Must run in the mount
 * namespace src_fd was opened in. */
int rootfs_clone_bind_source(int src_fd, bool recursive, aisbx_error **err);

/* When the config mounts something on /dev: the default device nodes
 * (null zero full random urandom tty), the config's devices (mknod, or a
 * read-only bind of the host node where mknod is impossible: a user
 * namespace), the /dev/fd, stdin, stdout, stderr and (with a devpts at
 * /dev/pts) ptmx symlinks, and the /dev/console mount point for a terminal.
 * Node owners are container ids: owner_base, the host id of container id 0
 * in the runtime's user namespace the init enters last (launch_plan's
 * userns_base; 0: none), is added to those below 65536, so that root's
 * nodes are root's inside too, as without the namespace. */
int rootfs_setup_dev(const struct spec_config *c, const char *rootfs, uint32_t owner_base,
                     aisbx_error **err);

/* After the pivot (rootfs_finalize): the /dev tmpfs populated by
 * rootfs_setup_dev becomes read-only, noexec and nosuid, so nothing can be
 * run from or replaced in /dev. No-op when /dev is a bind or not mounted. */
int rootfs_seal_dev(const struct spec_config *c, aisbx_error **err);

/* pivot_root(".", ".") + detach of the old root (runc's way); no_pivot:
 * MS_MOVE the rootfs onto "/" and chroot. Leaves the cwd at the new "/". */
int rootfs_pivot(const char *rootfs, bool no_pivot, aisbx_error **err);

/* After the pivot: maskedPaths, readonlyPaths, read-only "/" when
 * root.readonly, then rootfsPropagation on "/". */
int rootfs_finalize(const struct spec_config *c, aisbx_error **err);

/* "private", "rslave", ... -> MS_* flags; 0 for an unknown name. */
unsigned long rootfs_propagation_flags(const char *name);

/* Mount flags (MS_NOSUID, MS_NODEV, MS_NOEXEC, atime...) of the mount that
 * holds path, to keep them on a read-only remount (the kernel refuses to
 * drop locked flags, and dropping them would weaken the mount). */
unsigned long rootfs_mount_flags_of(const char *path);

#endif
