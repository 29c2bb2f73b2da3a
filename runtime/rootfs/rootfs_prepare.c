#include "runtime/rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "runtime/log.h"

unsigned long rootfs_propagation_flags(const char *name)
{
    static const struct {
        const char *name;
        unsigned long flags;
    } table[] = {
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
        {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcmp(table[i].name, name))
            return table[i].flags;
    return 0;
}

unsigned long rootfs_mount_flags_of(const char *path)
{
    static const struct {
        unsigned long st, ms;
    } map[] = {
        {ST_NOSUID, MS_NOSUID},           {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},           {ST_NOATIME, MS_NOATIME},
        {ST_NODIRATIME, MS_NODIRATIME},   {ST_RELATIME, MS_RELATIME},
        {ST_SYNCHRONOUS, MS_SYNCHRONOUS}, {ST_MANDLOCK, MS_MANDLOCK},
    };
    struct statvfs sv;
    unsigned long flags = 0;
    if (statvfs(path, &sv) < 0)
        return 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (sv.f_flag & map[i].st)
            flags |= map[i].ms;
    return flags;
}

/* pivot_root(2) fails when the new root's parent mount is shared. Walk up
 * from the rootfs to the first mount point and make it private (runc's
 * rootfsParentMountPrivate); EINVAL means "not a mount point". */
static int parent_mount_private(const char *rootfs, aisbx_error **err)
{
    char path[PATH_MAX];
    if (!realpath(rootfs, path))
        return aisbx_error_make(err, errno, "resolve rootfs %s", rootfs);
    for (;;) {
        if (mount("", path, NULL, MS_PRIVATE, NULL) == 0)
            return 0;
        if (errno != EINVAL || !strcmp(path, "/"))
            return aisbx_error_make(err, errno, "make %s private", path);
        char *slash = strrchr(path, '/');
        if (slash == path)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

int rootfs_prepare(const struct spec_config *c, const char *rootfs, int tree_fd, const int *layers,
                   size_t n_layers, aisbx_error **err)
{
    unsigned long prop = 0;
    const char *name = c && c->linux_ ? c->linux_->rootfs_propagation : NULL;
    if (name && *name) {
        prop = rootfs_propagation_flags(name);
        if (!prop)
            return aisbx_error_make(err, EINVAL, "unknown rootfsPropagation %s", name);
    }
    /* Cut the flow of mount events back to the host before mounting
     * anything: always rslave first (runc applies only the config's value,
     * and a non-recursive "private" would leave the host's submounts shared
     * with ours). The config's value goes on top: on a slave it can no
     * longer reach the host. */
    if (mount("", "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return aisbx_error_make(err, errno, "make / rslave");
    if (prop && mount("", "/", NULL, prop, NULL) < 0)
        return aisbx_error_make(err, errno, "set propagation of / to %s", name);
    if (parent_mount_private(rootfs, err) < 0)
        return -1;
    int rebuilt = -1;
    if (tree_fd < 0 && n_layers) {
        if (rootfs_overlay_over_layers(rootfs, layers, n_layers, &rebuilt, err) < 0)
            return -1;
        tree_fd = rebuilt;
    }
    if (tree_fd >= 0) {
        int r = move_mount(tree_fd, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH);
        int e = errno;
        if (rebuilt >= 0)
            close(rebuilt);
        if (r < 0)
            return aisbx_error_make(err, e, "attach the idmapped rootfs on %s", rootfs);
    } else if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
        return aisbx_error_make(err, errno, "bind rootfs %s onto itself", rootfs);
    }
    /* nodev: a device node shipped in the image (a c 5:1 console, a 1:3
     * outside /dev) must open nothing; the container's nodes live on the
     * separate /dev tmpfs. nosuid: no set-id binary of the image either. */
    struct statvfs sv;
    unsigned long keep = rootfs_mount_flags_of(rootfs);
    if (statvfs(rootfs, &sv) == 0 && (sv.f_flag & ST_RDONLY))
        keep |= MS_RDONLY;
    if (mount(NULL, rootfs, NULL, MS_BIND | MS_REMOUNT | MS_NODEV | MS_NOSUID | keep, NULL) < 0)
        return aisbx_error_make(err, errno, "remount rootfs %s nodev,nosuid", rootfs);
    log_debug("rootfs %s prepared (propagation of / %s)", rootfs, name ? name : "rslave");
    return 0;
}
