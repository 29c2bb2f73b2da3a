#include "runtime/kernel/clone_into.h"

#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The first fields of struct clone_args (CLONE_ARGS_SIZE_VER2, 88 bytes):
 * spelled out so that older uapi headers build it too. */
struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
        set_tid_size, cgroup;
};

pid_t clone_into_cgroup(unsigned long flags, int cgroup_fd, bool *born_in)
{
    *born_in = false;
    if (cgroup_fd >= 0) {
        struct clone_args_v2 a;
        memset(&a, 0, sizeof(a));
        a.flags = (uint64_t)flags | CLONE_INTO_CGROUP;
        a.exit_signal = SIGCHLD;
        a.cgroup = (uint64_t)cgroup_fd;
        /* No stack: the child runs on a copy of ours, as after fork. */
        long pid = syscall(SYS_clone3, &a, sizeof(a));
        if (pid >= 0) {
            *born_in = pid > 0;
            return (pid_t)pid;
        }
        if (errno == EAGAIN || errno == ENOMEM || errno == EUSERS || errno == ENOSPC)
            return -1; /* resources: clone would fail the same way */
        log_debug("clone3 into the cgroup: %s; cloning, then attaching", strerror(errno));
    }
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}
