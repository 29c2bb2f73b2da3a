/* Rootless mode's pure decisions: --rootless, the state root (runc's
 * XDG rule), how each id map is written, the helper's argv, the uid_map
 * reader, and the configs a plain user cannot run. Plus RLIMIT_NPROC as
 * the pids cap's holder: rlimit_cap only lowers, verify_nproc checks it. */

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/kernel/idmap.h"
#include "runtime/kernel/idmap_helper.h"
#include "runtime/kernel/rlimits.h"
#include "runtime/kernel/userns.h"
#include "runtime/launch/verify.h"
#include "runtime/lifecycle/rootless.h"

static void test_decide(void **state)
{
    bool r = false;
    aisbx_error *err = NULL;
    /* auto: euid not 0, or root inside a child user namespace (podman) */
    assert_int_equal(rootless_decide(NULL, false, false, &r, &err), 0);
    assert_true(r);
    assert_int_equal(rootless_decide("auto", true, false, &r, &err), 0);
    assert_false(r);
    assert_int_equal(rootless_decide("auto", true, true, &r, &err), 0);
    assert_true(r);
    assert_int_equal(rootless_decide("true", true, false, &r, &err), 0);
    assert_true(r);
    assert_int_equal(rootless_decide("false", false, true, &r, &err), 0);
    assert_false(r);
    assert_int_equal(rootless_decide("yes", false, false, &r, &err), -1);
    assert_string_equal(err->msg, "invalid --rootless value \"yes\": must be true, false or auto");
    aisbx_error_free(&err);
}

static void test_state_root(void **state)
{
    char buf[256];
    /* a plain user with XDG_RUNTIME_DIR */
    assert_string_equal(rootless_state_root("/run/user/1000", false, false, "u", buf, sizeof(buf)),
                        "/run/user/1000/aisbx");
    /* unset or empty: the default, as runc */
    assert_null(rootless_state_root(NULL, false, false, "u", buf, sizeof(buf)));
    assert_null(rootless_state_root("", false, false, "u", buf, sizeof(buf)));
    /* root in the initial namespace ignores it (sudo keeps the variable) */
    assert_null(rootless_state_root("/run/user/0", true, false, "root", buf, sizeof(buf)));
    assert_null(rootless_state_root("/run/user/1000", true, false, "u", buf, sizeof(buf)));
    /* root of podman's namespace: used unless $USER is root */
    assert_string_equal(rootless_state_root("/run/user/1000", true, true, "u", buf, sizeof(buf)),
                        "/run/user/1000/aisbx");
    assert_string_equal(rootless_state_root("/run/user/1000", true, true, NULL, buf, sizeof(buf)),
                        "/run/user/1000/aisbx");
    assert_null(rootless_state_root("/run/user/1000", true, true, "root", buf, sizeof(buf)));
    /* too long for the buffer: the default rather than a cut path */
    assert_null(rootless_state_root("/run/user/1000", false, false, "u", buf, 8));
}

static void test_idmap_choose(void **state)
{
    struct spec_id_mapping own = {0, 1000, 1}, other = {0, 1001, 1}, wide = {0, 1000, 2};
    struct spec_id_mapping two[] = {{0, 1000, 1}, {1, 100000, 65536}};
    assert_int_equal(idmap_choose(NULL, 0, 1000, false, false), IDMAP_NONE);
    /* root writes any map itself */
    assert_int_equal(idmap_choose(two, 2, 0, true, true), IDMAP_WRITE);
    /* the kernel's unprivileged case: one line, count 1, own id */
    assert_int_equal(idmap_choose(&own, 1, 1000, false, false), IDMAP_WRITE);
    assert_int_equal(idmap_choose(&own, 1, 1000, false, true), IDMAP_WRITE_NO_GROUPS);
    /* any other id, a wider range, several ranges: the setuid helper */
    assert_int_equal(idmap_choose(&other, 1, 1000, false, false), IDMAP_HELPER);
    assert_int_equal(idmap_choose(&wide, 1, 1000, false, true), IDMAP_HELPER);
    assert_int_equal(idmap_choose(two, 2, 1000, false, false), IDMAP_HELPER);
}

static void test_helper_argv(void **state)
{
    struct spec_id_mapping two[] = {{0, 1000, 1}, {1, 100000, 65536}};
    char buf[256], *argv[16];
    assert_int_equal(idmap_helper_argv(4242, two, 2, buf, sizeof(buf), argv, 16), 7);
    const char *want[] = {"4242", "0", "1000", "1", "1", "100000", "65536"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(argv[i], want[i]);
    assert_null(argv[7]);
    /* does not fit: refused, never cut */
    assert_int_equal(idmap_helper_argv(4242, two, 2, buf, sizeof(buf), argv, 7), -1);
    assert_int_equal(idmap_helper_argv(4242, two, 2, buf, 10, argv, 16), -1);
}

static void test_uid_map_text(void **state)
{
    uint32_t out = 0;
    assert_true(userns_map_is_initial("         0          0 4294967295\n"));
    assert_false(userns_map_is_initial("0 1000 1\n"));
    assert_false(userns_map_is_initial("0 0 4294967295\n1 1 1\n"));
    assert_false(userns_map_is_initial(""));
    const char *podman = "0 1000 1\n1 100000 65536\n";
    assert_true(userns_map_outside(podman, 0, &out));
    assert_int_equal(out, 1000);
    assert_true(userns_map_outside(podman, 1000, &out));
    assert_int_equal(out, 100999);
    assert_false(userns_map_outside(podman, 65537, &out));
    assert_true(userns_map_outside("0 0 4294967295\n", 0, &out));
    assert_int_equal(out, 0);
}

static struct spec_config *cfg_with(bool user, const char *path, size_t nu, size_t ng)
{
    static struct spec_namespace ns;
    static struct spec_id_mapping m = {0, 1000, 1};
    static struct spec_linux lx;
    static struct spec_config c;
    memset(&lx, 0, sizeof(lx));
    memset(&c, 0, sizeof(c));
    ns = (struct spec_namespace){.type = SPEC_NS_USER, .path = (char *)path};
    lx.namespaces = user ? &ns : NULL;
    lx.n_namespaces = user ? 1 : 0;
    lx.uid_mappings = lx.gid_mappings = &m;
    lx.n_uid_mappings = nu;
    lx.n_gid_mappings = ng;
    c.linux_ = &lx;
    return &c;
}

static void test_check_config(void **state)
{
    aisbx_error *err = NULL;
    assert_int_equal(rootless_check_config(cfg_with(true, NULL, 1, 1), false, &err), 0);
    assert_int_equal(rootless_check_config(cfg_with(true, "/proc/1/ns/user", 0, 0), false, &err),
                     0);
    /* root of a child namespace (podman) may create namespaces itself */
    assert_int_equal(rootless_check_config(cfg_with(false, NULL, 0, 0), true, &err), 0);
    assert_int_equal(rootless_check_config(cfg_with(false, NULL, 0, 0), false, &err), -1);
    assert_non_null(strstr(err->msg, "requires a user namespace"));
    aisbx_error_free(&err);
    assert_int_equal(rootless_check_config(cfg_with(true, NULL, 1, 0), false, &err), -1);
    assert_non_null(strstr(err->msg, "gidMappings"));
    aisbx_error_free(&err);
}

static void test_nproc_setuid(void **state)
{
    aisbx_error *err = NULL;
    char *none[] = {NULL}, *kill_[] = {"CAP_KILL", NULL}, *setuid_[] = {"CAP_SETUID", NULL};
    struct spec_capabilities caps = {
        .bounding = {kill_, 1}, .permitted = {kill_, 1}, .effective = {none, 0}};
    struct spec_process p = {.capabilities = &caps};
    assert_int_equal(rootless_nproc_check_process(&p, &err), 0);
    assert_int_equal(rootless_nproc_check_process(NULL, &err), 0);
    /* in any of the sets a process could raise it from */
    caps.bounding = (struct spec_strlist){setuid_, 1};
    assert_int_equal(rootless_nproc_check_process(&p, &err), -1);
    assert_non_null(strstr(err->msg, "CAP_SETUID would escape the pids cap"));
    aisbx_error_free(&err);
    caps.bounding = (struct spec_strlist){kill_, 1};
    caps.effective = (struct spec_strlist){setuid_, 1};
    assert_int_equal(rootless_nproc_check_process(&p, &err), -1);
    aisbx_error_free(&err);
}

/* In a child: rlimit_cap lowers both limits and never raises one, and
 * verify_nproc accepts exactly a hard and soft limit within the cap. */
static void test_nproc_cap(void **state)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        aisbx_error *err = NULL;
        struct rlimit rl = {.rlim_cur = 100, .rlim_max = 200};
        if (setrlimit(RLIMIT_NPROC, &rl) < 0)
            _exit(10);
        if (verify_nproc(50, &err) == 0)
            _exit(11);
        aisbx_error_free(&err);
        if (rlimit_cap(RLIMIT_NPROC, 150, &err) < 0 || getrlimit(RLIMIT_NPROC, &rl) < 0 ||
            rl.rlim_cur != 100 || rl.rlim_max != 150)
            _exit(12);
        if (rlimit_cap(RLIMIT_NPROC, 64, &err) < 0 || getrlimit(RLIMIT_NPROC, &rl) < 0 ||
            rl.rlim_cur != 64 || rl.rlim_max != 64)
            _exit(13);
        if (rlimit_cap(RLIMIT_NPROC, 1000, &err) < 0 || getrlimit(RLIMIT_NPROC, &rl) < 0 ||
            rl.rlim_max != 64)
            _exit(14);
        if (verify_nproc(64, &err) < 0)
            _exit(15);
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide),       cmocka_unit_test(test_state_root),
        cmocka_unit_test(test_idmap_choose), cmocka_unit_test(test_helper_argv),
        cmocka_unit_test(test_uid_map_text), cmocka_unit_test(test_check_config),
        cmocka_unit_test(test_nproc_cap),    cmocka_unit_test(test_nproc_setuid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
