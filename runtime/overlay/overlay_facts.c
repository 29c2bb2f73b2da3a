/* Host facts for the overlay: which namespace paths are the host's own or
 * hold interfaces, and what each bind source really is. Every path is
 * opened exactly once and judged through its fd; the fds are kept for
 * create to join and mount from (a path re-resolved later could have been
 * swapped for a symlink to / by a container writing to a shared volume).
 * Bind sources are opened with openat2(RESOLVE_NO_MAGICLINKS) so that
 * /proc/<pid>/root and friends cannot smuggle the host's / past the rules. */
#include "runtime/overlay/overlay_facts.h"
#include "runtime/overlay/socket_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *proc_ns_name(enum spec_ns_type t)
{
    switch (t) {
    case SPEC_NS_PID:
        return "pid";
    case SPEC_NS_NETWORK:
        return "net";
    case SPEC_NS_MOUNT:
        return "mnt";
    case SPEC_NS_IPC:
        return "ipc";
    case SPEC_NS_UTS:
        return "uts";
    case SPEC_NS_USER:
        return "user";
    case SPEC_NS_CGROUP:
        return "cgroup";
    case SPEC_NS_TIME:
        return "time";
    default:
        return NULL;
    }
}

static int clone_flag(enum spec_ns_type t)
{
    switch (t) {
    case SPEC_NS_PID:
        return CLONE_NEWPID;
    case SPEC_NS_NETWORK:
        return CLONE_NEWNET;
    case SPEC_NS_MOUNT:
        return CLONE_NEWNS;
    case SPEC_NS_IPC:
        return CLONE_NEWIPC;
    case SPEC_NS_UTS:
        return CLONE_NEWUTS;
    case SPEC_NS_USER:
        return CLONE_NEWUSER;
    case SPEC_NS_CGROUP:
        return CLONE_NEWCGROUP;
    case SPEC_NS_TIME:
        return CLONE_NEWTIME;
    default:
        return 0;
    }
}

static bool same_as(const struct stat *st, const char *pid, const char *name)
{
    char p[64];
    struct stat h;
    snprintf(p, sizeof(p), "/proc/%s/ns/%s", pid, name);
    return stat(p, &h) == 0 && h.st_dev == st->st_dev && h.st_ino == st->st_ino;
}

/* Lists the interfaces of the network namespace `fd` from a forked child, so
 * this process never leaves its own namespace. 1: only lo, 0: more, -1: error. */
static int netns_only_lo(int fd)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        char r = 'E';
        if (setns(fd, CLONE_NEWNET) == 0) {
            struct if_nameindex *ifs = if_nameindex();
            if (ifs) {
                r = '1';
                for (struct if_nameindex *i = ifs; i->if_index; i++)
                    if (strcmp(i->if_name, "lo") != 0)
                        r = '0';
                if_freenameindex(ifs);
            }
        }
        ssize_t w = write(p[1], &r, 1);
        (void)w;
        _exit(0);
    }
    close(p[1]);
    char r = 'E';
    ssize_t n;
    do
        n = read(p[0], &r, 1);
    while (n < 0 && errno == EINTR);
    close(p[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return n == 1 && r == '1' ? 1 : (n == 1 && r == '0' ? 0 : -1);
}

static void ns_fact(const struct spec_namespace *ns, struct overlay_ns_fact *f)
{
    const char *name = proc_ns_name(ns->type);
    struct stat st;
    struct statfs sfs;
    /* O_NONBLOCK: a fifo at the path must not block create */
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 || !name)
        goto fail;
    if (fstatfs(fd, &sfs) < 0 || (unsigned long)sfs.f_type != (unsigned long)NSFS_MAGIC ||
        ioctl(fd, NS_GET_NSTYPE) != clone_flag(ns->type) || fstat(fd, &st) < 0) {
        f->wrong_type = true;
        goto fail;
    }
    f->exists = true;
    f->is_host = same_as(&st, "1", name) || same_as(&st, "self", name);
    if (ns->type == SPEC_NS_NETWORK && !f->is_host)
        f->only_lo = netns_only_lo(fd) == 1;
    f->fd = fd;
    return;
fail:
    if (fd >= 0)
        close(fd);
}

static bool kernel_fs(long type)
{
    static const long magic[] = {
        PROC_SUPER_MAGIC,
        SYSFS_MAGIC,
        CGROUP_SUPER_MAGIC,
        CGROUP2_SUPER_MAGIC,
        DEBUGFS_MAGIC,
        TRACEFS_MAGIC,
        SECURITYFS_MAGIC,
        BPF_FS_MAGIC,
        NSFS_MAGIC,
        EFIVARFS_MAGIC,
        PSTOREFS_MAGIC,
        BINFMTFS_MAGIC,
        DEVPTS_SUPER_MAGIC,
        SELINUX_MAGIC,
        SMACK_MAGIC,
        0x62656570 /* configfs */,
        0x65735543 /* fusectl */,
    };
    for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
        if ((unsigned long)type == (unsigned long)magic[i])
            return true;
    return false;
}

static bool within(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static void bind_fact(const struct spec_mount *m, const char *bundle, struct overlay_bind_fact *f)
{
    if (!m->source || !*m->source)
        return;
    char *src = m->source[0] == '/' ? xstrdup(m->source)
                                    : xasprintf("%s/%s", bundle ? bundle : ".", m->source);
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, src, &how, sizeof(how));
    if (fd < 0) {
        f->open_errno = errno;
        if (errno == ELOOP) {
            /* a magic link (/proc/<pid>/root, /proc/<pid>/fd/N) is on the way */
            f->exists = true;
            f->is_proc_sys_dev = true;
        }
        free(src);
        return;
    }
    free(src);
    struct stat st, root;
    struct statfs sfs;
    if (fstat(fd, &st) == 0) {
        f->exists = true;
        f->is_socket = S_ISSOCK(st.st_mode);
        f->is_device = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
        if (f->is_device) {
            f->rdev_major = major(st.st_rdev);
            f->rdev_minor = minor(st.st_rdev);
            if (S_ISBLK(st.st_mode))
                f->rdev_major = f->rdev_minor = UINT32_MAX; /* never standard */
        }
        f->is_root = stat("/", &root) == 0 && root.st_dev == st.st_dev && root.st_ino == st.st_ino;
    }
    if (fstatfs(fd, &sfs) == 0 && kernel_fs(sfs.f_type))
        f->is_proc_sys_dev = true;
    char link[64], buf[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, sizeof(buf) - 1);
    if (n > 0 && buf[0] == '/') {
        buf[n] = '\0';
        f->resolved = xstrdup(buf);
        if (within(buf, "/proc") || within(buf, "/sys") || within(buf, "/dev"))
            f->is_proc_sys_dev = true;
    }
    f->has_foreign_socket = socket_scan_foreign(fd, geteuid()); /* issue 10 item 9 */
    f->fd = fd;
}

int overlay_facts_gather(const struct spec_config *c, const char *bundle, struct overlay_facts *f,
                         aisbx_error **err)
{
    memset(f, 0, sizeof(*f));
    if (!c)
        return aisbx_error_make(err, EINVAL, "overlay facts: no config");
    if (c->linux_ && c->linux_->n_namespaces) {
        f->n_ns = c->linux_->n_namespaces;
        f->ns = xmalloc0(f->n_ns * sizeof(*f->ns));
        for (size_t i = 0; i < f->n_ns; i++)
            f->ns[i].fd = -1;
        for (size_t i = 0; i < f->n_ns; i++)
            if (c->linux_->namespaces[i].path)
                ns_fact(&c->linux_->namespaces[i], &f->ns[i]);
    }
    if (c->n_mounts) {
        f->n_binds = c->n_mounts;
        f->binds = xmalloc0(f->n_binds * sizeof(*f->binds));
        for (size_t i = 0; i < f->n_binds; i++)
            f->binds[i].fd = -1;
        for (size_t i = 0; i < f->n_binds; i++)
            if (spec_mount_is_bind(&c->mounts[i]))
                bind_fact(&c->mounts[i], bundle, &f->binds[i]);
    }
    return 0;
}

void overlay_facts_free(struct overlay_facts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_binds; i++) {
        free(f->binds[i].resolved);
        if (f->binds[i].fd >= 0)
            close(f->binds[i].fd);
    }
    for (size_t i = 0; i < f->n_ns; i++)
        if (f->ns[i].fd >= 0)
            close(f->ns[i].fd);
    free(f->binds);
    free(f->ns);
    memset(f, 0, sizeof(*f));
}
