/* rlimits, oom_score_adj, I/O priority, scheduler, personality and LSM
 * exec labels, each applied in a forked child and read back from the kernel. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/kernel/process_attrs.h"
#include "runtime/kernel/rlimits.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                            \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        return 1;                                                                                  \
    } while (0)

static int run_child(int (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        int rc = fn(arg);
        fflush(NULL);
        _exit(rc);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st))
        fail_msg("child killed by signal %d", WTERMSIG(st));
    return WEXITSTATUS(st);
}

static int child_rlimits(void *arg)
{
    struct rlimit nproc;
    getrlimit(RLIMIT_NPROC, &nproc); /* raising needs CAP_SYS_RESOURCE: keep its hard limit */
    struct spec_rlimit r[] = {
        {.type = "RLIMIT_CORE", .soft = 0, .hard = 0},
        {.type = "RLIMIT_NOFILE", .soft = 512, .hard = 1024},
        {.type = "RLIMIT_NPROC", .soft = nproc.rlim_max, .hard = nproc.rlim_max},
    };
    aisbx_error *err = NULL;
    if (rlimits_apply(r, 3, &err) < 0)
        FAIL("%s", err->msg);
    struct rlimit l;
    if (getrlimit(RLIMIT_CORE, &l) || l.rlim_cur != 0 || l.rlim_max != 0)
        FAIL("RLIMIT_CORE %llu/%llu", (unsigned long long)l.rlim_cur,
             (unsigned long long)l.rlim_max);
    if (getrlimit(RLIMIT_NOFILE, &l) || l.rlim_cur != 512 || l.rlim_max != 1024)
        FAIL("RLIMIT_NOFILE");
    if (getrlimit(RLIMIT_NPROC, &l) || l.rlim_cur != nproc.rlim_max)
        FAIL("RLIMIT_NPROC");

    /* Without CAP_SYS_RESOURCE raising the hard limit fails, naming it. */
    cap_t none = cap_init();
    if (cap_set_proc(none) < 0)
        FAIL("cap_set_proc: %s", strerror(errno));
    cap_free(none);
    struct spec_rlimit up = {.type = "RLIMIT_NOFILE", .soft = 512, .hard = 4096};
    if (rlimits_apply(&up, 1, &err) == 0)
        FAIL("raised the hard limit without CAP_SYS_RESOURCE");
    if (!strstr(err->msg, "RLIMIT_NOFILE") || !strstr(err->msg, "CAP_SYS_RESOURCE"))
        FAIL("unclear message: %s", err->msg);
    aisbx_error_free(&err);
    return 0;
}

static void test_rlimits(void **state)
{
    assert_int_equal(run_child(child_rlimits, NULL), 0);
}

static void test_rlimit_errors(void **state)
{
    aisbx_error *err = NULL;
    struct spec_rlimit bad = {.type = "RLIMIT_UNICORNS", .soft = 1, .hard = 1};
    assert_int_equal(rlimits_apply(&bad, 1, &err), -1);
    assert_non_null(strstr(err->msg, "RLIMIT_UNICORNS"));
    aisbx_error_free(&err);
    struct spec_rlimit inv = {.type = "RLIMIT_CORE", .soft = 10, .hard = 1};
    assert_int_equal(rlimits_apply(&inv, 1, &err), -1);
    assert_non_null(strstr(err->msg, "RLIMIT_CORE"));
    aisbx_error_free(&err);
    assert_int_equal(rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
}

static int child_attrs(void *arg)
{
    aisbx_error *err = NULL;
    if (process_set_oom_score_adj(0, 123, &err) < 0)
        FAIL("%s", err->msg);
    FILE *f = fopen("/proc/self/oom_score_adj", "re");
    int v = 0;
    if (!f || fscanf(f, "%d", &v) != 1 || v != 123)
        FAIL("oom_score_adj = %d", v);
    fclose(f);

    struct spec_io_priority io = {.class_ = "IOPRIO_CLASS_BE", .priority = 6};
    if (process_apply_io_priority(&io, &err) < 0)
        FAIL("%s", err->msg);
    long p = syscall(SYS_ioprio_get, 1, 0);
    if (p != ((2 << 13) | 6))
        FAIL("ioprio %#lx", p);

    struct spec_scheduler s = {.policy = "SCHED_BATCH", .has_nice = true, .nice = 7};
    if (process_apply_scheduler(&s, &err) < 0)
        FAIL("%s", err->msg);
    if (sched_getscheduler(0) != SCHED_BATCH)
        FAIL("policy %d", sched_getscheduler(0));
    errno = 0;
    if (getpriority(PRIO_PROCESS, 0) != 7)
        FAIL("nice %d", getpriority(PRIO_PROCESS, 0));

    struct spec_personality per = {.domain = "LINUX32"};
    if (process_apply_personality(&per, &err) < 0)
        FAIL("%s", err->msg);
    if (personality(0xffffffff) != PER_LINUX32)
        FAIL("personality %#x", personality(0xffffffff));
    return 0;
}

static void test_attrs(void **state)
{
    assert_int_equal(run_child(child_attrs, NULL), 0);
}

static void expect_err(int rc, aisbx_error **err, const char *want)
{
    assert_int_equal(rc, -1);
    assert_non_null(*err);
    if (!strstr((*err)->msg, want))
        fail_msg("\"%s\" does not mention %s", (*err)->msg, want);
    aisbx_error_free(err);
}

static void test_attr_errors(void **state)
{
    aisbx_error *err = NULL;
    struct spec_io_priority io = {.class_ = "IOPRIO_CLASS_TURBO"};
    expect_err(process_apply_io_priority(&io, &err), &err, "IOPRIO_CLASS_TURBO");
    io = (struct spec_io_priority){.class_ = "IOPRIO_CLASS_BE", .priority = 9};
    expect_err(process_apply_io_priority(&io, &err), &err, "0..7");
    struct spec_scheduler s = {.policy = "SCHED_WHENEVER"};
    expect_err(process_apply_scheduler(&s, &err), &err, "SCHED_WHENEVER");
    char *flags[] = {"SCHED_FLAG_SOON", NULL};
    s = (struct spec_scheduler){.policy = "SCHED_OTHER", .flags = {flags, 1}};
    expect_err(process_apply_scheduler(&s, &err), &err, "SCHED_FLAG_SOON");
    struct spec_personality per = {.domain = "WINDOWS"};
    expect_err(process_apply_personality(&per, &err), &err, "WINDOWS");
    char *pflags[] = {"ADDR_NO_RANDOMIZE", NULL};
    per = (struct spec_personality){.domain = "LINUX", .flags = {pflags, 1}};
    expect_err(process_apply_personality(&per, &err), &err, "ADDR_NO_RANDOMIZE");
    assert_int_equal(process_apply_io_priority(NULL, &err), 0);
    assert_int_equal(process_apply_scheduler(NULL, &err), 0);
    assert_int_equal(process_apply_personality(NULL, &err), 0);
    assert_int_equal(process_set_exec_labels(NULL, "", &err), 0);
}

/* Asking for an LSM the host does not run is an error, never ignored; the
 * decision reads the host's /sys (here a fake tree), not the container's. */
static void put(const char *root, const char *rel, const char *text)
{
    char path[512], cmd[600];
    snprintf(path, sizeof(path), "%s%s", root, rel);
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_exec_labels_host_side(void **state)
{
    aisbx_error *err = NULL;
    char root[] = "/tmp/aisbx-lsm-XXXXXX";
    assert_non_null(mkdtemp(root));
    /* No LSM at all. */
    expect_err(process_check_exec_labels(root, "docker-default", NULL, &err), &err,
               "AppArmor is not enabled");
    expect_err(process_check_exec_labels(root, NULL, "system_u:system_r:container_t:s0", &err),
               &err, "SELinux is not enabled");
    assert_int_equal(process_check_exec_labels(root, "", "", &err), 0);
    /* The module is there but off. */
    put(root, "/sys/module/apparmor/parameters/enabled", "N\n");
    expect_err(process_check_exec_labels(root, "docker-default", NULL, &err), &err,
               "AppArmor is not enabled");
    /* On, securityfs not mounted (the container's view): the module
     * parameter decides, the kernel checks the profile at the write. */
    put(root, "/sys/module/apparmor/parameters/enabled", "Y\n");
    assert_true(process_apparmor_enabled(root));
    assert_int_equal(process_check_exec_labels(root, "docker-default", NULL, &err), 0);
    /* With the profile list: loaded, not loaded, a prefix of a loaded one. */
    put(root, "/sys/kernel/security/apparmor/profiles",
        "docker-default (enforce)\ncontainers-default-0.50.1 (enforce)\n/usr/bin/man (enforce)\n");
    assert_int_equal(process_check_exec_labels(root, "docker-default", NULL, &err), 0);
    assert_int_equal(process_check_exec_labels(root, "containers-default-0.50.1", NULL, &err), 0);
    assert_int_equal(process_check_exec_labels(root, "unconfined", NULL, &err), 0);
    expect_err(process_check_exec_labels(root, "cri-containerd.apparmor.d", NULL, &err), &err,
               "is not loaded");
    expect_err(process_check_exec_labels(root, "docker", NULL, &err), &err, "is not loaded");
    /* SELinux on: selinuxfs answers (a plain file here accepts any label). */
    put(root, "/sys/fs/selinux/enforce", "1\n");
    put(root, "/sys/fs/selinux/context", "");
    assert_true(process_selinux_enabled(root));
    assert_int_equal(
        process_check_exec_labels(root, NULL, "system_u:system_r:container_t:s0:c1,c2", &err), 0);
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);

    /* This host, as it is: whatever it runs, the answer matches its /sys. */
    struct stat st;
    if (stat("/sys/module/apparmor/parameters/enabled", &st) < 0)
        expect_err(process_check_exec_labels("", "docker-default", NULL, &err), &err,
                   "AppArmor is not enabled");
    if (stat("/sys/fs/selinux/enforce", &st) < 0)
        expect_err(process_check_exec_labels("", NULL, "system_u:system_r:container_t:s0", &err),
                   &err, "SELinux is not enabled");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rlimits),
        cmocka_unit_test(test_rlimit_errors),
        cmocka_unit_test(test_attrs),
        cmocka_unit_test(test_attr_errors),
        cmocka_unit_test(test_exec_labels_host_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
