/* The hardening overlay, namespaces: which are joined, which replaced by a
 * new one and the change entries. */
#include "tests/overlay_helpers.h"

/* ---- namespaces -------------------------------------------------------- */

static const struct {
    const char *type;
    enum spec_ns_type t;
    struct overlay_ns_fact fact;
    bool kept;
    const char *new_value;
    const char *rule;
} ns_cases[] = {
    {"network",
     SPEC_NS_NETWORK,
     {true, true, true, false, -1},
     false,
     "(new namespace; host namespace)",
     "network"},
    {"network",
     SPEC_NS_NETWORK,
     {true, false, false, false, -1},
     false,
     "(new namespace; has interfaces besides lo)",
     "network"},
    {"network", SPEC_NS_NETWORK, {true, false, true, false, -1}, true, NULL, NULL},
    {"network",
     SPEC_NS_NETWORK,
     {false, false, false, false, -1},
     false,
     "(new namespace; not a namespace)",
     "network"},
    {"pid",
     SPEC_NS_PID,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"ipc",
     SPEC_NS_IPC,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"uts",
     SPEC_NS_UTS,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"mount",
     SPEC_NS_MOUNT,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    {"cgroup",
     SPEC_NS_CGROUP,
     {true, true, false, false, -1},
     false,
     "(new namespace; host namespace)",
     "namespaces"},
    /* a CRI sandbox's namespace (not the host's) is joined */
    {"ipc", SPEC_NS_IPC, {true, false, false, false, -1}, true, NULL, NULL},
    {"pid", SPEC_NS_PID, {true, false, false, false, -1}, true, NULL, NULL},
    /* user and time are left as asked, even the host's */
    {"user", SPEC_NS_USER, {true, true, false, false, -1}, true, NULL, NULL},
    {"time", SPEC_NS_TIME, {true, true, false, false, -1}, true, NULL, NULL},
};

static void test_namespace_paths(void **state)
{
    for (size_t i = 0; i < sizeof(ns_cases) / sizeof(ns_cases[0]); i++) {
        char *lnx = xasprintf("\"namespaces\":[{\"type\":\"%s\",\"path\":\"/proc/1234/ns/x\"}]",
                              ns_cases[i].type);
        struct overlay_ns_fact nf = ns_cases[i].fact;
        struct overlay_facts f = {.ns = &nf, .n_ns = 1};
        struct run r;
        harden_with(&r, NULL, NULL, NULL, lnx, &f, NULL);
        const struct spec_namespace *ns = find_ns(r.out, ns_cases[i].t);
        assert_non_null(ns);
        char *field = xasprintf("linux.namespaces[%s].path", ns_cases[i].type);
        if (ns_cases[i].kept) {
            assert_non_null(ns->path);
            assert_string_equal(ns->path, "/proc/1234/ns/x");
            assert_null(find_change(&r.ch, field));
        } else {
            if (ns->path)
                fail_msg("case %zu: path kept", i);
            expect_change(&r.ch, field, "/proc/1234/ns/x", ns_cases[i].new_value, ns_cases[i].rule);
        }
        /* all of pid, network, ipc, uts, mount, cgroup are always there */
        for (int t = 0; t < SPEC_NS_COUNT; t++)
            if (t != SPEC_NS_USER && t != SPEC_NS_TIME)
                assert_non_null(find_ns(r.out, (enum spec_ns_type)t));
        free(field);
        free(lnx);
        run_free(&r);
    }
}

static void test_namespace_path_without_facts(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           "\"namespaces\":[{\"type\":\"network\",\"path\":\"/var/run/netns/x\"}]");
    assert_null(find_ns(r.out, SPEC_NS_NETWORK)->path);
    expect_change(&r.ch, "linux.namespaces[network].path", "/var/run/netns/x",
                  "(new namespace; unverified)", "network");
    run_free(&r);
}

static void test_namespaces_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL, "\"namespaces\":[{\"type\":\"mount\"}]");
    assert_int_equal(r.out->linux_->n_namespaces, 6);
    /* the config's own entries first, then the added ones in a fixed order */
    assert_int_equal(r.out->linux_->namespaces[0].type, SPEC_NS_MOUNT);
    assert_int_equal(r.out->linux_->namespaces[1].type, SPEC_NS_PID);
    assert_int_equal(r.out->linux_->namespaces[2].type, SPEC_NS_NETWORK);
    expect_change(&r.ch, "linux.namespaces[network]", "(absent)", "(new namespace)", "network");
    expect_change(&r.ch, "linux.namespaces[pid]", "(absent)", "(new namespace)", "namespaces");
    expect_change(&r.ch, "linux.namespaces[cgroup]", "(absent)", "(new namespace)", "namespaces");
    assert_null(find_change(&r.ch, "linux.namespaces[mount]"));
    run_free(&r);

    /* no linux object at all */
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],"
                                  "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"root\":{\"path\":\"rootfs\"}}");
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    struct aisbx_policy p = defpol();
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply(c, NULL, &p, &out, &ch, &err), 0);
    assert_int_equal(out->linux_->n_namespaces, 6);
    assert_int_equal(out->linux_->resources->pids->limit, 256);
    spec_config_free(c);
    spec_config_free(out);
    overlay_changes_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_namespace_paths),
        cmocka_unit_test(test_namespace_path_without_facts),
        cmocka_unit_test(test_namespaces_added),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
