#include "runtime/kernel/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/fd_util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const int clone_flags[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = CLONE_NEWPID,       [SPEC_NS_NETWORK] = CLONE_NEWNET,
    [SPEC_NS_MOUNT] = CLONE_NEWNS,      [SPEC_NS_IPC] = CLONE_NEWIPC,
    [SPEC_NS_UTS] = CLONE_NEWUTS,       [SPEC_NS_USER] = CLONE_NEWUSER,
    [SPEC_NS_CGROUP] = CLONE_NEWCGROUP, [SPEC_NS_TIME] = CLONE_NEWTIME,
};

/* Names under /proc/<pid>/ns/. */
static const char *const proc_names[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "net", [SPEC_NS_MOUNT] = "mnt",
    [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",     [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

int ns_clone_flag(enum spec_ns_type t)
{
    return clone_flags[t];
}

int ns_new_flags(const struct spec_linux *lx)
{
    int flags = 0;
    for (size_t i = 0; lx && i < lx->n_namespaces; i++)
        if (!lx->namespaces[i].path || !*lx->namespaces[i].path)
            flags |= clone_flags[lx->namespaces[i].type];
    return flags;
}

const char *ns_path(const struct spec_linux *lx, enum spec_ns_type t)
{
    for (size_t i = 0; lx && i < lx->n_namespaces; i++)
        if (lx->namespaces[i].type == t && lx->namespaces[i].path && *lx->namespaces[i].path)
            return lx->namespaces[i].path;
    return NULL;
}

/* The order of every join: the user namespace first, the others are owned
 * by it (and joined with its rights). */
static const enum spec_ns_type join_order[] = {SPEC_NS_USER, SPEC_NS_MOUNT, SPEC_NS_NETWORK,
                                               SPEC_NS_IPC,  SPEC_NS_UTS,   SPEC_NS_CGROUP,
                                               SPEC_NS_PID,  SPEC_NS_TIME};

int ns_join_fds(const int *fds, int skip_flags, aisbx_error **err)
{
    for (size_t i = 0; fds && i < sizeof(join_order) / sizeof(join_order[0]); i++) {
        enum spec_ns_type t = join_order[i];
        if (fds[t] < 0 || (skip_flags & clone_flags[t]))
            continue;
        if (setns(fds[t], clone_flags[t]) < 0)
            return aisbx_error_make(err, errno, "join the configured %s namespace", proc_names[t]);
    }
    return 0;
}

static int join_by_proc(pid_t pid, int flags, aisbx_error **err);

int ns_join_process(int pidfd, pid_t pid, int flags, aisbx_error **err)
{
    if (pidfd >= 0) {
        if (setns(pidfd, flags) == 0)
            return 0;
        if (errno != EINVAL)
            return aisbx_error_make(err, errno, "join the namespaces of pid %d", pid);
    }
    return join_by_proc(pid, flags, err);
}

static int join_by_proc(pid_t pid, int flags, aisbx_error **err)
{
    char path[64];
    enum { N = sizeof(join_order) / sizeof(join_order[0]) };
    int fds[N], r = 0;
    /* Open them all first: once in the container's mount namespace, its
     * /proc no longer shows the host pid. */
    for (size_t i = 0; i < N; i++) {
        fds[i] = -1;
        if (!(flags & clone_flags[join_order[i]]))
            continue;
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, proc_names[join_order[i]]);
        fds[i] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0 && r == 0)
            r = aisbx_error_make(err, errno, "open %s", path);
    }
    for (size_t i = 0; i < N && r == 0; i++)
        if (fds[i] >= 0 && setns(fds[i], clone_flags[join_order[i]]) < 0)
            r = aisbx_error_make(err, errno, "join %s namespace of pid %d",
                                 proc_names[join_order[i]], pid);
    for (size_t i = 0; i < N; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return r;
}

int ns_enter_pid_for_children(int fd, int *restore_fd, aisbx_error **err)
{
    *restore_fd = -1;
    if (fd < 0)
        return 0;
    *restore_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (*restore_fd < 0)
        return aisbx_error_make(err, errno, "open /proc/self/ns/pid");
    if (setns(fd, CLONE_NEWPID) < 0) {
        int e = errno;
        close(*restore_fd);
        *restore_fd = -1;
        return aisbx_error_make(err, e, "join the configured pid namespace");
    }
    return 0;
}

int ns_new_time_for_children(const struct spec_linux *lx, int *restore_fd, aisbx_error **err)
{
    char buf[256];
    size_t o = 0;
    int fd;
    *restore_fd = -1;
    if (!lx || !(ns_new_flags(lx) & CLONE_NEWTIME))
        return 0;
    *restore_fd = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
    if (*restore_fd < 0)
        return aisbx_error_make(err, errno, "open /proc/self/ns/time");
    if (unshare(CLONE_NEWTIME) < 0)
        return aisbx_error_make(err, errno, "unshare time namespace");
    for (size_t i = 0; i < lx->n_time_offsets && o < sizeof(buf) - 64; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s %lld %u\n", lx->time_offsets[i].clock,
                              (long long)lx->time_offsets[i].secs, lx->time_offsets[i].nanosecs);
    if (o == 0)
        return 0;
    fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open /proc/self/timens_offsets");
    if (write(fd, buf, o) != (ssize_t)o) {
        int e = errno;
        close(fd);
        return aisbx_error_make(err, e, "write time offsets");
    }
    close(fd);
    return 0;
}

int ns_restore_for_children(int restore_fd, int nstype, aisbx_error **err)
{
    if (restore_fd < 0)
        return 0;
    int r = setns(restore_fd, nstype);
    int e = errno;
    close(restore_fd);
    if (r < 0)
        return aisbx_error_make(err, e, "restore namespace for children");
    return 0;
}
