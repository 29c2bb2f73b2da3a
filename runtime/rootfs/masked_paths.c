/* After the pivot: hiding (maskedPaths) and freezing (readonlyPaths) parts of
 * /proc and /sys, then the read-only root and its propagation. */
#include "runtime/rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/rootfs/resolve_in_root.h"

/* Mounts go through /proc/self/fd/N when a real procfs is at /proc; without
 * one (a config with no proc mount), the path itself: after the pivot there
 * is nothing outside the root for a symlink to reach anyway. */
static const char *target_of(int fd, const char *path, char buf[32])
{
    struct statfs sf;
    if (statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
        return fd_proc_path(fd, buf);
    return path;
}

/* Returns the O_PATH fd, -2 when the path does not exist (skipped, as in
 * runc), -1 on error. */
static int open_existing(int rootfd, const char *path, aisbx_error **err)
{
    aisbx_error *e = NULL;
    int fd = resolve_in_root(rootfd, path, RESOLVE_CREATE_NONE, 0, &e);
    if (fd >= 0)
        return fd;
    if (e && e->errnum == ENOENT) {
        aisbx_error_free(&e);
        return -2;
    }
    if (err && !*err)
        *err = e;
    else
        aisbx_error_free(&e);
    return -1;
}

static int mask_path(int rootfd, const char *path, aisbx_error **err)
{
    cleanup_close int fd = open_existing(rootfd, path, err);
    if (fd == -2)
        return 0;
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return aisbx_error_make(err, errno, "stat %s", path);
    char buf[32];
    const char *target = target_of(fd, path, buf);
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            return aisbx_error_make(err, errno, "mask directory %s", path);
    } else if (mount("/dev/null", target, NULL, MS_BIND, NULL) < 0) {
        return aisbx_error_make(err, errno, "mask %s with /dev/null", path);
    }
    return 0;
}

static int readonly_path(int rootfd, const char *path, aisbx_error **err)
{
    {
        cleanup_close int fd = open_existing(rootfd, path, err);
        if (fd == -2)
            return 0;
        if (fd < 0)
            return -1;
        char buf[32];
        const char *target = target_of(fd, path, buf);
        if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
            return aisbx_error_make(err, errno, "bind %s onto itself", path);
    }
    /* Reopen: the old fd still points below the new bind mount. */
    cleanup_close int fd = resolve_in_root(rootfd, path, RESOLVE_CREATE_NONE, 0, err);
    if (fd < 0)
        return -1;
    char buf[32];
    const char *target = target_of(fd, path, buf);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | rootfs_mount_flags_of(target);
    if (mount(NULL, target, NULL, flags, NULL) < 0)
        return aisbx_error_make(err, errno, "remount %s read-only", path);
    return 0;
}

int rootfs_finalize(const struct spec_config *c, aisbx_error **err)
{
    cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return aisbx_error_make(err, errno, "open /");
    const struct spec_linux *l = c->linux_;
    for (size_t i = 0; l && i < l->masked_paths.n; i++)
        if (mask_path(rootfd, l->masked_paths.v[i], err) < 0)
            return aisbx_error_wrap(err, "maskedPaths");
    for (size_t i = 0; l && i < l->readonly_paths.n; i++)
        if (readonly_path(rootfd, l->readonly_paths.v[i], err) < 0)
            return aisbx_error_wrap(err, "readonlyPaths");
    if (rootfs_seal_dev(c, err) < 0)
        return -1;
    if (c->root && c->root->readonly) {
        unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | rootfs_mount_flags_of("/");
        if (mount(NULL, "/", NULL, flags, NULL) < 0)
            return aisbx_error_make(err, errno, "remount / read-only");
    }
    const char *prop = l ? l->rootfs_propagation : NULL;
    if (prop && *prop) {
        unsigned long flags = rootfs_propagation_flags(prop);
        if (!flags)
            return aisbx_error_make(err, EINVAL, "unknown rootfsPropagation %s", prop);
        if (mount("", "/", NULL, flags, NULL) < 0)
            return aisbx_error_make(err, errno, "set rootfsPropagation %s on /", prop);
    }
    return 0;
}
