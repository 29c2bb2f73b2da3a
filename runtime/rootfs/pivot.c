/* Switching the process's root to the prepared rootfs. */
#include "runtime/rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"

/* runc's pivotRoot: pivot_root(".", ".") stacks the old root on top of the
 * new one at "/", so no put_old directory is needed inside the rootfs (which
 * may be read-only). The old root is made rslave before the lazy unmount so
 * the unmount does not propagate to the host's mounts. */
static int pivot(const char *rootfs, aisbx_error **err)
{
    cleanup_close int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        return aisbx_error_make(err, errno, "open /");
    cleanup_close int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0)
        return aisbx_error_make(err, errno, "open rootfs %s", rootfs);
    if (fchdir(newroot) < 0)
        return aisbx_error_make(err, errno, "chdir to rootfs");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return aisbx_error_make(err, errno, "pivot_root %s", rootfs);
    /* The old root now sits on top of "."; step onto it to detach it. */
    if (fchdir(oldroot) < 0)
        return aisbx_error_make(err, errno, "chdir to old root");
    if (mount("", ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return aisbx_error_make(err, errno, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
        return aisbx_error_make(err, errno, "detach old root");
    if (chdir("/") < 0)
        return aisbx_error_make(err, errno, "chdir /");
    return 0;
}

/* --no-pivot (a rootfs on a ramfs, where pivot_root is impossible): move
 * the rootfs mount over "/" and chroot into it. The host's mounts stay
 * reachable to a process that escapes the chroot, which is why it is not
 * the default. */
static int move_root(const char *rootfs, aisbx_error **err)
{
    if (chdir(rootfs) < 0)
        return aisbx_error_make(err, errno, "chdir to rootfs %s", rootfs);
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return aisbx_error_make(err, errno, "move rootfs %s to /", rootfs);
    if (chroot(".") < 0)
        return aisbx_error_make(err, errno, "chroot");
    if (chdir("/") < 0)
        return aisbx_error_make(err, errno, "chdir /");
    return 0;
}

int rootfs_pivot(const char *rootfs, bool no_pivot, aisbx_error **err)
{
    int r = no_pivot ? move_root(rootfs, err) : pivot(rootfs, err);
    if (r == 0)
        log_debug("root switched to %s (%s)", rootfs, no_pivot ? "move+chroot" : "pivot_root");
    return r;
}
