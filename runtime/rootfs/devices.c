/* /dev inside the container: the standard nodes, the config's devices and
 * the usual symlinks (runc's createDevices / setupDevSymlinks / setupPtmx). */
#include "runtime/rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/rootfs/resolve_in_root.h"
#include "runtime/userns_range.h"

struct node {
    const char *path;
    char type; /* c, u, b, p */
    int64_t major, minor;
    mode_t mode;
    uid_t uid;
    gid_t gid;
};

static const struct node default_nodes[] = {
    {"/dev/null", 'c', 1, 3, 0666, 0, 0},    {"/dev/zero", 'c', 1, 5, 0666, 0, 0},
    {"/dev/full", 'c', 1, 7, 0666, 0, 0},    {"/dev/random", 'c', 1, 8, 0666, 0, 0},
    {"/dev/urandom", 'c', 1, 9, 0666, 0, 0}, {"/dev/tty", 'c', 5, 0, 0666, 0, 0},
};

static bool same_path(const char *a, const char *b)
{
    while (*a == '/')
        a++;
    while (*b == '/')
        b++;
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] == '/')
        la--;
    while (lb && b[lb - 1] == '/')
        lb--;
    return la == lb && !strncmp(a, b, la);
}

static const struct spec_mount *find_mount(const struct spec_config *c, const char *dest)
{
    const struct spec_mount *found = NULL;
    for (size_t i = 0; i < c->n_mounts; i++)
        if (c->mounts[i].destination && same_path(c->mounts[i].destination, dest))
            found = &c->mounts[i]; /* the last one wins, as it is mounted on top */
    return found;
}

/* mknod is refused only where it is truly impossible: in a user namespace
 * (the device cgroup allows "m" on the standard nodes, so a plain root
 * container always gets its own nodes). There the host's node is bound, but
 * ONLY read-only (and nosuid, noexec): chmod/chown/utimes then fail with
 * EROFS, so the container cannot change the host's inode that every host
 * user shares. Opening it for read/write still works (device nodes ignore
 * the mount's ro flag). */
static int bind_host_node_ro(int parent, const char *name, const struct node *n, aisbx_error **err)
{
    int f = openat(parent, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0000);
    if (f < 0)
        return aisbx_error_make(err, errno, "create %s", n->path);
    close(f);
    cleanup_close int fd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", n->path);
    if (mount_on_fd(n->path, fd, NULL, MS_BIND, NULL) < 0)
        return aisbx_error_make(err, errno, "bind host %s", n->path);
    /* the fd still names the file under the bind: reopen to reach the bind */
    cleanup_close int bfd = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (bfd < 0)
        return aisbx_error_make(err, errno, "open bound %s", n->path);
    char buf[32];
    unsigned long keep = rootfs_mount_flags_of(fd_proc_path(bfd, buf)) & ~(unsigned long)MS_NODEV;
    if (mount_on_fd(NULL, bfd, NULL,
                    MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | keep, NULL) < 0)
        return aisbx_error_make(err, errno, "make the bind of host %s read-only", n->path);
    return 0;
}

static int create_node(int rootfd, const struct node *n, uint32_t base, aisbx_error **err)
{
    mode_t type;
    switch (n->type) {
    case 'c':
    case 'u':
        type = S_IFCHR;
        break;
    case 'b':
        type = S_IFBLK;
        break;
    case 'p':
        type = S_IFIFO;
        break;
    default:
        return aisbx_error_make(err, EINVAL, "device %s: unknown type '%c'", n->path, n->type);
    }
    if (n->major < 0 || n->minor < 0 || n->major > 0xfff || n->minor > 0xfffff)
        return aisbx_error_make(err, EINVAL, "device %s: bad number %lld:%lld", n->path,
                                (long long)n->major, (long long)n->minor);
    cleanup_free char *buf = NULL;
    const char *name;
    cleanup_close int parent = resolve_parent_in_root(rootfd, n->path, true, &buf, &name, err);
    if (parent < 0)
        return -1;
    /* A devpts instance makes its own pty nodes (and refuses mknod, which
     * would otherwise end in a bind of the host's pty). */
    struct statfs sf;
    if (fstatfs(parent, &sf) == 0 && sf.f_type == DEVPTS_SUPER_MAGIC) {
        log_debug("%s is on the container's devpts, not created", n->path);
        return 0;
    }
    /* An image may ship its own node at the path: replace it with ours. */
    if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
        return aisbx_error_make(err, errno, "remove existing %s", n->path);
    dev_t dev = makedev((unsigned)n->major, (unsigned)n->minor);
    mode_t old = umask(0);
    int r = mknodat(parent, name, type | (n->mode & 07777), dev);
    int e = errno;
    umask(old);
    if (r < 0) {
        if (e != EPERM || type == S_IFIFO)
            return aisbx_error_make(err, e, "mknod %s", n->path);
        log_debug("mknod %s not permitted, binding the host node read-only", n->path);
        return bind_host_node_ro(parent, name, n, err);
    }
    if (fchownat(parent, name, userns_host_id(n->uid, base), userns_host_id(n->gid, base),
                 AT_SYMLINK_NOFOLLOW) < 0)
        return aisbx_error_make(err, errno, "chown %s", n->path);
    return 0;
}

static int make_symlink(int devfd, const char *target, const char *name, uint32_t base,
                        aisbx_error **err)
{
    if (symlinkat(target, devfd, name) < 0) {
        if (errno == EEXIST)
            return 0;
        return aisbx_error_make(err, errno, "symlink /dev/%s -> %s", name, target);
    }
    if (base && fchownat(devfd, name, base, base, AT_SYMLINK_NOFOLLOW) < 0)
        return aisbx_error_make(err, errno, "chown /dev/%s", name);
    return 0;
}

static int dev_symlinks(const struct spec_config *c, int rootfd, uint32_t base, aisbx_error **err)
{
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    cleanup_close int devfd = resolve_in_root(rootfd, "/dev", RESOLVE_CREATE_DIR, 0755, err);
    if (devfd < 0)
        return -1;
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (make_symlink(devfd, links[i][0], links[i][1], base, err) < 0)
            return -1;
    const struct spec_mount *pts = find_mount(c, "/dev/pts");
    if (pts && pts->type && !strcmp(pts->type, "devpts")) {
        /* With a private devpts instance, /dev/ptmx must be its ptmx. */
        if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
            return aisbx_error_make(err, errno, "remove /dev/ptmx");
        if (make_symlink(devfd, "pts/ptmx", "ptmx", base, err) < 0)
            return -1;
        /* devpts makes its ptmx owned by root of the mounter's user
         * namespace, host root here (the init enters its own last) */
        if (base && fchownat(devfd, "pts/ptmx", base, base, 0) < 0)
            return aisbx_error_make(err, errno, "chown /dev/pts/ptmx");
    }
    return 0;
}

int rootfs_setup_dev(const struct spec_config *c, const char *rootfs, uint32_t owner_base,
                     aisbx_error **err)
{
    const struct spec_mount *devm = find_mount(c, "/dev");
    if (devm && spec_mount_is_bind(devm)) {
        log_debug("/dev is a bind mount, leaving it as it is");
        return 0;
    }
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return aisbx_error_make(err, errno, "open rootfs %s", rootfs);
    const struct spec_linux *l = c->linux_;
    for (size_t i = 0; i < sizeof(default_nodes) / sizeof(default_nodes[0]); i++) {
        bool overridden = false;
        for (size_t j = 0; l && j < l->n_devices; j++)
            if (l->devices[j].path && same_path(l->devices[j].path, default_nodes[i].path))
                overridden = true;
        if (!overridden && create_node(rootfd, &default_nodes[i], owner_base, err) < 0)
            return aisbx_error_wrap(err, "default device");
    }
    for (size_t j = 0; l && j < l->n_devices; j++) {
        const struct spec_device *d = &l->devices[j];
        if (!d->path || !d->type || strlen(d->type) != 1)
            return aisbx_error_make(err, EINVAL, "device %zu: missing path or type", j);
        struct node n = {
            .path = d->path,
            .type = d->type[0],
            .major = d->major,
            .minor = d->minor,
            .mode = d->has_file_mode ? (mode_t)d->file_mode : 0666,
            .uid = d->has_uid ? d->uid : 0,
            .gid = d->has_gid ? d->gid : 0,
        };
        if (create_node(rootfd, &n, owner_base, err) < 0)
            return aisbx_error_wrap(err, "config device");
    }
    if (dev_symlinks(c, rootfd, owner_base, err) < 0)
        return -1;
    /* The terminal's pty is bound on /dev/console after the pivot, when /dev
     * is already read-only: the mount point must exist now. */
    if (c->process && c->process->terminal) {
        cleanup_close int devfd = resolve_in_root(rootfd, "/dev", RESOLVE_CREATE_NONE, 0, err);
        if (devfd < 0)
            return -1;
        int fd = openat(devfd, "console", O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return aisbx_error_make(err, errno, "create /dev/console");
        close(fd);
    }
    return 0;
}

int rootfs_seal_dev(const struct spec_config *c, aisbx_error **err)
{
    const struct spec_mount *devm = find_mount(c, "/dev");
    if (!devm || spec_mount_is_bind(devm))
        return 0;
    /* Only the /dev mount itself: /dev/pts, /dev/shm, /dev/mqueue are
     * separate mounts and keep their own flags (shm stays writable). */
    unsigned long keep = rootfs_mount_flags_of("/dev") & ~(unsigned long)MS_NODEV;
    if (mount(NULL, "/dev", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOEXEC | MS_NOSUID | keep,
              NULL) < 0)
        return aisbx_error_make(err, errno, "remount /dev read-only");
    return 0;
}
