/* An engine's overlay root, rebuilt over idmapped layers (issue 14): the
 * overlay itself cannot be idmapped, its layers can. create hands over one
 * detached, idmapped clone per layer (the engine's upper dir first, then
 * the lower layers, top first); here, in the container's mount namespace,
 * they are attached under a private tmpfs laid over the rootfs for the
 * moment, a read-only overlay is mounted over them (relative lowerdir from
 * inside the tmpfs: short option strings however many layers), that
 * overlay is cloned detached, and the tmpfs goes. A read-only overlay needs
 * no work dir, and aisbx's root is read-only anyway; the overlay keeps its
 * layers referenced after the tmpfs is detached. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/rootfs/rootfs.h"

static int build(const char *rootfs, const int *layers, size_t n, int *tree, aisbx_error **err)
{
    if (mount("aisbx-layers", rootfs, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=700") < 0)
        return aisbx_error_make(err, errno, "tmpfs for the layers on %s", rootfs);
    cleanup_close int dir = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return aisbx_error_make(err, errno, "open the layers' tmpfs");
    size_t cap = n * 24 + 16, o = 0;
    cleanup_free char *opt = xmalloc0(cap);
    o += (size_t)snprintf(opt, cap, "lowerdir=");
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof(name), "%zu", i);
        if (mkdirat(dir, name, 0700) < 0 ||
            move_mount(layers[i], "", dir, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            return aisbx_error_make(err, errno, "attach layer %zu", i);
        o += (size_t)snprintf(opt + o, cap - o, "%s%zu", i ? ":" : "", i);
    }
    if (mkdirat(dir, "root", 0700) < 0)
        return aisbx_error_make(err, errno, "mkdir the overlay's mount point");
    cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0 || fchdir(dir) < 0)
        return aisbx_error_make(err, errno, "chdir to the layers");
    int r = mount("overlay", "root", "overlay", MS_RDONLY | MS_NOSUID | MS_NODEV, opt);
    int e = errno;
    if (r == 0)
        *tree = open_tree(AT_FDCWD, "root", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    e = r < 0 ? e : errno;
    if (fchdir(cwd) < 0)
        return aisbx_error_make(err, errno, "chdir back");
    if (r < 0)
        return aisbx_error_make(err, e, "mount a read-only overlay over %zu idmapped layers", n);
    if (*tree < 0)
        return aisbx_error_make(err, e, "clone the rebuilt overlay");
    return 0;
}

int rootfs_overlay_over_layers(const char *rootfs, const int *layers, size_t n, int *tree,
                               aisbx_error **err)
{
    *tree = -1;
    int r = build(rootfs, layers, n, tree, err);
    /* the tmpfs (with the layers and the first overlay mount) goes either
     * way; the clone keeps what it needs */
    if (umount2(rootfs, MNT_DETACH) < 0 && r == 0)
        r = aisbx_error_make(err, errno, "detach the layers' tmpfs");
    if (r < 0 && *tree >= 0) {
        close(*tree);
        *tree = -1;
    }
    return r;
}
