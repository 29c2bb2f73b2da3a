/* The hardening overlay on whole configs (input untouched, deterministic,
 * facts mismatch), on exec --process and update --resources, and its path
 * helpers. */
#include "tests/overlay_helpers.h"

/* ---- whole-config properties ------------------------------------------ */

#define PRIVILEGED_MOUNTS                                                                          \
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\"]},"     \
    "{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\",\"source\":"                      \
    "\"/var/run/docker.sock\",\"options\":[\"rbind\"]},"                                           \
    "{\"destination\":\"/host\",\"type\":\"bind\",\"source\":\"/\",\"options\":[\"rbind\"]},"      \
    "{\"destination\":\"/etc/resolv.conf\",\"type\":\"bind\",\"source\":"                          \
    "\"/var/lib/docker/containers/abc/resolv.conf\",\"options\":[\"rbind\",\"rprivate\"]}"

#define PRIVILEGED_LINUX                                                                           \
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}],\"maskedPaths\":[],"                 \
    "\"readonlyPaths\":[],\"sysctl\":{\"kernel.core_pattern\":\"x\"},"                             \
    "\"resources\":{\"pids\":{\"limit\":-1},\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]},"   \
    "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]"

static void test_input_not_mutated_and_deterministic(void **state)
{
    char *j = cfg_json(PRIV_CAPS "\"oomScoreAdj\":-5,", ",\"readonly\":false", PRIVILEGED_MOUNTS,
                       PRIVILEGED_LINUX);
    struct spec_config *in = parse(j);
    free(j);
    char *before = NULL, *after = NULL, *o1 = NULL, *o2 = NULL;
    size_t n;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_generate(in, false, &before, &n, &err), 0);
    struct aisbx_policy p = defpol();
    struct spec_config *out1 = NULL, *out2 = NULL;
    struct overlay_changes c1 = {0}, c2 = {0};
    assert_int_equal(overlay_apply(in, NULL, &p, &out1, &c1, &err), 0);
    assert_int_equal(overlay_apply(in, NULL, &p, &out2, &c2, &err), 0);
    assert_int_equal(spec_config_generate(in, false, &after, &n, &err), 0);
    assert_string_equal(before, after);
    assert_int_equal(spec_config_generate(out1, false, &o1, &n, &err), 0);
    assert_int_equal(spec_config_generate(out2, false, &o2, &n, &err), 0);
    assert_string_equal(o1, o2);
    assert_int_equal(c1.n, c2.n);
    for (size_t i = 0; i < c1.n; i++) {
        assert_string_equal(c1.v[i].field, c2.v[i].field);
        assert_string_equal(c1.v[i].new_value, c2.v[i].new_value);
    }
    /* the privileged config got the floor: spot checks */
    assert_true(out1->root->readonly);
    assert_null(find_mount(out1, "/var/run/docker.sock"));
    assert_null(find_mount(out1, "/host"));
    expect_opts(out1, "/etc/resolv.conf", "rbind,rprivate,nosuid,rnosuid,nodev,rnodev");
    assert_int_equal(out1->linux_->resources->pids->limit, 256);

    /* idempotent: the overlay of a hardened config changes nothing (the
     * seccomp entry is a note about the floor filter, not an edit) */
    struct spec_config *out3 = NULL;
    struct overlay_changes c3 = {0};
    assert_int_equal(overlay_apply(out1, NULL, &p, &out3, &c3, &err), 0);
    if (c3.n != 1 || strcmp(c3.v[0].rule, "seccomp") != 0) {
        dump_changes(&c3);
        fail_msg("second pass changed %zu fields", c3.n);
    }
    free(before);
    free(after);
    free(o1);
    free(o2);
    spec_config_free(in);
    spec_config_free(out1);
    spec_config_free(out2);
    spec_config_free(out3);
    overlay_changes_free(&c1);
    overlay_changes_free(&c2);
    overlay_changes_free(&c3);
}

static void test_facts_mismatch(void **state)
{
    struct spec_config *in = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                                   "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                   "\"root\":{\"path\":\"r\"},\"mounts\":[{\"destination\":"
                                   "\"/a\",\"type\":\"bind\",\"source\":\"/srv\"}]}");
    struct overlay_bind_fact bf[2] = {{0}};
    struct overlay_facts f = {.binds = bf, .n_binds = 2};
    struct aisbx_policy p = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(in, &f, &p, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "facts"));
    aisbx_error_free(&err);
    spec_config_free(in);
}

/* ---- exec --process and update --resources ----------------------------- */

static void test_exec_process(void **state)
{
    const char *j = "{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                    "\"noNewPrivileges\":false,\"oomScoreAdj\":-100,"
                    "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\"],"
                    "\"effective\":[\"CAP_SYS_ADMIN\"]}}";
    struct spec_process *in = NULL, *out = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_process_parse(j, strlen(j), &in, &err), 0);
    struct aisbx_policy p = defpol();
    struct overlay_changes ch = {0};
    assert_int_equal(overlay_apply_process(in, &p, &out, &ch, &err), 0);
    assert_true(out->no_new_privileges);
    assert_int_equal(out->capabilities->bounding.n, 0);
    assert_int_equal(out->capabilities->effective.n, 0);
    assert_int_equal(out->oom_score_adj, 0);
    assert_int_equal(find_rlimit(out, "RLIMIT_CORE")->hard, 0);
    assert_int_equal(find_rlimit(out, "RLIMIT_NOFILE")->hard, 1024);
    expect_change(&ch, "noNewPrivileges", "false", "true", "privileges");
    expect_change(&ch, "capabilities.bounding", "[CAP_SYS_ADMIN CAP_CHOWN]", "[]", "capabilities");
    expect_change(&ch, "oomScoreAdj", "-100", "0", "oom");
    /* input untouched */
    assert_false(in->no_new_privileges);
    assert_int_equal(in->capabilities->bounding.n, 2);
    spec_process_free(in);
    spec_process_free(out);
    overlay_changes_free(&ch);
}

static const struct {
    const char *json;
    bool has_pids;
    int64_t pids;
    int64_t mem, swap; /* -2: no memory object */
    size_t n_changes;
} update_cases[] = {
    /* docker update sends zeros for everything it does not change */
    {"{\"pids\":{\"limit\":0},\"memory\":{\"limit\":0,\"swap\":0}}", true, 0, 0, 0, 0},
    {"{\"pids\":{\"limit\":10000}}", true, 256, -2, -2, 1},
    {"{\"pids\":{\"limit\":-1}}", true, 256, -2, -2, 1},
    {"{\"pids\":{\"limit\":100}}", true, 100, -2, -2, 0},
    {"{\"memory\":{\"limit\":68719476736,\"swap\":-1}}", false, 0, 1LL << 30, 1LL << 30, 2},
    {"{\"memory\":{\"limit\":104857600,\"swap\":0}}", false, 0, 104857600, 104857600, 1},
    {"{\"memory\":{\"limit\":104857600,\"swap\":104857600}}", false, 0, 104857600, 104857600, 0},
    {"{\"memory\":{\"limit\":0,\"swap\":-1}}", false, 0, 0, 0, 1},
    {"{\"cpu\":{\"shares\":512}}", false, 0, -2, -2, 0},
    {"{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}", false, 0, -2, -2, 1},
};

static void test_update_resources(void **state)
{
    struct aisbx_policy p = defpol();
    for (size_t i = 0; i < sizeof(update_cases) / sizeof(update_cases[0]); i++) {
        struct spec_resources *in = NULL, *out = NULL;
        aisbx_error *err = NULL;
        const char *j = update_cases[i].json;
        if (spec_resources_parse(j, strlen(j), &in, &err) < 0)
            fail_msg("parse %s: %s", j, err->msg);
        struct overlay_changes ch = {0};
        assert_int_equal(overlay_apply_resources(in, &p, &out, &ch, &err), 0);
        if (update_cases[i].has_pids)
            assert_int_equal(out->pids->limit, update_cases[i].pids);
        else
            assert_true(!out->pids);
        if (update_cases[i].mem == -2) {
            assert_null(out->memory);
        } else {
            assert_int_equal(out->memory->limit, update_cases[i].mem);
            assert_int_equal(out->memory->swap, update_cases[i].swap);
        }
        assert_int_equal(out->n_devices, 0);
        if (ch.n != update_cases[i].n_changes) {
            dump_changes(&ch);
            fail_msg("case %zu: %zu changes", i, ch.n);
        }
        spec_resources_free(in);
        spec_resources_free(out);
        overlay_changes_free(&ch);
    }
}

/* ---- helpers ----------------------------------------------------------- */

static void test_path_helpers(void **state)
{
    static const char *const clean[][2] = {
        {"/", "/"},        {"//a//b/", "/a/b"},   {"/a/./b", "/a/b"},
        {"/a/../..", "/"}, {"/a/b/../c", "/a/c"}, {"a/b", "/a/b"},
        {"", "/"},         {"/..", "/"},
    };
    for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
        char *c = ov_path_clean(clean[i][0]);
        assert_string_equal(c, clean[i][1]);
        free(c);
    }
    assert_true(ov_path_within("/etc/x", "/etc"));
    assert_true(ov_path_within("/etc", "/etc"));
    assert_false(ov_path_within("/etcx", "/etc"));
    assert_true(ov_path_within("/x", "/"));
    uint64_t v;
    assert_true(ov_parse_size("64m", &v) && v == 64ULL << 20);
    assert_true(ov_parse_size("10", &v) && v == 10);
    assert_false(ov_parse_size("10%", &v));
    assert_false(ov_parse_size("-1", &v));
    assert_false(ov_parse_size("99999999999999999999", &v));
    assert_false(ov_parse_size("17179869184g", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_not_mutated_and_deterministic),
        cmocka_unit_test(test_facts_mismatch),
        cmocka_unit_test(test_exec_process),
        cmocka_unit_test(test_update_resources),
        cmocka_unit_test(test_path_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
