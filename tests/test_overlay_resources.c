/* The hardening overlay, resources (pids, memory, unified), sysctls,
 * rlimits and oom. */
#include "tests/overlay_helpers.h"

/* ---- resources --------------------------------------------------------- */

static const struct {
    const char *pids; /* JSON of linux.resources.pids or NULL */
    int64_t want;
} pids_cases[] = {
    {"{\"limit\":100000}", 256}, {NULL, 256}, {"{\"limit\":100}", 100}, {"{\"limit\":-1}", 256},
    {"{\"limit\":0}", 256},      {"{}", 256},
};

static void test_pids(void **state)
{
    for (size_t i = 0; i < sizeof(pids_cases) / sizeof(pids_cases[0]); i++) {
        char *l = pids_cases[i].pids
                      ? xasprintf(ALL_NS ",\"resources\":{\"pids\":%s}", pids_cases[i].pids)
                      : xstrdup(ALL_NS);
        struct run r;
        harden(&r, NULL, NULL, NULL, l);
        assert_true(r.out->linux_->resources->pids->has_limit);
        if (r.out->linux_->resources->pids->limit != pids_cases[i].want)
            fail_msg("case %zu: %lld", i, (long long)r.out->linux_->resources->pids->limit);
        if (pids_cases[i].want != 100)
            expect_change(&r.ch, "linux.resources.pids.limit", NULL, "256", "pids");
        else
            assert_null(find_change(&r.ch, "linux.resources.pids.limit"));
        free(l);
        run_free(&r);
    }
    struct run r;
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"resources\":{\"pids\":{\"limit\":100000}}");
    expect_change(&r.ch, "linux.resources.pids.limit", "100000", "256", "pids");
    run_free(&r);
}

static void test_memory(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"memory\":{\"limit\":68719476736,\"swap\":-1}}");
    const struct spec_memory *m = r.out->linux_->resources->memory;
    assert_int_equal(m->limit, 1LL << 30);
    assert_int_equal(m->swap, 1LL << 30);
    expect_change(&r.ch, "linux.resources.memory.limit", "68719476736", "1073741824", "memory");
    expect_change(&r.ch, "linux.resources.memory.swap", "-1", "1073741824", "memory");
    run_free(&r);

    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"memory\":{\"limit\":104857600,\"swap\":209715200}}");
    m = r.out->linux_->resources->memory;
    assert_int_equal(m->limit, 104857600);
    assert_int_equal(m->swap, 104857600);
    assert_null(find_change(&r.ch, "linux.resources.memory.limit"));
    expect_change(&r.ch, "linux.resources.memory.swap", "209715200", "104857600", "memory");
    run_free(&r);

    harden(&r, NULL, NULL, NULL, ALL_NS);
    m = r.out->linux_->resources->memory;
    assert_true(m->has_limit && m->has_swap);
    assert_int_equal(m->limit, 1LL << 30);
    expect_change(&r.ch, "linux.resources.memory.limit", "(absent)", "1073741824", "memory");
    run_free(&r);
}

static void test_unified(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"resources\":{\"unified\":{\"pids.max\":\"max\",\"memory.max\":\"max\","
                  "\"memory.high\":\"1000000\",\"cgroup.procs\":\"1\",\"../x\":\"1\","
                  "\"cpu.weight\":\"100\"}}");
    const struct spec_kvlist *u = &r.out->linux_->resources->unified;
    assert_int_equal(u->n, 2);
    assert_non_null(spec_kvlist_get(u, "memory.high"));
    assert_non_null(spec_kvlist_get(u, "cpu.weight"));
    expect_change(&r.ch, "linux.resources.unified[pids.max]", "max", "(removed)", "resources");
    run_free(&r);
}

/* ---- sysctls, rlimits, oom -------------------------------------------- */

static const struct {
    const char *key, *value;
    bool kept;
} sysctl_cases[] = {
    {"net.ipv4.ip_forward", "1", true},
    {"net.ipv4.ip_local_port_range", "1024 65000", true},
    {"net.ipv4.tcp_congestion_control", "cubic", true},
    {"net.ipv4.conf.all.rp_filter", "-1", true},
    {"kernel.shmmax", "68719476736", true},
    {"kernel.msgmnb", "65536", true},
    {"kernel.sem", "250 32000 32 128", true},
    {"fs.mqueue.msg_max", "100", true},
    {"kernel.core_pattern", "|/bin/sh", false},
    {"kernel.core_pattern", "1", false},
    {"kernel.domainname", "x", false},
    {"kernel.shmmax", "1k", false},
    {"kernel.sem", "250  32000", false},
    {"kernel.sem", "250 ", false},
    {"net.ipv4.ip_forward", "1;2", false},
    {"net.ipv4.ip_forward", "", false},
    {"net.ipv4.conf.eth0/../../x", "1", false},
    {"net..x", "1", false},
    {"net.core.x", "Cubic", false},
    {"net.core.x", "a b\n", false},
    {"vm.overcommit_memory", "1", false},
    {"fs.protected_symlinks", "0", false},
};

static void test_sysctls(void **state)
{
    for (size_t i = 0; i < sizeof(sysctl_cases) / sizeof(sysctl_cases[0]); i++)
        if (ov_sysctl_allowed(sysctl_cases[i].key, sysctl_cases[i].value) != sysctl_cases[i].kept)
            fail_msg("case %zu: %s=%s", i, sysctl_cases[i].key, sysctl_cases[i].value);
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"sysctl\":{\"kernel.core_pattern\":\"|/tmp/x\",\"net.ipv4.ip_forward\":"
                  "\"1\"}");
    const struct spec_kvlist *s = &r.out->linux_->sysctl;
    assert_int_equal(s->n, 1);
    assert_string_equal(spec_kvlist_get(s, "net.ipv4.ip_forward"), "1");
    expect_change(&r.ch, "linux.sysctl[kernel.core_pattern]", "|/tmp/x", "(removed)", "sysctls");
    run_free(&r);
}

static void test_rlimits_oom(void **state)
{
    struct run r;
    harden(&r,
           "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,\"soft\":1048576},"
           "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":1024},"
           "{\"type\":\"RLIMIT_NPROC\",\"hard\":5000,\"soft\":5000}],\"oomScoreAdj\":-998,",
           NULL, NULL, ALL_NS);
    const struct spec_process *p = r.out->process;
    assert_int_equal(find_rlimit(p, "RLIMIT_NOFILE")->hard, 1024);
    assert_int_equal(find_rlimit(p, "RLIMIT_NOFILE")->soft, 1024);
    assert_int_equal(find_rlimit(p, "RLIMIT_CORE")->hard, 0);
    assert_int_equal(find_rlimit(p, "RLIMIT_CORE")->soft, 0);
    assert_int_equal(find_rlimit(p, "RLIMIT_NPROC")->hard, 5000);
    assert_int_equal(p->oom_score_adj, 0);
    expect_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]", "1048576/1048576", "1024/1024",
                  "rlimits");
    expect_change(&r.ch, "process.rlimits[RLIMIT_CORE]", "1024/18446744073709551615", "0/0",
                  "rlimits");
    expect_change(&r.ch, "process.oomScoreAdj", "-998", "0", "oom");
    run_free(&r);

    /* absent ones are added; lower values and a positive oom score stay */
    harden(&r, "\"oomScoreAdj\":500,", NULL, NULL, ALL_NS);
    p = r.out->process;
    assert_int_equal(p->n_rlimits, 2);
    assert_string_equal(p->rlimits[0].type, "RLIMIT_CORE");
    assert_string_equal(p->rlimits[1].type, "RLIMIT_NOFILE");
    assert_int_equal(p->rlimits[1].hard, 1024);
    assert_int_equal(p->oom_score_adj, 500);
    expect_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]", "(absent)", "1024/1024", "rlimits");
    run_free(&r);

    harden(&r, "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":512,\"soft\":256}],", NULL, NULL,
           ALL_NS);
    assert_int_equal(find_rlimit(r.out->process, "RLIMIT_NOFILE")->hard, 512);
    assert_int_equal(find_rlimit(r.out->process, "RLIMIT_NOFILE")->soft, 256);
    assert_null(find_change(&r.ch, "process.rlimits[RLIMIT_NOFILE]"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pids),        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_unified),     cmocka_unit_test(test_sysctls),
        cmocka_unit_test(test_rlimits_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
