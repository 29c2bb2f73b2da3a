/* The floor seccomp filter on the real kernel: each case forks a child,
 * sets no_new_privs, loads the floor and checks syscalls from inside. */
#include "tests/seccomp_child.h"

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

/* A SIGSYS kill dumps core: leave no core file behind. */
static void no_core(void)
{
    struct rlimit r = {0, 0};
    setrlimit(RLIMIT_CORE, &r);
}

static int child_x32(void *arg)
{
    no_core();
    syscall(0x40000000 | 39); /* x32 getpid */
    return 3;                 /* not reached */
}

static int child_i386(void *arg)
{
    no_core();
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
        cmocka_unit_test(test_floor_table_names),       cmocka_unit_test(test_floor_denied),
        cmocka_unit_test(test_floor_personality_ioctl), cmocka_unit_test(test_floor_sockets),
        cmocka_unit_test(test_floor_masked_sweeps),     cmocka_unit_test(test_floor_modern_allowed),
        cmocka_unit_test(test_floor_foreign_abi_kills), cmocka_unit_test(test_floor_processes_work),
        cmocka_unit_test(test_floor_compile_time),
    };
    return cmocka_run_group_tests(tests, setup_floor, teardown_floor);
}
