/* The hardening overlay, the process: root, no_new_privs, seccomp, the
 * configs refused outright, and capabilities. */
#include "tests/overlay_helpers.h"

/* ---- root, privileges, seccomp ---------------------------------------- */

static void test_root_nnp_seccomp(void **state)
{
    struct run r;
    harden(&r, "\"noNewPrivileges\":false,", ",\"readonly\":false", NULL, ALL_NS);
    assert_true(r.out->root->readonly);
    assert_true(r.out->process->no_new_privileges);
    expect_change(&r.ch, "root.readonly", "false", "true", "root");
    expect_change(&r.ch, "process.noNewPrivileges", "false", "true", "privileges");
    /* no seccomp in the config: it stays absent (the floor filter is added at start) */
    assert_null(r.out->linux_->seccomp);
    expect_change(&r.ch, "linux.seccomp", "(absent)", "(aisbx floor filter only)", "seccomp");
    run_free(&r);

    /* a config filter is kept as is */
    harden(&r, "\"noNewPrivileges\":true,", ",\"readonly\":true", NULL,
           ALL_NS ",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
                  "[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
    assert_non_null(r.out->linux_->seccomp);
    assert_string_equal(r.out->linux_->seccomp->default_action, "SCMP_ACT_ALLOW");
    assert_int_equal(r.out->linux_->seccomp->n_syscalls, 1);
    assert_null(find_change(&r.ch, "linux.seccomp"));
    assert_null(find_change(&r.ch, "root.readonly"));
    assert_null(find_change(&r.ch, "process.noNewPrivileges"));
    run_free(&r);
}

static void test_refusals(void **state)
{
    struct aisbx_policy p = defpol();
    struct spec_config *out = (void *)1;
    struct overlay_changes ch = {0};
    aisbx_error *err = NULL;
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_null(out);
    assert_non_null(strstr(err->msg, "no process"));
    aisbx_error_free(&err);
    spec_config_free(c);
    c = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
              "\"user\":{\"uid\":0,\"gid\":0}}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "no root"));
    aisbx_error_free(&err);
    spec_config_free(c);
    assert_int_equal(ch.n, 0);
    /* issue 10 item 14: an unknown capability name is an error, in any set */
    c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],"
              "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{\"bounding\":"
              "[\"CAP_CHOWN\"],\"ambient\":[\"CAP_FOO\"]}}}");
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), -1);
    assert_null(out);
    assert_non_null(strstr(err->msg, "process.capabilities: unknown capability \"CAP_FOO\""));
    assert_null(strstr(err->msg, "Invalid argument"));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    struct spec_process *pr = c->process, *out_p = NULL;
    free(pr->capabilities->ambient.v[0]);
    pr->capabilities->ambient.v[0] = xstrdup("cap_chown"); /* libcap's spelling, not OCI's */
    assert_int_equal(overlay_apply_process(pr, &p, &out_p, &ch, &err), -1);
    assert_null(out_p);
    assert_non_null(strstr(err->msg, "unknown capability \"cap_chown\""));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    spec_config_free(c);
}

/* ---- capabilities ------------------------------------------------------ */

static void test_caps_default_policy(void **state)
{
    struct run r;
    harden(&r, PRIV_CAPS, NULL, NULL, ALL_NS);
    const struct spec_capabilities *c = r.out->process->capabilities;
    assert_non_null(c);
    assert_int_equal(
        c->bounding.n + c->effective.n + c->permitted.n + c->inheritable.n + c->ambient.n, 0);
    assert_true(c->has_bounding && c->has_effective && c->has_permitted && c->has_inheritable &&
                c->has_ambient);
    expect_change(&r.ch, "process.capabilities.bounding", "[41 entries]", "[]", "capabilities");
    expect_change(&r.ch, "process.capabilities.ambient", "[41 entries]", "[]", "capabilities");
    run_free(&r);

    /* absent capabilities (= everything in runc) become explicit empty sets */
    harden(&r, NULL, NULL, NULL, ALL_NS);
    c = r.out->process->capabilities;
    assert_non_null(c);
    assert_true(c->has_bounding && c->bounding.n == 0);
    expect_change(&r.ch, "process.capabilities", NULL, "[] in every set", "capabilities");
    run_free(&r);
}

static void test_caps_policy(void **state)
{
    struct aisbx_policy p = defpol();
    p.allowed_caps = (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL);
    struct run r;
    harden_with(&r,
                "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_CHOWN\",\"CAP_CHOWN\"],"
                "\"effective\":[\"CAP_CHOWN\",\"CAP_NET_RAW\"],\"permitted\":[\"CAP_CHOWN\"],"
                "\"inheritable\":[\"CAP_CHOWN\"],\"ambient\":[\"CAP_CHOWN\"]},",
                NULL, NULL, ALL_NS, NULL, &p);
    const struct spec_capabilities *c = r.out->process->capabilities;
    assert_int_equal(c->bounding.n, 1);
    assert_string_equal(c->bounding.v[0], "CAP_CHOWN");
    assert_int_equal(c->effective.n, 1);
    assert_string_equal(c->effective.v[0], "CAP_CHOWN");
    assert_int_equal(c->permitted.n, 1);
    assert_int_equal(c->inheritable.n, 0);
    assert_int_equal(c->ambient.n, 0);
    /* KILL is allowed but was not asked for: not granted */
    assert_false(spec_strlist_contains(&c->bounding, "CAP_KILL"));
    expect_change(&r.ch, "process.capabilities.bounding", "[CAP_SYS_ADMIN CAP_CHOWN CAP_CHOWN]",
                  "[CAP_CHOWN]", "capabilities");
    expect_change(&r.ch, "process.capabilities.effective", "[CAP_CHOWN CAP_NET_RAW]", "[CAP_CHOWN]",
                  "capabilities");
    assert_null(find_change(&r.ch, "process.capabilities.permitted"));
    expect_change(&r.ch, "process.capabilities.inheritable", "[CAP_CHOWN]", "[]", "capabilities");
    assert_int_equal(cap_mask(&c->bounding), 1ULL << CAP_CHOWN);
    run_free(&r);

    /* even a policy mask with a dangerous bit (policy_load refuses it) grants nothing dangerous */
    p.allowed_caps = ~0ULL;
    harden_with(&r, PRIV_CAPS, NULL, NULL, ALL_NS, NULL, &p);
    assert_int_equal(cap_mask(&r.out->process->capabilities->bounding), policy_safe_caps());
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_nnp_seccomp),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_caps_default_policy),
        cmocka_unit_test(test_caps_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
