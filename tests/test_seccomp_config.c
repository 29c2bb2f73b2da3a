/* The config's seccomp filter (linux.seccomp) compiled by aisbx: actions,
 * argument operators, errors naming the bad value, flags, stacking under the
 * floor, and the notify listener handed to an agent. */
#include "tests/seccomp_child.h"

static struct seccomp_program floor_prog;

static int setup_floor(void **state)
{
    aisbx_error *err = NULL;
    if (seccomp_compile_floor(&floor_prog, &err) < 0)
        fail_msg("%s", err->msg);
    return 0;
}

static int teardown_floor(void **state)
{
    seccomp_program_free(&floor_prog);
    return 0;
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
    /* As process_connect_listener and process_harden do it. */
    int sock = -1;
    if (fd_connect_unix(a->path, &sock, "seccomp listenerPath", &err) < 0)
        FAIL("%s", err->msg);
    if (fd_send_fd(sock, fd, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"]}") < 0)
        FAIL("send the listener fd: %s", strerror(errno));
    close(sock);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_filter), cmocka_unit_test(test_config_and_floor),
        cmocka_unit_test(test_config_errors), cmocka_unit_test(test_every_action_compiles),
        cmocka_unit_test(test_flags),         cmocka_unit_test(test_notify_listener),
    };
    return cmocka_run_group_tests(tests, setup_floor, teardown_floor);
}
