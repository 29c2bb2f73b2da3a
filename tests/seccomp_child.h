/* Shared by the seccomp tests: run a check function in a forked child with
 * no_new_privs set and seccomp programs loaded; checks report the failing
 * call and return 1. Header-only: each test file is its own binary. */
#ifndef AISBX_TESTS_SECCOMP_CHILD_H
#define AISBX_TESTS_SECCOMP_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/fd_util.h"
#include "runtime/seccomp/seccomp.h"
#include "runtime/seccomp/seccomp_floor.h"

extern char **environ;

/* ---- child harness ------------------------------------------------------ */

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        return 1;                                                                                  \
    } while (0)

/* r must be -1 with errno e. */
#define EXPECT_ERR(call, e)                                                                        \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        if (r_ != -1 || e_ != (e))                                                                 \
            FAIL("%s -> %ld (%s), want %s", #call, r_, strerror(e_), strerror(e));                 \
    } while (0)

/* r must be >= 0; closes it when close_it. */
#define EXPECT_OK(call, close_it)                                                                  \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        if (r_ < 0)                                                                                \
            FAIL("%s -> %ld (%s), want success", #call, r_, strerror(errno));                      \
        if (close_it)                                                                              \
            close((int)r_);                                                                        \
    } while (0)

struct loaded {
    const struct seccomp_program *progs[2];
    unsigned int flags[2];
};

typedef int (*child_fn)(void *arg);

/* Runs fn in a child with the programs loaded; returns the wait status. */
static int run_child(const struct loaded *l, child_fn fn, void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka's handlers would resume the test runner in the child. */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGSYS, SIG_DFL);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit(100);
        for (int i = 0; i < 2 && l && l->progs[i]; i++) {
            aisbx_error *err = NULL;
            if (seccomp_program_load(l->progs[i], l->flags[i], NULL, &err) < 0) {
                fprintf(stderr, "load: %s\n", err->msg);
                _exit(101);
            }
        }
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static void assert_child_ok(int st)
{
    if (WIFSIGNALED(st))
        fail_msg("child killed by signal %d", WTERMSIG(st));
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

#endif
