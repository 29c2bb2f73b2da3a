/* runtime/policy.c: defaults, bounds, the safe capability set, and that
 * every bad policy is an error naming the field (never a silent fallback). */

// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cap_names.h"
#include "runtime/overlay/policy.h"

static void test_defaults(void **state)
{
    struct aisbx_policy p;
    memset(&p, 0xff, sizeof(p));
    policy_defaults(&p);
    assert_int_equal(p.pids_max, 256);
    assert_int_equal(p.memory_max, 1LL << 30);
    assert_int_equal(p.nofile_max, 1024);
    assert_int_equal(p.tmpfs_max, 64ULL << 20);
    assert_false(p.tmp_exec);
    assert_int_equal(p.allowed_caps, 0);
    assert_int_equal(p.devpts_max, 64);
    assert_true(p.userns);
    assert_false(p.userns_idmap_required);
}

static void test_valid_buffer(void **state)
{
    const char *j = "{\"pids_max\":512,\"memory_max\":2147483648,\"nofile_max\":4096,"
                    "\"tmpfs_max\":134217728,\"tmp_exec\":true,\"devpts_max\":1024,"
                    "\"userns\":\"off\",\"userns_idmap\":\"required\","
                    "\"capabilities\":[\"CAP_CHOWN\",\"CAP_NET_BIND_SERVICE\"]}";
    struct aisbx_policy p;
    aisbx_error *err = NULL;
    assert_int_equal(policy_load_buffer(j, strlen(j), &p, &err), 0);
    assert_null(err);
    assert_int_equal(p.pids_max, 512);
    assert_int_equal(p.memory_max, 2147483648LL);
    assert_int_equal(p.nofile_max, 4096);
    assert_int_equal(p.tmpfs_max, 134217728);
    assert_true(p.tmp_exec);
    assert_int_equal(p.devpts_max, 1024);
    assert_false(p.userns);
    assert_true(p.userns_idmap_required);
    assert_int_equal(p.allowed_caps, (1ULL << CAP_CHOWN) | (1ULL << CAP_NET_BIND_SERVICE));
}

static void test_partial_keeps_defaults(void **state)
{
    const char *j = "{\"pids_max\":100}";
    struct aisbx_policy p;
    aisbx_error *err = NULL;
    assert_int_equal(policy_load_buffer(j, strlen(j), &p, &err), 0);
    assert_int_equal(p.pids_max, 100);
    assert_int_equal(p.memory_max, 1LL << 30);
    assert_int_equal(p.allowed_caps, 0);
}

/* Each field out of its bounds, and each kind of bad input. */
static const struct {
    const char *json;
    const char *msg; /* substring of the error */
} bad[] = {
    {"{\"pids_max\":100000}", "policy pids_max: 100000 is above the bound 4096"},
    {"{\"pids_max\":0}", "policy pids_max: 0 is below the bound 1"},
    {"{\"pids_max\":-1}", "policy pids_max: -1 is below the bound 1"},
    {"{\"memory_max\":1024}", "policy memory_max: 1024 is below the bound 4194304"},
    {"{\"memory_max\":137438953472}", "policy memory_max: 137438953472 is above the bound"},
    {"{\"nofile_max\":10}", "policy nofile_max: 10 is below the bound 64"},
    {"{\"nofile_max\":2000000}", "policy nofile_max: 2000000 is above the bound 1048576"},
    {"{\"tmpfs_max\":4096}", "policy tmpfs_max: 4096 is below the bound 1048576"},
    {"{\"tmpfs_max\":18446744073709551615}", "policy tmpfs_max: 18446744073709551615 is above"},
    {"{\"devpts_max\":0}", "policy devpts_max: 0 is below the bound 1"},
    {"{\"devpts_max\":1025}", "policy devpts_max: 1025 is above the bound 1024"},
    {"{\"devpts_max\":-1}", "devpts_max"},
    {"{\"capabilities\":[\"CAP_SYS_ADMIN\"]}", "CAP_SYS_ADMIN is not in the safe set"},
    {"{\"capabilities\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"]}", "CAP_NET_RAW is not in the safe set"},
    {"{\"capabilities\":[\"CAP_NET_BROADCAST\"]}", "CAP_NET_BROADCAST is not in the safe set"},
    {"{\"capabilities\":[\"CAP_BOGUS\"]}", "unknown capability CAP_BOGUS"},
    {"{\"capabilities\":[\"chown\"]}", "unknown capability chown"},
    {"{\"capabilities\":[\"21\"]}", "unknown capability 21"},
    {"{\"pids_maxx\":10}", "pids_maxx"},
    {"{\"pids_max\":\"10\"}", "pids_max"},
    {"{\"tmp_exec\":1}", "tmp_exec"},
    {"{\"userns\":\"optional\"}", "policy userns: \"optional\" is not required or off"},
    {"{\"userns\":false}", "userns"},
    {"{\"userns_idmap\":\"off\"}", "policy userns_idmap: \"off\" is not best-effort or required"},
    {"{\"pids_max\":10", "policy"},
    {"[]", "policy"},
    {"", "policy"},
};

static void test_bad(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct aisbx_policy p;
        aisbx_error *err = NULL;
        int r = policy_load_buffer(bad[i].json, strlen(bad[i].json), &p, &err);
        if (r != -1 || !err || !strstr(err->msg, bad[i].msg))
            fail_msg("case %zu %s: r=%d err=%s (want %s)", i, bad[i].json, r,
                     err ? err->msg : "(none)", bad[i].msg);
        /* the output stays at the defaults, never half-applied */
        assert_int_equal(p.pids_max, 256);
        assert_int_equal(p.allowed_caps, 0);
        aisbx_error_free(&err);
    }
}

static char tmpdir[64];

static int setup_dir(void **state)
{
    strcpy(tmpdir, "/tmp/aisbx-test-policy.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/policy.json", tmpdir);
    unlink(p);
    rmdir(tmpdir);
    unsetenv(POLICY_ENV);
    return 0;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static void test_file_explicit(void **state)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/policy.json", tmpdir);
    write_file(p, "{\"pids_max\": 128, \"capabilities\": [\"CAP_KILL\"]}\n");
    struct aisbx_policy pol;
    aisbx_error *err = NULL;
    assert_int_equal(policy_load(p, &pol, &err), 0);
    assert_int_equal(pol.pids_max, 128);
    assert_int_equal(pol.allowed_caps, 1ULL << CAP_KILL);

    write_file(p, "{\"pids_max\": 5000}");
    assert_int_equal(policy_load(p, &pol, &err), -1);
    assert_non_null(strstr(err->msg, "policy pids_max: 5000 is above the bound 4096"));
    assert_non_null(strstr(err->msg, p));
    aisbx_error_free(&err);
    unlink(p);
}

static void test_env(void **state)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/policy.json", tmpdir);
    write_file(p, "{\"nofile_max\": 2048}");
    setenv(POLICY_ENV, p, 1);
    struct aisbx_policy pol;
    aisbx_error *err = NULL;
    assert_int_equal(policy_load(NULL, &pol, &err), 0);
    assert_int_equal(pol.nofile_max, 2048);
    unlink(p);
    /* named through the environment = named explicitly: missing is an error */
    assert_int_equal(policy_load(NULL, &pol, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    unsetenv(POLICY_ENV);
}

static void test_missing_explicit(void **state)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/nope.json", tmpdir);
    struct aisbx_policy pol;
    aisbx_error *err = NULL;
    assert_int_equal(policy_load(p, &pol, &err), -1);
    assert_non_null(err);
    assert_int_equal(err->errnum, ENOENT);
    assert_non_null(strstr(err->msg, p));
    aisbx_error_free(&err);
}

static void test_default_path(void **state)
{
    /* Only meaningful when the host has no policy file: then defaults. */
    if (access(POLICY_DEFAULT_PATH, F_OK) == 0)
        skip();
    struct aisbx_policy pol;
    aisbx_error *err = NULL;
    unsetenv(POLICY_ENV);
    assert_int_equal(policy_load(NULL, &pol, &err), 0);
    assert_int_equal(pol.pids_max, 256);
}

static void test_cap_names(void **state)
{
    assert_int_equal(cap_from_oci_name("CAP_CHOWN"), CAP_CHOWN);
    assert_int_equal(cap_from_oci_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
    assert_int_equal(cap_from_oci_name("CAP_CHECKPOINT_RESTORE"), 40);
    assert_int_equal(cap_from_oci_name("cap_chown"), -1);
    assert_int_equal(cap_from_oci_name("CAP_"), -1);
    assert_int_equal(cap_from_oci_name(NULL), -1);
    /* the safe set has exactly the 10 names of overlay.md */
    assert_int_equal(__builtin_popcountll(policy_safe_caps()), 10);
    assert_false(policy_safe_caps() & (1ULL << CAP_SYS_ADMIN));
    assert_false(policy_safe_caps() & (1ULL << CAP_NET_RAW));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_valid_buffer),
        cmocka_unit_test(test_partial_keeps_defaults),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_file_explicit),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_missing_explicit),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_cap_names),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
