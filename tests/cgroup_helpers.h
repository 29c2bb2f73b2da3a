/* Shared by the tests/test_cgroup_*.c files (one binary each, so the
 * helpers are static inline here).
 * cgroup module tests on the real kernel (root): whatever version the host
 * runs (v1 hybrid here, v2 in hack/v2-lane.sh). Every test works below a
 * unique /aisbx-test-<pid> cgroup and removes it, killing its children. */
#ifndef AISBX_TESTS_CGROUP_HELPERS_H
#define AISBX_TESTS_CGROUP_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_internal.h"

/* O_PATH fd of the v2 cgroup dir (what clone3 CLONE_INTO_CGROUP takes); -1
 * with err on v1. The runtime forks with SYS_clone, so only the tests use it. */
static inline int open_v2_dir(const char *path, aisbx_error **err)
{
    /* paths here are the test's own: no cg_check_path (private to the facade) */
    if (cgroup_version() != CGROUP_V2)
        return aisbx_error_make(err, EOPNOTSUPP, "not a cgroup v2 host");
    char *dir = cg_v2_dir(path);
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        aisbx_error_make(err, errno, "open cgroup %s", dir);
    free(dir);
    return fd;
}

/* The cgroup directory exists (v1: in any used hierarchy). */
static inline bool cg_exists(const char *path)
{
    if (cgroup_version() == CGROUP_V2) {
        char *dir = cg_v2_dir(path);
        bool r = access(dir, F_OK) == 0;
        free(dir);
        return r;
    }
    struct cg_hier *h = NULL;
    size_t n = 0;
    bool found = false;
    if (cg_v1_hierarchies(&h, &n, NULL) < 0)
        return false;
    for (size_t i = 0; i < n && !found; i++) {
        char *dir = xasprintf("%s%s", h[i].mount, path);
        found = access(dir, F_OK) == 0;
        free(dir);
    }
    cg_v1_hierarchies_free(h, n);
    return found;
}

static char base[64], path[96];
static pid_t child = -1;

static inline bool v2(void)
{
    return cgroup_version() == CGROUP_V2;
}

static inline int setup(void **state)
{
    snprintf(base, sizeof(base), "/aisbx-test-%d", (int)getpid());
    snprintf(path, sizeof(path), "%s/c1", base);
    child = -1;
    return 0;
}

static inline int teardown(void **state)
{
    if (child > 0) {
        kill(child, SIGKILL);
        aisbx_error *e = NULL;
        cgroup_freeze(path, false, &e); /* a frozen child cannot die */
        aisbx_error_free(&e);
        waitpid(child, NULL, 0);
        child = -1;
    }
    aisbx_error *e = NULL;
    cgroup_destroy(path, false, &e);
    aisbx_error_free(&e);
    cgroup_destroy(base, false, &e);
    aisbx_error_free(&e);
    return 0;
}

#define ASSERT_OK(call)                                                                            \
    do {                                                                                           \
        aisbx_error *e_ = NULL;                                                                    \
        if ((call) < 0)                                                                            \
            fail_msg("%s: %s", #call, e_ ? e_->msg : "(no error)");                                \
        aisbx_error_free(&e_);                                                                     \
    } while (0)
/* ASSERT_OK's calls name their error argument &e_. */

/* The file of controller ctl (v1) or of the v2 dir, trailing newline cut. */
static inline char *cg_file(const char *ctl, const char *p, const char *file)
{
    char *dir = v2() ? cg_v2_dir(p) : cg_v1_dir(ctl, p);
    assert_non_null(dir);
    int fd = open(dir, O_PATH | O_DIRECTORY);
    free(dir);
    if (fd < 0)
        return NULL;
    char *v = NULL;
    int r = cg_read(fd, file, &v);
    close(fd);
    return r < 0 ? NULL : v;
}

static inline void assert_file(const char *ctl, const char *p, const char *file, const char *want)
{
    char *v = cg_file(ctl, p, file);
    if (!v || strcmp(v, want) != 0)
        fail_msg("%s %s: got '%s', want '%s'", p, file, v ? v : "(unreadable)", want);
    free(v);
}

/* Every directory of p (v1: in each hierarchy) exists / is gone. */
static inline void assert_dirs(const char *p, bool exist)
{
    if (v2()) {
        char *d = cg_v2_dir(p);
        if ((access(d, F_OK) == 0) != exist)
            fail_msg("%s: exists=%d", d, !exist);
        free(d);
        return;
    }
    struct cg_hier *h = NULL;
    size_t n = 0;
    assert_int_equal(cg_v1_hierarchies(&h, &n, NULL), 0);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char *d = xasprintf("%s%s", h[i].mount, p);
        if ((access(d, F_OK) == 0) != exist)
            fail_msg("%s: exists=%d", d, !exist);
        free(d);
    }
    cg_v1_hierarchies_free(h, n);
}

#endif
