/* Mount points made by create (host root, before the clone) where the init
 * cannot make them: through an idmapped root (host root is not mapped
 * there: EOVERFLOW) or as the mapped root of a config-asked user namespace
 * (a root-owned image). Every mount point the config needs directly in the
 * image is made on the plain directory, exactly as rootfs_mount_one would
 * make it (same resolution inside the root, same modes); those below
 * another mount (/dev/pts in the /dev tmpfs, /sys/fs/cgroup) are left to
 * rootfs_mount_one, which makes them in that mount as before. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/rootfs/resolve_in_root.h"
#include "runtime/rootfs/rootfs.h"

/* dest lies strictly below an earlier mount's destination. */
static bool below_earlier(const struct spec_config *c, size_t i)
{
    const char *d = c->mounts[i].destination;
    for (size_t k = 0; k < i; k++) {
        const char *p = c->mounts[k].destination;
        size_t n = p ? strlen(p) : 0;
        while (n > 1 && p[n - 1] == '/')
            n--;
        if (n && (n == 1 || (strncmp(d, p, n) == 0 && d[n] == '/')))
            return true;
    }
    return false;
}

int rootfs_precreate_mountpoints(const struct spec_config *c, const char *rootfs,
                                 const int *src_fds, aisbx_error **err)
{
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return aisbx_error_make(err, errno, "open rootfs %s", rootfs);
    for (size_t i = 0; i < c->n_mounts; i++) {
        const struct spec_mount *m = &c->mounts[i];
        if (!m->destination || !*m->destination || below_earlier(c, i))
            continue;
        if (rootfs_check_kernel_fs_mountpoint(rootfd, m, err) < 0)
            return aisbx_error_wrap(err, "mount point %s", m->destination);
        bool dir = true;
        struct stat st;
        if (spec_mount_is_bind(m) && src_fds && src_fds[i] >= 0 && fstat(src_fds[i], &st) == 0)
            dir = S_ISDIR(st.st_mode);
        int fd =
            resolve_in_root(rootfd, m->destination, dir ? RESOLVE_CREATE_DIR : RESOLVE_CREATE_FILE,
                            dir ? 0755 : 0644, err);
        if (fd < 0)
            return aisbx_error_wrap(err, "mount point %s", m->destination);
        close(fd);
    }
    return 0;
}
