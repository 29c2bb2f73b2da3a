/* User namespaces held by an fd (userns_make.h). */
#include "runtime/kernel/userns_make.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/fd_util.h"

const char *const userns_max_files[] = {"/proc/sys/user/max_user_namespaces",
                                        "/proc/sys/user/max_mnt_namespaces",
                                        "/proc/sys/user/max_pid_namespaces",
                                        "/proc/sys/user/max_net_namespaces",
                                        "/proc/sys/user/max_ipc_namespaces",
                                        "/proc/sys/user/max_uts_namespaces",
                                        "/proc/sys/user/max_cgroup_namespaces",
                                        "/proc/sys/user/max_time_namespaces",
                                        NULL};

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                     aisbx_error **err)
{
    char path[64], buf[1024];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof(buf) - 40; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%u %u %u\n", m[i].container_id,
                              m[i].host_id, m[i].size);
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, o) != (ssize_t)o)
        return aisbx_error_make(err, errno, "user namespace: write %s", file);
    return 0;
}

/* The child: become the owner, make the namespace, tell the parent, wait
 * until the maps are written, close the doors, exit with the errno of the
 * first failure (0: done). Only async-signal-safe calls. */
__attribute__((noreturn)) static void child(int rd, int wr, bool close_doors, uid_t owner)
{
    char c = 'u';
    if (owner && (setgroups(0, NULL) < 0 || setresgid(owner, owner, owner) < 0 ||
                  setresuid(owner, owner, owner) < 0))
        _exit(errno & 0xff);
    if (unshare(CLONE_NEWUSER) < 0)
        _exit(errno & 0xff);
    if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
        _exit(ECANCELED);
    for (size_t i = 0; close_doors && userns_max_files[i]; i++) {
        int fd = open(userns_max_files[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) /* an older kernel without that namespace type */
                continue;
            _exit(errno & 0xff);
        }
        if (write(fd, "0", 1) != 1)
            _exit(errno & 0xff);
        close(fd);
    }
    _exit(0);
}

int userns_make(const struct spec_id_mapping *uid, size_t n_uid, const struct spec_id_mapping *gid,
                size_t n_gid, bool close_doors, uid_t owner, int *fd, aisbx_error **err)
{
    int go[2], ready[2], st = 0, r = 0;
    char c;
    *fd = -1;
    if (pipe2(go, O_CLOEXEC) < 0)
        return aisbx_error_make(err, errno, "user namespace: pipe");
    if (pipe2(ready, O_CLOEXEC) < 0) {
        close(go[0]);
        close(go[1]);
        return aisbx_error_make(err, errno, "user namespace: pipe");
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        close(ready[0]);
        child(go[0], ready[1], close_doors, owner);
    }
    close(go[0]);
    close(ready[1]);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    if (pid < 0)
        r = aisbx_error_make(err, errno, "user namespace: fork");
    else if (read(ready[0], &c, 1) != 1)
        r = aisbx_error_make(err, 0, "user namespace: the child could not make it");
    else if (write_map(pid, "gid_map", gid, n_gid, err) < 0 ||
             write_map(pid, "uid_map", uid, n_uid, err) < 0)
        r = -1;
    else if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        r = aisbx_error_make(err, errno, "user namespace: open %s", path);
    if (r == 0 && write(go[1], "g", 1) != 1)
        r = aisbx_error_make(err, errno, "user namespace: wake the child");
    close(go[1]); /* on failure the child reads EOF and exits */
    close(ready[0]);
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
        r = aisbx_error_make(err, WIFEXITED(st) ? WEXITSTATUS(st) : EINTR,
                             "user namespace: set max_*_namespaces to 0 inside");
    if (r < 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    return r;
}

int userns_idmap_tree(int tree_fd, int userns_fd, bool recursive, aisbx_error **err)
{
    /* private as well: a clone of a shared mount (a systemd host's /) is
     * in the source's peer group, which would let mount events flow
     * between the host and the container, and pivot_root refuses it */
    struct mount_attr attr = {
        .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd, .propagation = MS_PRIVATE};
    if (mount_setattr(tree_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
                      sizeof(attr)) < 0)
        return aisbx_error_make(err, errno, "idmap the mount");
    return 0;
}
