/* Shared by the tests/test_rootfs_*.c files (one binary each, so the
 * helpers are static inline here).
 * Root filesystem setup against the real kernel (needs root). Each
 * scenario runs in a forked child that unshares a mount and a pid namespace;
 * its own child (pid 1 there) plays the container's init: prepare, mount,
 * /dev, pivot, finalize, then checks from inside the new root and reports
 * through its exit status. The parent asserts that status and that its own
 * mount table did not change. */
#ifndef AISBX_TESTS_ROOTFS_HELPERS_H
#define AISBX_TESTS_ROOTFS_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/kernel/sysctl.h"
#include "runtime/launch/init.h"
#include "runtime/rootfs/mount_options.h"
#include "runtime/rootfs/resolve_in_root.h"
#include "runtime/rootfs/rootfs.h"

#define OPTS(...)                                                                                  \
    {                                                                                              \
        .v = (char *[]){__VA_ARGS__, NULL}, .n = sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)  \
    }
#define NOOPTS                                                                                     \
    {                                                                                              \
        .v = (char *[]){NULL}, .n = 0                                                              \
    }
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- checks inside the container (no cmocka: we are a forked child) ---- */

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK %s:%d: %s: ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, " (errno %s)\n", strerror(errno));                                     \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

struct env {
    char tmp[256];
    char rootfs[PATH_MAX];
    char hostdir[PATH_MAX]; /* a host directory to bind, holds "hello" */
    char hostfile[PATH_MAX];
};

struct scenario {
    struct env *env;
    struct spec_config *cfg;
    bool no_pivot;
    int unshare_extra;
    int (*pre_mount)(const struct scenario *s); /* in the new mount ns, before prepare */
    int (*pre_pivot)(const struct scenario *s); /* after the mounts, before the pivot */
    int (*check)(const struct scenario *s);     /* after pivot + finalize */
};

static inline int write_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, content, strlen(content));
    close(fd);
    return n == (ssize_t)strlen(content) ? 0 : -1;
}

/* Reads at most cap-1 bytes; returns the count or -1. */
static inline ssize_t read_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

static inline int count_mountinfo(void)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    int n = 0, ch;
    if (!f)
        return -1;
    while ((ch = fgetc(f)) != EOF)
        n += ch == '\n';
    fclose(f);
    return n;
}

/* True if /proc/self/mountinfo has a mount point exactly at path. */
static inline bool is_mount_point(const char *path)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    while (f && !found && getline(&line, &cap, f) > 0) {
        char mp[PATH_MAX];
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && !strcmp(mp, path))
            found = true;
    }
    free(line);
    if (f)
        fclose(f);
    return found;
}

static inline int copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    char buf[65536];
    ssize_t n;
    int r = in >= 0 && out >= 0 ? 0 : -1;
    while (r == 0 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            r = -1;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return r;
}

static inline int env_setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    strcpy(e->tmp, "/tmp/aisbx-test-rootfs-XXXXXX");
    assert_non_null(mkdtemp(e->tmp));
    snprintf(e->rootfs, sizeof(e->rootfs), "%s/rootfs", e->tmp);
    snprintf(e->hostdir, sizeof(e->hostdir), "%s/hostdir", e->tmp);
    snprintf(e->hostfile, sizeof(e->hostfile), "%s/hostfile", e->tmp);
    char p[PATH_MAX + 64];
    assert_int_equal(mkdir(e->rootfs, 0755), 0);
    static const char *const dirs[] = {"bin", "proc", "sys", "dev", "tmp", "etc"};
    for (size_t i = 0; i < NELEM(dirs); i++) {
        snprintf(p, sizeof(p), "%s/%s", e->rootfs, dirs[i]);
        assert_int_equal(mkdir(p, 0755), 0);
    }
    snprintf(p, sizeof(p), "%s/bin/busybox", e->rootfs);
    assert_int_equal(copy_file("/bin/busybox", p, 0755), 0);
    static const char *const applets[] = {"sh", "cat", "ls", "test", "echo"};
    for (size_t i = 0; i < NELEM(applets); i++) {
        snprintf(p, sizeof(p), "%s/bin/%s", e->rootfs, applets[i]);
        assert_int_equal(symlink("busybox", p), 0);
    }
    assert_int_equal(mkdir(e->hostdir, 0755), 0);
    snprintf(p, sizeof(p), "%s/hello", e->hostdir);
    assert_int_equal(write_file(p, "hello from host\n"), 0);
    assert_int_equal(write_file(e->hostfile, "host file\n"), 0);
    *state = e;
    return 0;
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static inline int env_teardown(void **state)
{
    struct env *e = *state;
    assert_int_equal(nftw(e->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
    free(e);
    return 0;
}

static inline int fail_err(const char *what, aisbx_error *err)
{
    fprintf(stderr, "%s: %s\n", what, err && err->msg ? err->msg : "?");
    aisbx_error_free(&err);
    return 2;
}

/* Runs the scenario's hooks at their named steps of the real sequence;
 * a hook's non-zero result becomes the init's exit code. */
static int hook_code;

static inline int before_step(const char *step, void *arg)
{
    const struct scenario *s = arg;
    if (!strcmp(step, "rootfs-prepare") && s->pre_mount)
        hook_code = s->pre_mount(s);
    else if (!strcmp(step, "pivot") && s->pre_pivot)
        hook_code = s->pre_pivot(s);
    return hook_code;
}

/* The container's init (pid 1 of the new pid namespace): the init's own
 * rootfs stage (runtime/init.c), not a copy of its order. */
static inline int container_init(const struct scenario *s)
{
    aisbx_error *err = NULL;
    struct launch_plan plan = {.console_fd = -1};
    struct init_args a = {
        .cfg = s->cfg,
        .plan = &plan,
        .rootfs = s->env->rootfs,
        .bundle = s->env->tmp,
        .sync_fd = -1,
        .fifo_fd = -1,
        .state_dirfd = -1,
        .no_pivot = s->no_pivot,
        .userns_fd = -1,
        .root_tree_fd = -1,
    };
    if (init_run_stage(&a, "rootfs", before_step, (void *)s, &err) < 0) {
        if (hook_code) {
            aisbx_error_free(&err);
            return hook_code;
        }
        return fail_err("init rootfs stage", err);
    }
    return s->check ? s->check(s) : 0;
}

static inline void run_scenario(const struct scenario *s)
{
    int before = count_mountinfo();
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (unshare(CLONE_NEWNS | CLONE_NEWPID | s->unshare_extra) < 0) {
            perror("unshare");
            _exit(3);
        }
        pid_t init = fork();
        if (init < 0)
            _exit(3);
        if (init == 0)
            _exit(container_init(s));
        int st;
        if (waitpid(init, &st, 0) < 0)
            _exit(3);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(count_mountinfo(), before);
}

#endif
