/* The final verify of the container process: real prctl, seccomp and
 * namespaces, checked in forked children. */
#include "tests/overlay_helpers.h"

/* ---- verify (real prctl, seccomp, namespaces; in children) ------------- */

static void test_verify_parse_status(void **state)
{
    const char *st = "Name:\tsh\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000001\n"
                     "CapEff:\t0000000000000001\nCapBnd:\t00000000000000a1\n"
                     "CapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n";
    uint64_t e, p, i, a, b;
    int m;
    assert_int_equal(verify_parse_status(st, &e, &p, &i, &a, &b, &m), 0);
    assert_int_equal(e, 1);
    assert_int_equal(p, 1);
    assert_int_equal(i, 0);
    assert_int_equal(b, 0xa1);
    assert_int_equal(m, 2);
    assert_int_equal(verify_parse_status("Name:\tx\n", &e, &p, &i, &a, &b, &m), -1);
}

/* Runs fn in a child; returns its exit status (0 = checks passed). */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static int child_all_good(void)
{
    aisbx_error *err = NULL;
    /* the floor's state, reproduced: empty netns, read-only root (in a private
     * mount ns, remounting a bind of / read-only is not possible without
     * touching the host's mounts, so that check is done on its own) */
    if (unshare(CLONE_NEWNET) < 0)
        return 10;
    if (verify_net_only_lo(&err) < 0)
        return 11;
    if (verify_no_new_privs(&err) == 0)
        return 12; /* not set yet: must fail */
    if (!strstr(err->msg, "overlay verification failed: no_new_privs is not set"))
        return 13;
    aisbx_error_free(&err);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return 14;
    if (verify_no_new_privs(&err) < 0)
        return 15;
    if (verify_seccomp_filter(&err) == 0)
        return 16;
    aisbx_error_free(&err);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx || seccomp_load(ctx) < 0)
        return 17;
    seccomp_release(ctx);
    if (verify_seccomp_filter(&err) < 0)
        return 18;
    /* capabilities: drop to exactly CHOWN in all but inh/amb via the expected masks */
    struct verify_expect e;
    struct spec_process proc = {0};
    proc.capabilities = xmalloc0(sizeof(*proc.capabilities));
    spec_strlist_push(&proc.capabilities->bounding, "CAP_CHOWN");
    if (verify_expect_from_process(&proc, &e, &err) < 0)
        return 19;
    if (e.bnd != 1ULL << CAP_CHOWN || e.eff != 0 || !e.net_only_lo)
        return 19;
    spec_strlist_free(&proc.capabilities->bounding);
    free(proc.capabilities);
    /* as root with full caps, expecting none must fail naming the set */
    memset(&e, 0, sizeof(e));
    if (verify_caps(&e, &err) == 0)
        return 20;
    if (!strstr(err->msg, "capability set effective is"))
        return 21;
    aisbx_error_free(&err);
    return 0;
}

static void test_verify_checks(void **state)
{
    assert_int_equal(in_child(child_all_good), 0);
    /* the test's own (host) network namespace: fails when it has more than lo */
    struct if_nameindex *ifs = if_nameindex();
    assert_non_null(ifs);
    bool more = false;
    for (struct if_nameindex *i = ifs; i->if_index; i++)
        more |= strcmp(i->if_name, "lo") != 0;
    if_freenameindex(ifs);
    aisbx_error *err = NULL;
    assert_int_equal(verify_net_only_lo(&err), more ? -1 : 0);
    if (more) {
        assert_non_null(strstr(err->msg, "overlay verification failed: network namespace has "
                                         "interface "));
        aisbx_error_free(&err);
    }
}

static int child_verify_floor_fails(void)
{
    aisbx_error *err = NULL;
    struct verify_expect e = {.net_only_lo = false};
    /* the host root of the test machine is writable: the floor check must say so */
    if (verify_floor(&e, &err) == 0)
        return 1;
    if (!strstr(err->msg, "overlay verification failed: root filesystem is writable"))
        return 2;
    aisbx_error_free(&err);
    return 0;
}

/* In a private mount namespace (dropped when the child exits), the child's
 * copy of / is made read-only: the host's mounts are not touched. */
static int child_root_readonly(void)
{
    aisbx_error *err = NULL;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return 1;
    if (verify_root_readonly(&err) == 0)
        return 2; /* still writable */
    aisbx_error_free(&err);
    if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
        return 3;
    if (verify_root_readonly(&err) < 0)
        return 4;
    return 0;
}

static void test_verify_root_readonly(void **state)
{
    if (access("/", W_OK) != 0)
        skip();
    assert_int_equal(in_child(child_root_readonly), 0);
}

static void test_verify_floor_fails(void **state)
{
    if (access("/", W_OK) != 0)
        skip();
    assert_int_equal(in_child(child_verify_floor_fails), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_parse_status),
        cmocka_unit_test(test_verify_checks),
        cmocka_unit_test(test_verify_root_readonly),
        cmocka_unit_test(test_verify_floor_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
