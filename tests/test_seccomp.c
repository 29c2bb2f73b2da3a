/* Seccomp filters on the real kernel: each case forks a child, sets
 * no_new_privs, loads the filter(s) and checks syscalls from inside. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/fd_util.h"
#include "runtime/seccomp.h"
#include "runtime/seccomp_floor.h"

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

static struct seccomp_program floor_prog;

static int setup_floor(void **state)
{
    aisbx_error *err = NULL;
    struct seccomp_floor_stats st;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (seccomp_floor_build(&floor_prog, &st, &err) < 0)
        fail_msg("%s", err->msg);
    clock_gettime(CLOCK_MONOTONIC, &b);
    fprintf(stderr,
            "floor: %zu allowed, %zu conditional, %zu EPERM, %zu skipped, %zu rules, %zu insns, "
            "compiled in %.2f ms\n",
            st.allowed, st.conditional, st.eperm, st.skipped, st.rules, st.insns,
            (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}

static int teardown_floor(void **state)
{
    seccomp_program_free(&floor_prog);
    return 0;
}

static const struct loaded floor_only = {{&floor_prog, NULL}, {0, 0}};

/* ---- the floor ---------------------------------------------------------- */

static int child_denied(void *arg)
{
    EXPECT_OK(getpid(), 0);
    EXPECT_ERR(mount("none", "/mnt", "tmpfs", 0, NULL), EPERM);
    EXPECT_ERR(umount2("/mnt", 0), EPERM);
    EXPECT_ERR(unshare(CLONE_NEWNET), EPERM);
    EXPECT_ERR(setns(0, 0), EPERM);
    EXPECT_ERR(chroot("/"), EPERM);
    EXPECT_ERR(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0), EPERM);
    /* High bits do not hide the namespace flag (the kernel reads 32 bits). */
    EXPECT_ERR(syscall(SYS_clone, (1UL << 40) | CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_clone3, NULL, 0), ENOSYS);
    EXPECT_ERR(syscall(1000), ENOSYS);
    EXPECT_ERR(syscall(SYS_ptrace, 0, 0, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_process_vm_readv, 1, NULL, 0, NULL, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_kcmp, 1, 1, 0, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM);
    EXPECT_ERR(syscall(SYS_add_key, "user", "x", "y", 1, 0), EPERM);
    EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
    EXPECT_ERR(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0), EPERM);
    EXPECT_ERR(syscall(SYS_userfaultfd, 0), EPERM);
    EXPECT_ERR(syscall(SYS_open_by_handle_at, -1, NULL, 0), EPERM);
    EXPECT_ERR(syscall(SYS_fsopen, "tmpfs", 0), EPERM);
    EXPECT_ERR(syscall(SYS_open_tree, -1, "/", 0), EPERM);
    EXPECT_ERR(syscall(SYS_init_module, NULL, 0, ""), EPERM);
    EXPECT_ERR(syscall(SYS_reboot, 0, 0, 0, NULL), EPERM);
    EXPECT_ERR(syscall(SYS_syslog, 3, NULL, 0), EPERM);
    EXPECT_ERR(syscall(SYS_sethostname, "x", 1), EPERM);
    EXPECT_ERR(syscall(SYS_settimeofday, NULL, NULL), EPERM);
    EXPECT_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL), EPERM);
    EXPECT_ERR(syscall(SYS_iopl, 3), EPERM);
    EXPECT_ERR(syscall(SYS_vhangup), EPERM);
    EXPECT_ERR(syscall(SYS_io_uring_setup, 1, NULL), ENOSYS);
    EXPECT_ERR(syscall(SYS_io_setup, 1, NULL), ENOSYS);
    EXPECT_ERR(syscall(SYS_io_submit, 0, 0, NULL), ENOSYS);
    return 0;
}

static void test_floor_denied(void **state)
{
    assert_child_ok(run_child(&floor_only, child_denied, NULL));
}

static int child_personality_ioctl(void *arg)
{
    EXPECT_OK(personality(0xffffffff), 0);
    EXPECT_OK(personality(PER_LINUX), 0);
    EXPECT_ERR(personality(PER_LINUX32), EPERM);
    EXPECT_ERR(personality(ADDR_NO_RANDOMIZE), EPERM);
    EXPECT_ERR(personality(READ_IMPLIES_EXEC), EPERM);
    EXPECT_ERR(syscall(SYS_personality, (1UL << 32) | ADDR_NO_RANDOMIZE), EPERM);
    EXPECT_ERR(syscall(SYS_personality, 0xfffffffeUL), EPERM);
    /* low 32 bits are 0: the kernel sees PER_LINUX, which is allowed */
    EXPECT_OK(syscall(SYS_personality, 1UL << 32), 0);

    int p[2];
    EXPECT_OK(pipe(p), 0);
    int n;
    EXPECT_OK(ioctl(p[0], FIONREAD, &n), 0);
    char c = 'x';
    EXPECT_ERR(ioctl(p[0], TIOCSTI, &c), EPERM);
    EXPECT_ERR(syscall(SYS_ioctl, p[0], (1UL << 32) | TIOCSTI, &c), EPERM);
    EXPECT_ERR(ioctl(p[0], TIOCLINUX, &c), EPERM);
    close(p[0]);
    close(p[1]);
    return 0;
}

static int child_masked_sweeps(void *arg)
{
    /* Each namespace flag alone, with and without high bits. */
    const long ns[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                       CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        EXPECT_ERR(syscall(SYS_clone, ns[i] | SIGCHLD, 0, 0, 0, 0), EPERM);
        EXPECT_ERR(syscall(SYS_clone, (1L << 35) | ns[i] | SIGCHLD, 0, 0, 0, 0), EPERM);
    }
    /* personality: every single bit, and values next to the allowed ones. */
    for (int k = 0; k < 32; k++)
        EXPECT_ERR(syscall(SYS_personality, 1UL << k), EPERM);
    EXPECT_ERR(syscall(SYS_personality, 0xfffffffeUL), EPERM);
    EXPECT_ERR(syscall(SYS_personality, 0x7fffffffUL), EPERM);
    EXPECT_ERR(syscall(SYS_personality, 0xffffffff00000008UL), EPERM);
    /* ioctl: values near the refused ones are not refused by the filter. */
    int p[2];
    EXPECT_OK(pipe(p), 0);
    const unsigned long near[] = {TIOCSTI ^ 1, TIOCSTI + 1, TIOCSTI - 1, TIOCLINUX ^ 0x100,
                                  TIOCLINUX | 0x80000000UL};
    for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++) {
        errno = 0;
        if (syscall(SYS_ioctl, p[0], near[i], NULL) == -1 && errno == EPERM)
            FAIL("ioctl %#lx refused", near[i]);
    }
    for (int k = 0; k < 32; k++) {
        errno = 0;
        if (syscall(SYS_ioctl, p[0], 1UL << k, NULL) == -1 && errno == EPERM)
            FAIL("ioctl %#lx refused", 1UL << k);
    }
    close(p[0]);
    close(p[1]);
    return 0;
}

static void test_floor_masked_sweeps(void **state)
{
    assert_child_ok(run_child(&floor_only, child_masked_sweeps, NULL));
}

/* Calls newer than Docker's first profile must not hit the ENOSYS default:
 * each is called so that it fails (or does nothing) for a reason of its own. */
#define EXPECT_ALLOWED(call)                                                                       \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        if (r_ == -1 && (errno == ENOSYS || errno == EPERM))                                       \
            FAIL("%s filtered: %s", #call, strerror(errno));                                       \
    } while (0)

static int child_modern(void *arg)
{
    char buf[16];
    EXPECT_ALLOWED(syscall(SYS_close_range, ~0U, ~0U, 0));
    EXPECT_ALLOWED(syscall(SYS_openat2, -1, NULL, NULL, 0));
    EXPECT_ALLOWED(syscall(SYS_faccessat2, -1, "", 0, 0x4000000));
    EXPECT_ALLOWED(syscall(SYS_epoll_pwait2, -1, NULL, 0, NULL, NULL, 0));
    EXPECT_ALLOWED(syscall(SYS_statx, -1, NULL, 0, 0, NULL));
    EXPECT_ALLOWED(syscall(SYS_rseq, NULL, 0, 0, 0));
    EXPECT_ALLOWED(syscall(SYS_futex_waitv, NULL, 0, 0, NULL, 0));
    EXPECT_ALLOWED(syscall(SYS_copy_file_range, -1, NULL, -1, NULL, 1, 0));
    EXPECT_ALLOWED(syscall(SYS_getrandom, buf, sizeof(buf), 0));
    EXPECT_ALLOWED(syscall(SYS_execveat, -1, "", NULL, NULL, 0));
    EXPECT_ALLOWED(syscall(SYS_pidfd_send_signal, -1, 0, NULL, 0));
    EXPECT_ALLOWED(syscall(452 /* fchmodat2 */, -1, "", 0, 0));
    EXPECT_ALLOWED(syscall(462 /* mseal */, 0, 0, 0));
    EXPECT_OK(syscall(SYS_memfd_create, "x", 0), 1);
    EXPECT_OK(syscall(SYS_pidfd_open, getpid(), 0), 1);
    return 0;
}

static void test_floor_modern_allowed(void **state)
{
    assert_child_ok(run_child(&floor_only, child_modern, NULL));
}

static void test_floor_personality_ioctl(void **state)
{
    assert_child_ok(run_child(&floor_only, child_personality_ioctl, NULL));
}

static int child_sockets(void *arg)
{
    int sv[2];
    EXPECT_OK(socket(AF_UNIX, SOCK_STREAM, 0), 1);
    EXPECT_OK(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 1);
    EXPECT_OK(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), 1);
    EXPECT_OK(socket(AF_INET6, SOCK_STREAM, 0), 1);
    EXPECT_OK(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), 1);
    EXPECT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    close(sv[0]);
    close(sv[1]);

    EXPECT_ERR(socket(AF_PACKET, SOCK_RAW, 0), EPERM);
    EXPECT_ERR(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
    EXPECT_ERR(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, 0), EPERM);
    EXPECT_ERR(socket(AF_INET, SOCK_PACKET, 0), EPERM);
    EXPECT_ERR(socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), EPERM);
    EXPECT_ERR(socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT), EPERM);
    EXPECT_ERR(socket(AF_VSOCK, SOCK_STREAM, 0), EPERM);
    EXPECT_ERR(socket(AF_ALG, SOCK_SEQPACKET, 0), EPERM);
    EXPECT_ERR(socketpair(AF_PACKET, SOCK_RAW, 0, sv), EPERM);
    /* High bits cannot smuggle a refused value past a masked comparison. */
    EXPECT_ERR(syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, 0), EPERM);
    EXPECT_ERR(syscall(SYS_socket, AF_INET, (1UL << 32) | SOCK_RAW, 0), EPERM);
    EXPECT_ERR(syscall(SYS_socket, AF_NETLINK, SOCK_RAW, (1UL << 32) | NETLINK_AUDIT), EPERM);
    EXPECT_ERR(syscall(SYS_socket, 0xffffffff00000000UL | AF_VSOCK, SOCK_STREAM, 0), EPERM);
    /* Every family but the four allowed ones, including out-of-range ones. */
    for (long fam = 0; fam < 70; fam++) {
        if (fam == AF_UNIX || fam == AF_INET || fam == AF_INET6 || fam == AF_NETLINK)
            continue;
        EXPECT_ERR(syscall(SYS_socket, fam, SOCK_STREAM, 0), EPERM);
        EXPECT_ERR(syscall(SYS_socket, (1L << 33) | fam, SOCK_DGRAM, 0), EPERM);
    }
    for (long t = 0; t < 16; t++) {
        if (t == SOCK_STREAM || t == SOCK_DGRAM || t == SOCK_SEQPACKET)
            continue;
        EXPECT_ERR(syscall(SYS_socket, AF_INET, t | SOCK_CLOEXEC, 0), EPERM);
    }
    for (long proto = 1; proto < 40; proto++)
        EXPECT_ERR(socket(AF_NETLINK, SOCK_RAW, (int)proto), EPERM);
    return 0;
}

static void test_floor_sockets(void **state)
{
    assert_child_ok(run_child(&floor_only, child_sockets, NULL));
}

static int child_x32(void *arg)
{
    syscall(0x40000000 | 39); /* x32 getpid */
    return 3;                 /* not reached */
}

static int child_i386(void *arg)
{
#ifdef __x86_64__
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(20L)
                     : "memory", "r8", "r9", "r10", "r11"); /* i386 getpid; r8-r11 are zeroed */
#endif
    return 3;
}

static void test_floor_foreign_abi_kills(void **state)
{
#ifndef __x86_64__
    skip();
#endif
    int st = run_child(&floor_only, child_x32, NULL);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGSYS);
    /* Without a filter, int 0x80 returns, or faults when the kernel has no
     * i386 entry (then there is no i386 ABI to filter). */
    st = run_child(NULL, child_i386, NULL);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
        fprintf(stderr,
                "int 0x80 faults even without a filter here (no i386 entry): i386 check skipped\n");
        return;
    }
    assert_true(WIFEXITED(st));
    st = run_child(&floor_only, child_i386, NULL);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGSYS);
}

static void *thread_fn(void *arg)
{
    return arg;
}

static int run_wait(const char *path, char *const argv[])
{
    pid_t pid;
    int st;
    int rc = posix_spawn(&pid, path, NULL, NULL, argv, environ);
    if (rc)
        return -rc;
    if (waitpid(pid, &st, 0) != pid)
        return -errno;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int child_processes(void *arg)
{
    pid_t pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0)
        _exit(7);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
        FAIL("fork child status %d", st);
    pthread_t t;
    void *ret = NULL;
    if (pthread_create(&t, NULL, thread_fn, (void *)42) || pthread_join(t, &ret) ||
        ret != (void *)42)
        FAIL("pthread_create/join");
    char *true_argv[] = {"true", NULL};
    int rc = run_wait("/bin/true", true_argv);
    if (rc != 0)
        FAIL("posix_spawn /bin/true: %d", rc);
    /* A shell pipeline, redirections, subshells, command substitution. */
    char *sh_argv[] = {"sh", "-c",
                       "set -e; d=$(mktemp -d); echo hi | cat > $d/f; test \"$(cat $d/f)\" = hi; "
                       "(cd $d && ls >/dev/null); rm -r $d",
                       NULL};
    rc = run_wait("/bin/sh", sh_argv);
    if (rc != 0)
        FAIL("sh: %d", rc);
    if (access("/usr/bin/python3", X_OK) == 0) {
        char *py_argv[] = {"python3", "-c",
                           "import os, socket, subprocess, tempfile, threading, hashlib;"
                           "t = threading.Thread(target=lambda: None); t.start(); t.join();"
                           "s = socket.socket(); s.close();"
                           "assert subprocess.run(['true']).returncode == 0;"
                           "tempfile.TemporaryDirectory().cleanup()",
                           NULL};
        rc = run_wait("/usr/bin/python3", py_argv);
        if (rc != 0)
            FAIL("python3: %d", rc);
    }
    if (access("/usr/bin/gcc", X_OK) == 0) {
        char *cc_argv[] = {"sh", "-c",
                           "d=$(mktemp -d) && printf 'int main(void){return 0;}' > $d/a.c && "
                           "gcc -o $d/a $d/a.c && $d/a; r=$?; rm -rf $d; exit $r",
                           NULL};
        rc = run_wait("/bin/sh", cc_argv);
        if (rc != 0)
            FAIL("gcc: %d", rc);
    }
    return 0;
}

static void test_floor_processes_work(void **state)
{
    assert_child_ok(run_child(&floor_only, child_processes, NULL));
}

/* Every name in the tables must be a real syscall here (catches typos). */
static void test_floor_table_names(void **state)
{
    const char *const *lists[] = {floor_allow, floor_eperm, floor_enosys};
    const size_t ns[] = {floor_allow_n, floor_eperm_n, floor_enosys_n};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ns[l]; i++)
            if (seccomp_syscall_resolve_name(lists[l][i]) < 0)
                fail_msg("floor table: %s is unknown to libseccomp", lists[l][i]);
    /* The dangerous and ENOSYS lists never overlap the allowlist. */
    for (size_t i = 0; i < floor_allow_n; i++) {
        for (size_t k = 0; k < floor_eperm_n; k++)
            if (!strcmp(floor_allow[i], floor_eperm[k]))
                fail_msg("%s both allowed and EPERM", floor_allow[i]);
        for (size_t k = 0; k < floor_enosys_n; k++)
            if (!strcmp(floor_allow[i], floor_enosys[k]))
                fail_msg("%s both allowed and ENOSYS", floor_allow[i]);
    }
}

/* ---- config filters ------------------------------------------------------ */

static char *getcwd_names[] = {"getcwd", "no_such_syscall_aisbx", NULL};
static char *mkdir_names[] = {"mkdir", "mkdirat", NULL};
static char *kill_names[] = {"kill", NULL};
static char *fchdir_names[] = {"fchdir", NULL};
static char *dup3_names[] = {"dup3", NULL};
static char *arches[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL};

static struct spec_seccomp_arg kill_args[] = {
    /* mask all 64 bits, value 0: kill(pid, 0) */
    {.index = 1,
     .value = 0xffffffffffffffffULL,
     .value_two = 0,
     .has_value_two = true,
     .op = "SCMP_CMP_MASKED_EQ"},
};
static struct spec_seccomp_arg fchdir_args[] = {
    {.index = 0, .value = 0xffffffffffffffffULL, .op = "SCMP_CMP_EQ"},
};
static struct spec_seccomp_arg dup3_args[] = {
    /* two conditions on one index: runc ORs them */
    {.index = 2, .value = 1, .op = "SCMP_CMP_EQ"},
    {.index = 2, .value = 2, .op = "SCMP_CMP_EQ"},
};

static struct spec_seccomp_syscall cfg_rules[] = {
    {.names = {getcwd_names, 2},
     .action = "SCMP_ACT_ERRNO",
     .has_errno_ret = true,
     .errno_ret = EACCES},
    {.names = {mkdir_names, 2}, .action = "SCMP_ACT_ERRNO", .has_errno_ret = true, .errno_ret = 1},
    {.names = {kill_names, 1},
     .action = "SCMP_ACT_ERRNO",
     .has_errno_ret = true,
     .errno_ret = EDOM,
     .args = kill_args,
     .n_args = 1},
    {.names = {fchdir_names, 1},
     .action = "SCMP_ACT_ERRNO",
     .has_errno_ret = true,
     .errno_ret = ENOTBLK,
     .args = fchdir_args,
     .n_args = 1},
    {.names = {dup3_names, 1},
     .action = "SCMP_ACT_ERRNO",
     .has_errno_ret = true,
     .errno_ret = EXDEV,
     .args = dup3_args,
     .n_args = 2},
    /* same as the default action: skipped, as runc does */
    {.names = {fchdir_names, 1}, .action = "SCMP_ACT_ALLOW"},
};

static struct spec_seccomp cfg = {
    .default_action = "SCMP_ACT_ALLOW",
    .architectures = {arches, 3},
    .syscalls = cfg_rules,
    .n_syscalls = sizeof(cfg_rules) / sizeof(cfg_rules[0]),
};

static int child_config(void *arg)
{
    char buf[256];
    EXPECT_ERR(syscall(SYS_getcwd, buf, sizeof(buf)), EACCES);
    EXPECT_ERR(mkdir("/tmp/aisbx-never", 0700), EPERM);
    EXPECT_ERR(kill(getpid(), 0), EDOM);
    EXPECT_OK(kill(getpid(), SIGWINCH), 0); /* ignored by default */
    EXPECT_ERR(syscall(SYS_fchdir, -1L), ENOTBLK);
    EXPECT_ERR(fchdir(-2), EBADF);
    EXPECT_ERR(syscall(SYS_dup3, 0, 100, 1), EXDEV);
    EXPECT_ERR(syscall(SYS_dup3, 0, 100, 2), EXDEV);
    EXPECT_OK(dup3(0, 100, O_CLOEXEC), 1);
    EXPECT_OK(getpid(), 0);
    return 0;
}

static void test_config_filter(void **state)
{
    struct seccomp_program p;
    aisbx_error *err = NULL;
    if (seccomp_compile_config(&cfg, &p, &err) < 0)
        fail_msg("%s", err->msg);
    struct loaded l = {{&p, NULL}, {SECCOMP_FILTER_FLAG_LOG, 0}};
    assert_child_ok(run_child(&l, child_config, NULL));
    seccomp_program_free(&p);
}

static int child_stacked(void *arg)
{
    EXPECT_ERR(mkdir("/tmp/aisbx-never", 0700), EPERM);
    EXPECT_ERR(mount("none", "/mnt", "tmpfs", 0, NULL), EPERM);
    EXPECT_ERR(syscall(SYS_clone3, NULL, 0), ENOSYS);
    EXPECT_ERR(kill(getpid(), 0), EDOM);
    EXPECT_OK(getpid(), 0);
    return 0;
}

/* Both filters apply; the floor is loaded last, as init does. */
static void test_config_and_floor(void **state)
{
    struct seccomp_program p;
    aisbx_error *err = NULL;
    if (seccomp_compile_config(&cfg, &p, &err) < 0)
        fail_msg("%s", err->msg);
    struct loaded l = {{&p, &floor_prog}, {0, 0}};
    assert_child_ok(run_child(&l, child_stacked, NULL));
    seccomp_program_free(&p);
}

static void expect_compile_error(struct spec_seccomp *s, const char *want)
{
    struct seccomp_program p;
    aisbx_error *err = NULL;
    assert_int_equal(seccomp_compile_config(s, &p, &err), -1);
    assert_non_null(err);
    if (!strstr(err->msg, want))
        fail_msg("error \"%s\" does not mention %s", err->msg, want);
    aisbx_error_free(&err);
}

static void test_config_errors(void **state)
{
    struct spec_seccomp s = cfg;
    s.default_action = "SCMP_ACT_BOGUS";
    expect_compile_error(&s, "SCMP_ACT_BOGUS");

    s = cfg;
    char *bad_arch[] = {"SCMP_ARCH_VAX", NULL};
    s.architectures = (struct spec_strlist){bad_arch, 1};
    expect_compile_error(&s, "SCMP_ARCH_VAX");

    s = cfg;
    struct spec_seccomp_arg bad_op = {.index = 0, .value = 1, .op = "SCMP_CMP_ALMOST"};
    struct spec_seccomp_syscall r = {
        .names = {kill_names, 1}, .action = "SCMP_ACT_ERRNO", .args = &bad_op, .n_args = 1};
    s.syscalls = &r;
    s.n_syscalls = 1;
    expect_compile_error(&s, "SCMP_CMP_ALMOST");

    r.args = NULL;
    r.n_args = 0;
    r.action = "SCMP_ACT_SOMETIMES";
    expect_compile_error(&s, "SCMP_ACT_SOMETIMES");

    s = cfg;
    char *bad_flags[] = {"SECCOMP_FILTER_FLAG_MAGIC", NULL};
    s.flags = (struct spec_strlist){bad_flags, 1};
    expect_compile_error(&s, "SECCOMP_FILTER_FLAG_MAGIC");

    s = cfg;
    s.default_action = NULL;
    expect_compile_error(&s, "defaultAction");
}

static void test_every_action_compiles(void **state)
{
    const char *actions[] = {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS",
                             "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                             "SCMP_ACT_LOG",  "SCMP_ACT_NOTIFY"};
    const char *ops[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                         "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
    for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
        for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
            struct spec_seccomp_arg arg = {.index = 2,
                                           .value = 7,
                                           .value_two = 3,
                                           .has_value_two = true,
                                           .op = (char *)ops[o]};
            struct spec_seccomp_syscall r = {
                .names = {kill_names, 1}, .action = (char *)actions[a], .args = &arg, .n_args = 1};
            struct spec_seccomp s = {.default_action = "SCMP_ACT_ERRNO",
                                     .has_default_errno_ret = true,
                                     .default_errno_ret = ENOSYS,
                                     .syscalls = &r,
                                     .n_syscalls = 1};
            struct seccomp_program p;
            aisbx_error *err = NULL;
            if (seccomp_compile_config(&s, &p, &err) < 0)
                fail_msg("%s/%s: %s", actions[a], ops[o], err->msg);
            assert_true(p.len > 0);
            seccomp_program_free(&p);
        }
}

static void test_flags(void **state)
{
    char *flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC", NULL};
    struct spec_seccomp s = cfg;
    s.flags = (struct spec_strlist){flags, 2};
    aisbx_error *err = NULL;
    assert_false(seccomp_uses_notify(&s));
    assert_int_equal(seccomp_flags_from_spec(&s, &err),
                     SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC);
    assert_null(err);
    struct spec_seccomp_syscall r = {.names = {kill_names, 1}, .action = "SCMP_ACT_NOTIFY"};
    s.syscalls = &r;
    s.n_syscalls = 1;
    assert_true(seccomp_uses_notify(&s));
    assert_int_equal(seccomp_flags_from_spec(&s, &err),
                     SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_TSYNC |
                         SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH);
}

/* ---- notify: listener fd handed to an agent over listenerPath ---------- */

struct notify_arg {
    const struct seccomp_program *p;
    unsigned int flags;
    const char *path;
};

static int child_notify(void *argp)
{
    struct notify_arg *a = argp;
    aisbx_error *err = NULL;
    int fd = -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        seccomp_program_load(a->p, a->flags, &fd, &err) < 0)
        FAIL("load: %s", err ? err->msg : strerror(errno));
    if (fd < 0)
        FAIL("no listener fd");
    if (seccomp_send_listener(a->path, fd, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"]}",
                              &err) < 0)
        FAIL("%s", err->msg);
    close(fd);
    long r = syscall(SYS_getppid); /* answered by the agent in the parent */
    if (r != 4242)
        FAIL("getppid under notify -> %ld", r);
    return 0;
}

static void test_notify_listener(void **state)
{
    static char *getppid_names[] = {"getppid", NULL};
    struct spec_seccomp_syscall r = {.names = {getppid_names, 1}, .action = "SCMP_ACT_NOTIFY"};
    struct spec_seccomp s = {.default_action = "SCMP_ACT_ALLOW", .syscalls = &r, .n_syscalls = 1};
    struct seccomp_program p;
    aisbx_error *err = NULL;
    if (seccomp_compile_config(&s, &p, &err) < 0)
        fail_msg("%s", err->msg);

    char dir[] = "/tmp/aisbx-test-notify-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/agent.sock", dir);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, path);
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 1), 0);

    struct notify_arg a = {&p, seccomp_flags_from_spec(&s, NULL), path};
    assert_true(a.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_notify(&a));

    int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    assert_true(conn >= 0);
    int nfd = -1;
    char *payload = NULL;
    assert_int_equal(fd_recv_fd(conn, &nfd, &payload), 0);
    assert_non_null(strstr(payload, "seccompFd"));
    struct seccomp_notif *req;
    struct seccomp_notif_resp *resp;
    assert_int_equal(seccomp_notify_alloc(&req, &resp), 0);
    assert_int_equal(seccomp_notify_receive(nfd, req), 0);
    assert_int_equal(req->data.nr, SYS_getppid);
    resp->id = req->id;
    resp->val = 4242;
    resp->error = 0;
    resp->flags = 0;
    assert_int_equal(seccomp_notify_respond(nfd, resp), 0);
    seccomp_notify_free(req, resp);

    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(nfd);
    close(conn);
    close(ls);
    free(payload);
    unlink(path);
    rmdir(dir);
    seccomp_program_free(&p);
    assert_child_ok(st);
}

static void test_floor_compile_time(void **state)
{
    struct timespec a, b;
    const int n = 20;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) {
        struct seccomp_program p;
        aisbx_error *err = NULL;
        if (seccomp_compile_floor(&p, &err) < 0)
            fail_msg("%s", err->msg);
        assert_int_equal(p.len, floor_prog.len);
        assert_memory_equal(p.filter, floor_prog.filter, p.len * sizeof(*p.filter));
        seccomp_program_free(&p);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    fprintf(stderr, "floor compile: %.2f ms average over %d runs\n",
            ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / n, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floor_table_names),
        cmocka_unit_test(test_floor_denied),
        cmocka_unit_test(test_floor_personality_ioctl),
        cmocka_unit_test(test_floor_sockets),
        cmocka_unit_test(test_floor_masked_sweeps),
        cmocka_unit_test(test_floor_modern_allowed),
        cmocka_unit_test(test_floor_foreign_abi_kills),
        cmocka_unit_test(test_floor_processes_work),
        cmocka_unit_test(test_config_filter),
        cmocka_unit_test(test_config_and_floor),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_every_action_compiles),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_notify_listener),
        cmocka_unit_test(test_floor_compile_time),
    };
    return cmocka_run_group_tests(tests, setup_floor, teardown_floor);
}
