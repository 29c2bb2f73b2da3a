/* clone_into_cgroup (runtime/kernel/clone_into.c; test_cgroup_* so that the
 * cgroup v2 lane runs it too) against the real kernel,
 * in a cgroup v2 directory this test makes and removes (the unified mount:
 * /sys/fs/cgroup on v2, /sys/fs/cgroup/unified on a hybrid host): a child
 * is born in the cgroup; with clone3 refused by a seccomp filter (ENOSYS as
 * Docker's profile answers, EPERM as others do) the plain clone is used and
 * the caller is told to attach; without an fd it is a plain clone. And
 * cgroup_check_member, which create runs on the init either way. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/clone_into.h"

static char mount_dir[64], rel[64], dir[160];

/* The child's exit status: 0 if its /proc/self/cgroup unified line is
 * "0::<want>", 1 if it is something else, 2 if unreadable. */
static int child_in(const char *want)
{
    char buf[4096] = "\n";
    int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 2;
    ssize_t n = read(fd, buf + 1, sizeof(buf) - 2);
    close(fd);
    if (n <= 0)
        return 2;
    char line[200];
    snprintf(line, sizeof(line), "\n0::%s\n", want);
    return strstr(buf, line) ? 0 : 1;
}

static int setup(void **state)
{
    struct statfs st;
    if (statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
        strcpy(mount_dir, "/sys/fs/cgroup");
    else if (statfs("/sys/fs/cgroup/unified", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
        strcpy(mount_dir, "/sys/fs/cgroup/unified");
    else
        return 0;
    snprintf(rel, sizeof(rel), "/aisbx-unit-clone-%d", (int)getpid());
    snprintf(dir, sizeof(dir), "%s%s", mount_dir, rel);
    if (mkdir(dir, 0755) < 0)
        mount_dir[0] = '\0';
    return 0;
}

static int teardown(void **state)
{
    if (mount_dir[0] && rmdir(dir) < 0)
        fprintf(stderr, "rmdir %s: %s\n", dir, strerror(errno));
    return 0;
}

#define NEED_CGROUP2()                                                                             \
    do {                                                                                           \
        if (!mount_dir[0] || geteuid() != 0)                                                       \
            skip();                                                                                \
    } while (0)

/* Runs clone_into_cgroup in this process; the child reports where it is. */
static int clone_and_report(int fd, bool *born_in)
{
    pid_t pid = clone_into_cgroup(0, fd, born_in);
    if (pid == 0)
        _exit(child_in(rel));
    if (pid < 0)
        return -1;
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static void test_born_in_the_cgroup(void **state)
{
    NEED_CGROUP2();
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    bool born = false;
    assert_int_equal(clone_and_report(fd, &born), 0);
    assert_true(born);
    close(fd);
}

static void test_no_fd_is_a_plain_clone(void **state)
{
    NEED_CGROUP2();
    bool born = true;
    assert_int_equal(clone_and_report(-1, &born), 1); /* stays in ours */
    assert_false(born);
}

/* In a forked helper (the filter cannot be removed): clone3 refused with
 * errno e, so the child must come from clone, outside the cgroup. */
static void refused_with(int e)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(e), SCMP_SYS(clone3), 0) < 0 ||
            seccomp_load(ctx) < 0)
            _exit(10);
        bool born = true;
        int r = clone_and_report(fd, &born);
        _exit(r == 1 && !born ? 0 : 11 + r);
    }
    int st;
    assert_int_equal(waitpid(helper, &st, 0), helper);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    close(fd);
}

static void test_clone3_enosys_falls_back(void **state)
{
    NEED_CGROUP2();
    refused_with(ENOSYS);
}

static void test_clone3_eperm_falls_back(void **state)
{
    NEED_CGROUP2();
    refused_with(EPERM);
}

/* The cgroup /proc/self/cgroup gives for the hierarchy cgroup_check_member
 * reads: v2 the unified line, v1 the pids one. */
static char *own_cgroup_line(void)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char line[512];
    char *res = NULL;
    bool v2 = cgroup_version() == CGROUP_V2;
    assert_non_null(f);
    while (!res && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        bool match = v2 ? !strcmp(line, "0:") : strstr(c1 + 1, "pids") != NULL;
        if (match)
            res = strdup(c2 + 1);
    }
    fclose(f);
    return res;
}

/* A process in its cgroup passes; the same process against another path
 * fails with a line that names both; a process that does not exist fails. */
static void test_membership_check(void **state)
{
    char *mine = own_cgroup_line();
    if (!mine)
        skip(); /* v1 without a pids hierarchy: create refuses such hosts anyway */
    aisbx_error *err = NULL;
    assert_int_equal(cgroup_check_member(mine, getpid(), &err), 0);
    assert_null(err);
    assert_int_equal(cgroup_check_member("/aisbx-not-this-one", getpid(), &err), -1);
    assert_non_null(err);
    assert_non_null(strstr(err->msg, "/aisbx-not-this-one"));
    assert_non_null(strstr(err->msg, mine));
    aisbx_error_free(&err);
    pid_t gone = fork();
    assert_true(gone >= 0);
    if (gone == 0)
        _exit(0);
    assert_int_equal(waitpid(gone, NULL, 0), gone);
    assert_int_equal(cgroup_check_member(mine, gone, &err), -1);
    assert_non_null(err);
    aisbx_error_free(&err);
    free(mine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_born_in_the_cgroup),
        cmocka_unit_test(test_no_fd_is_a_plain_clone),
        cmocka_unit_test(test_clone3_enosys_falls_back),
        cmocka_unit_test(test_clone3_eperm_falls_back),
        cmocka_unit_test(test_membership_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
