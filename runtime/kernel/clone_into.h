/* Cloning the container's init straight into its cgroup: clone3 with
 * CLONE_INTO_CGROUP (Linux 5.7, cgroup v2) makes the child a member from
 * its first instruction, so the parent need not write cgroup.procs after the
 * clone (a write that migrates the task, and on some kernels waits for an
 * RCU grace period). */
#ifndef AISBX_RUNTIME_CLONE_INTO_H
#define AISBX_RUNTIME_CLONE_INTO_H

#include <stdbool.h>
#include <sys/types.h>

/* Like fork (0 in the child, its pid in the parent, -1 with errno) with the
 * CLONE_NEW* bits of flags and SIGCHLD as exit signal. cgroup_fd >= 0 (an
 * O_RDONLY fd of a cgroup v2 directory): tried first with clone3 into that
 * cgroup; *born_in says whether that worked. When the kernel or a seccomp
 * filter around us refuses clone3 or the flag (ENOSYS: pre-5.3 kernel or
 * Docker's profile; EINVAL/E2BIG: pre-5.7; EPERM: a filter), plain clone is
 * used and the caller must attach the child itself. Other errors of clone3
 * (EBUSY, EOPNOTSUPP: the cgroup cannot take processes) also fall back, so
 * that the attach reports them with the cgroup code's words. */
pid_t clone_into_cgroup(unsigned long flags, int cgroup_fd, bool *born_in);

#endif
