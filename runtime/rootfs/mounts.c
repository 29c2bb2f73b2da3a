/* The config's mounts, performed in order, each onto an fd resolved inside
 * the rootfs (resolve_in_root.h) through /proc/self/fd/N. A bind is never
 * made from its source path: create hands over a detached copy (open_tree)
 * of the very object the overlay judged, attached here with move_mount. */
#include "runtime/rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/log.h"
#include "runtime/rootfs/mount_options.h"
#include "runtime/rootfs/resolve_in_root.h"

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

static int reopen(int rootfd, const char *dest, aisbx_error **err)
{
    return resolve_in_root(rootfd, dest, RESOLVE_CREATE_NONE, 0, err);
}

/* A bind ignores every flag but MS_REC on the first call; the flags take a
 * second, MS_REMOUNT call. When the kernel refuses (EPERM: it will not drop
 * flags locked on the source mount), retry keeping the source's flags. */
static int remount_bind(int rootfd, const char *dest, unsigned long flags, aisbx_error **err)
{
    cleanup_close int fd = reopen(rootfd, dest, err);
    if (fd < 0)
        return -1;
    flags |= MS_BIND | MS_REMOUNT;
    if (mount_on_fd(NULL, fd, NULL, flags, NULL) == 0)
        return 0;
    if (errno == EPERM) {
        char buf[32];
        unsigned long have = rootfs_mount_flags_of(fd_proc_path(fd, buf));
        if (flags & ATIME_FLAGS)
            have &= ~(unsigned long)ATIME_FLAGS;
        if (mount_on_fd(NULL, fd, NULL, flags | have, NULL) == 0)
            return 0;
    }
    return aisbx_error_make(err, errno, "remount %s with flags 0x%lx", dest, flags);
}

/* Propagation and the recursive (r*) attributes are separate calls after
 * the mount itself (mount(2) does not take them with a new mount). */
static int apply_after(int rootfd, const char *dest, const struct mount_opts *o, aisbx_error **err)
{
    if (!o->n_propagation && !o->attr_set && !o->attr_clr)
        return 0;
    cleanup_close int fd = reopen(rootfd, dest, err);
    if (fd < 0)
        return -1;
    for (int i = 0; i < o->n_propagation; i++)
        if (mount_on_fd(NULL, fd, NULL, o->propagation[i], NULL) < 0)
            return aisbx_error_make(err, errno, "set propagation 0x%lx on %s", o->propagation[i],
                                    dest);
    if (o->attr_set || o->attr_clr) {
        struct mount_attr attr = {.attr_set = o->attr_set, .attr_clr = o->attr_clr};
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
            return aisbx_error_make(err, errno, "mount_setattr(AT_RECURSIVE) on %s", dest);
    }
    return 0;
}

int rootfs_clone_bind_source(int src_fd, bool recursive, aisbx_error **err)
{
    int fd = open_tree(src_fd, "",
                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                           (recursive ? AT_RECURSIVE : 0));
    if (fd < 0)
        return aisbx_error_make(err, errno, "open_tree (clone the bind source)");
    return fd;
}

/* Without a prepared source (unit tests): open it once here, in this mount
 * namespace, never through a magic link, and clone that. */
static int clone_source_here(const struct spec_mount *m, const struct mount_opts *o,
                             const char *bundle, aisbx_error **err)
{
    cleanup_free char *src =
        m->source[0] == '/' || !bundle ? xstrdup(m->source) : xasprintf("%s/%s", bundle, m->source);
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
    cleanup_close int fd = (int)syscall(SYS_openat2, AT_FDCWD, src, &how, sizeof(how));
    if (fd < 0)
        return aisbx_error_make(err, errno, "open bind source %s", src);
    return rootfs_clone_bind_source(fd, o->rec_bind, err);
}

static int mount_bind(const struct spec_mount *m, const struct mount_opts *o, int rootfd,
                      const char *bundle, int tree_fd, aisbx_error **err)
{
    if (!m->source || !*m->source)
        return aisbx_error_make(err, EINVAL, "bind mount without a source");
    cleanup_close int own = -1;
    if (tree_fd < 0) {
        own = clone_source_here(m, o, bundle, err);
        if (own < 0)
            return -1;
        tree_fd = own;
    }
    struct stat st;
    if (fstat(tree_fd, &st) < 0)
        return aisbx_error_make(err, errno, "stat bind source %s", m->source);
    bool dir = S_ISDIR(st.st_mode);
    cleanup_close int fd =
        resolve_in_root(rootfd, m->destination, dir ? RESOLVE_CREATE_DIR : RESOLVE_CREATE_FILE,
                        dir ? 0755 : 0644, err);
    if (fd < 0)
        return -1;
    if (move_mount(tree_fd, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return aisbx_error_make(err, errno, "bind %s", m->source);
    if (mount_opts_need_remount(o) && remount_bind(rootfd, m->destination, o->flags, err) < 0)
        return -1;
    return apply_after(rootfd, m->destination, o, err);
}

/* ---- cgroup ---------------------------------------------------------- */

static bool cgroup_option_kept(const char *opt)
{
    static const char *const dropped[] = {
        "rw", "ro", "xattr", "noprefix", "clone_children", "cpuset_v2_mode", "favordynmods"};
    for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
        if (!strcmp(opt, dropped[i]))
            return false;
    return !strchr(opt, '=') || !strncmp(opt, "name=", 5);
}

/* Controllers and name= of a v1 hierarchy, from mountinfo's super options,
 * so that mounting with them attaches to the same hierarchy. */
static char *cgroup_v1_data(const char *superopts)
{
    cleanup_free char *copy = xstrdup(superopts);
    char *out = NULL, *save = NULL;
    for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!cgroup_option_kept(o))
            continue;
        char *n = out ? xasprintf("%s,%s", out, o) : xstrdup(o);
        free(out);
        out = n;
    }
    return out;
}

/* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct" on the host. */
static void cgroup_comount_links(int dirfd, const char *name)
{
    if (!strchr(name, ','))
        return;
    cleanup_free char *copy = xstrdup(name);
    char *save = NULL;
    for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
        if (symlinkat(name, dirfd, c) < 0 && errno != EEXIST)
            log_debug("symlink cgroup %s -> %s: %m", c, name);
}

static int cgroup_v1_one(int rootfd, const char *dest, const char *name, const char *fstype,
                         const char *superopts, unsigned long flags, aisbx_error **err)
{
    cleanup_free char *sub = xasprintf("%s/%s", dest, name);
    cleanup_free char *data = strcmp(fstype, "cgroup2") ? cgroup_v1_data(superopts) : NULL;
    cleanup_close int fd = resolve_in_root(rootfd, sub, RESOLVE_CREATE_DIR, 0755, err);
    if (fd < 0)
        return -1;
    if (mount_on_fd(fstype, fd, fstype, flags, data) < 0)
        return aisbx_error_make(err, errno, "mount %s (%s) on %s", fstype, data ? data : "", sub);
    cleanup_close int dirfd = reopen(rootfd, dest, err);
    if (dirfd < 0)
        return -1;
    cgroup_comount_links(dirfd, name);
    return 0;
}

/* A host with v1 (or hybrid) hierarchies: a tmpfs at the target and every
 * hierarchy the host has mounted under /sys/fs/cgroup, as runc does. In the
 * container's cgroup namespace each shows the container's own subtree. */
static int mount_cgroup_v1(const struct spec_mount *m, const struct mount_opts *o, int rootfd,
                           aisbx_error **err)
{
    unsigned long flags = o->flags & ~(unsigned long)(MS_REMOUNT | MS_BIND | MS_REC);
    cleanup_close int fd = resolve_in_root(rootfd, m->destination, RESOLVE_CREATE_DIR, 0755, err);
    if (fd < 0)
        return -1;
    if (mount_on_fd("tmpfs", fd, "tmpfs", (flags & ~(unsigned long)MS_RDONLY), "mode=755") < 0)
        return aisbx_error_make(err, errno, "mount tmpfs for cgroup");

    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return aisbx_error_make(err, errno, "open /proc/self/mountinfo");
    char *line = NULL;
    size_t cap = 0;
    int ret = 0;
    while (ret == 0 && getline(&line, &cap, f) > 0) {
        char mp[512], fstype[64], superopts[512];
        /* id parent dev root mountpoint opts [optional...] - fstype source superopts */
        const char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mp) != 1 ||
            sscanf(dash + 3, "%63s %*s %511s", fstype, superopts) != 2)
            continue;
        if (strncmp(mp, "/sys/fs/cgroup/", 15) || strchr(mp + 15, '/') || !mp[15])
            continue;
        if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
            continue;
        ret = cgroup_v1_one(rootfd, m->destination, mp + 15, fstype, superopts, flags, err);
    }
    free(line);
    fclose(f);
    if (ret < 0)
        return -1;
    if (flags & MS_RDONLY) {
        cleanup_close int top = reopen(rootfd, m->destination, err);
        if (top < 0)
            return -1;
        if (mount_on_fd(NULL, top, NULL, MS_REMOUNT | flags, NULL) < 0)
            return aisbx_error_make(err, errno, "remount cgroup tmpfs read-only");
    }
    return apply_after(rootfd, m->destination, o, err);
}

static int mount_cgroup(const struct spec_mount *m, const struct mount_opts *o, int rootfd,
                        aisbx_error **err)
{
    /* Our mount namespace is still a copy of the host's: its /sys/fs/cgroup
     * tells which hierarchy the host uses. */
    if (cgroup_version() == CGROUP_V2) {
        cleanup_close int fd =
            resolve_in_root(rootfd, m->destination, RESOLVE_CREATE_DIR, 0755, err);
        if (fd < 0)
            return -1;
        if (mount_on_fd("cgroup2", fd, "cgroup2", o->flags, NULL) < 0)
            return aisbx_error_make(err, errno, "mount cgroup2");
        return apply_after(rootfd, m->destination, o, err);
    }
    return mount_cgroup_v1(m, o, rootfd, err);
}

/* ---- proc and sysfs: only on a real directory --------------------------- */

/* An image whose /proc (or /sys) is a symlink would have proc mounted where
 * the link points, while masked and read-only paths are set up by name
 * under /proc: the two must agree, so the mount point itself (the last
 * component, not followed) must be a directory or not exist yet. runc
 * refuses the same images (CVE-2019-19921's class). */
int rootfs_check_kernel_fs_mountpoint(int rootfd, const struct spec_mount *m, aisbx_error **err)
{
    if (spec_mount_is_bind(m) || !m->type || (strcmp(m->type, "proc") && strcmp(m->type, "sysfs")))
        return 0;
    cleanup_free char *name_buf = NULL;
    const char *name = NULL;
    cleanup_error aisbx_error *ignored = NULL;
    cleanup_close int parent =
        resolve_parent_in_root(rootfd, m->destination, false, &name_buf, &name, &ignored);
    if (parent < 0)
        return 0; /* a missing parent is made with the mount point */
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0
                               : aisbx_error_make(err, errno, "stat %s in rootfs", m->destination);
    if (!S_ISDIR(st.st_mode))
        return aisbx_error_make(err, EINVAL,
                                "filesystem \"%s\" must be mounted on ordinary directory: %s "
                                "in the rootfs is a %s",
                                m->type, m->destination, S_ISLNK(st.st_mode) ? "symlink" : "file");
    return 0;
}

/* ---- everything else --------------------------------------------------- */

static int mount_fs(const struct spec_mount *m, const struct mount_opts *o, int rootfd,
                    aisbx_error **err)
{
    const char *type = m->type;
    const char *source = m->source && *m->source ? m->source : type;
    cleanup_close int fd = resolve_in_root(rootfd, m->destination, RESOLVE_CREATE_DIR, 0755, err);
    if (fd < 0)
        return -1;
    if (o->tmpcopyup)
        log_debug("mount %s: tmpcopyup is not supported, ignored", m->destination);
    /* /dev is populated after its mount (pts, shm, the nodes) and always
     * sealed read-only at the end (rootfs_seal_dev): an "ro" /dev is
     * mounted writable first, as runc does. */
    unsigned long flags = o->flags;
    if (strcmp(m->destination, "/dev") == 0 || strcmp(m->destination, "/dev/") == 0)
        flags &= ~(unsigned long)MS_RDONLY;
    if (mount_on_fd(source, fd, type, flags, o->data) < 0) {
        /* sysfs can only be mounted in a network namespace the mounter owns;
         * otherwise fall back to the host's /sys, recursively bound (runc). */
        if (errno != EPERM || strcmp(type, "sysfs"))
            return aisbx_error_make(err, errno, "mount %s (%s)", type, o->data ? o->data : "");
        log_debug("sysfs not permitted, binding /sys instead");
        if (mount_on_fd("/sys", fd, NULL, MS_BIND | MS_REC, NULL) < 0)
            return aisbx_error_make(err, errno, "bind /sys");
        if (mount_opts_need_remount(o) && remount_bind(rootfd, m->destination, o->flags, err) < 0)
            return -1;
    }
    return apply_after(rootfd, m->destination, o, err);
}

/* runc's label.FormatMountLabel: filesystems the kernel labels at mount
 * time get linux.mountLabel as their context; proc, sysfs and cgroups keep
 * their own labels, binds keep the source's. */
static bool takes_mount_label(const char *type)
{
    static const char *const own[] = {"proc", "sysfs", "cgroup", "cgroup2", NULL};
    for (const char *const *t = own; *t; t++)
        if (strcmp(type, *t) == 0)
            return false;
    return true;
}

int rootfs_mount_one(const struct spec_mount *m, int rootfd, const char *bundle, int src_fd,
                     const char *mount_label, aisbx_error **err)
{
    if (!m->destination || !*m->destination)
        return aisbx_error_make(err, EINVAL, "mount without a destination");
    struct mount_opts o;
    int r;
    if (mount_options_parse(&m->options, &o, err) < 0) {
        r = -1;
    } else if ((m->n_uid_mappings || m->n_gid_mappings || o.idmap || o.ridmap) &&
               (!spec_mount_is_bind(m) || src_fd < 0)) {
        /* create idmaps the detached clone of a bind (userns_setup.c) */
        r = aisbx_error_make(err, ENOTSUP,
                             "mount %s: idmap applies only to a bind prepared by create",
                             m->destination);
    } else if (mount_label && *mount_label && !spec_mount_is_bind(m) && m->type &&
               takes_mount_label(m->type) && mount_options_add_context(&o, mount_label, err) < 0) {
        r = -1;
    } else if (spec_mount_is_bind(m)) {
        /* the overlay's definition: what it judged as a bind is mounted as one */
        r = mount_bind(m, &o, rootfd, bundle, src_fd, err);
    } else if (!m->type || !*m->type) {
        r = aisbx_error_make(err, EINVAL, "mount without a type");
    } else if (!strcmp(m->type, "cgroup")) {
        r = mount_cgroup(m, &o, rootfd, err);
    } else if (rootfs_check_kernel_fs_mountpoint(rootfd, m, err) < 0) {
        r = -1;
    } else {
        r = mount_fs(m, &o, rootfd, err);
    }
    mount_options_free(&o);
    if (r < 0)
        return aisbx_error_wrap(err, "mount %s on %s", m->type ? m->type : "bind", m->destination);
    return 0;
}

int rootfs_mount_all(const struct spec_config *c, const char *rootfs, const char *bundle,
                     const int *src_fds, aisbx_error **err)
{
    cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return aisbx_error_make(err, errno, "open rootfs %s", rootfs);
    /* Still in the host's tree here, so /sys/fs/selinux is the host's. A
     * mount label without SELinux labels nothing: runc ignores it too. */
    const char *label = c->linux_ ? c->linux_->mount_label : NULL;
    if (label && *label && !process_selinux_enabled("")) {
        log_debug("linux.mountLabel %s ignored: SELinux is not enabled", label);
        label = NULL;
    }
    for (size_t i = 0; i < c->n_mounts; i++) {
        int src = src_fds ? src_fds[i] : -1;
        if (src_fds && spec_mount_is_bind(&c->mounts[i]) && src < 0)
            return aisbx_error_make(err, EINVAL, "mount %s: bind source was not judged",
                                    c->mounts[i].destination);
        if (rootfs_mount_one(&c->mounts[i], rootfd, bundle, src, label, err) < 0)
            return -1;
        log_debug("mounted %s on %s", c->mounts[i].type ? c->mounts[i].type : "bind",
                  c->mounts[i].destination);
    }
    return 0;
}
