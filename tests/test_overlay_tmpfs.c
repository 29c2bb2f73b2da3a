/* The hardening overlay, tmpfs mounts: tmpfs options, /tmp, /dev and
 * devpts. */
#include "tests/overlay_helpers.h"

/* ---- tmpfs, /tmp ------------------------------------------------------- */

static const struct {
    const char *opts;
    const char *want;
} tmpfs_cases[] = {
    {"", "size=67108864,nosuid,nodev"},
    {"\"size=1g\"", "size=67108864,nosuid,nodev"},
    {"\"size=16m\"", "size=16m,nosuid,nodev"},
    {"\"size=50%\"", "size=67108864,nosuid,nodev"},
    {"\"size=0\"", "size=67108864,nosuid,nodev"},
    {"\"size=1k\",\"size=2g\"", "size=67108864,nosuid,nodev"},
    {"\"nr_blocks=10\"", "size=67108864,nosuid,nodev"},
    {"\"mode=755\",\"size=1048576\"", "mode=755,size=1048576,nosuid,nodev"},
    {"\"nosuid\",\"suid\",\"dev\",\"size=65536k\"", "nosuid,size=65536k,nodev"},
};

static void test_tmpfs(void **state)
{
    for (size_t i = 0; i < sizeof(tmpfs_cases) / sizeof(tmpfs_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                            "\"options\":[%s]}",
                            tmpfs_cases[i].opts);
        struct run r;
        harden(&r, NULL, NULL, m, ALL_NS);
        expect_opts(r.out, "/run", tmpfs_cases[i].want);
        free(m);
        run_free(&r);
    }
    /* the /dev tmpfs keeps dev (it holds the standard nodes); devpts too */
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
           "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
           "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\"]},"
           "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\"}",
           ALL_NS);
    expect_opts(r.out, "/dev", "nosuid,strictatime,mode=755,size=65536k");
    expect_opts(r.out, "/dev/pts", "nosuid,noexec,newinstance,ptmxmode=0666,max=64");
    expect_opts(r.out, "/dev/mqueue", "nosuid,nodev");
    assert_null(find_change(&r.ch, "mounts[/dev].options"));
    assert_null(find_change(&r.ch, "mounts[/dev]"));
    expect_change(&r.ch, "mounts[/dev/pts].options", NULL,
                  "[nosuid noexec newinstance ptmxmode=0666 max=64]", "devices");
    run_free(&r);
}

/* Every devpts gets max= at most devpts_max (one container must not take
 * the host-wide pty pool), newinstance, and ptmxmode=0666 unless it has one. */
static const struct {
    const char *opts;
    uint64_t pol;
    const char *want;
} devpts_cases[] = {
    {"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=4096\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=8\"", 64, "max=8,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=8\",\"max=9\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=-1\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=1x\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=\"", 64, "max=64,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=100\"", 1024, "max=100,newinstance,ptmxmode=0666,nosuid"},
    {"\"max=100\"", 16, "max=16,newinstance,ptmxmode=0666,nosuid"},
    {"\"newinstance\",\"ptmxmode=0600\",\"max=2\"", 64, "newinstance,ptmxmode=0600,max=2,nosuid"},
};

static void test_devpts(void **state)
{
    for (size_t i = 0; i < sizeof(devpts_cases) / sizeof(devpts_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/dev/pts\",\"type\":\"devpts\","
                            "\"source\":\"devpts\",\"options\":[%s]}",
                            devpts_cases[i].opts);
        struct aisbx_policy p = defpol();
        p.devpts_max = devpts_cases[i].pol;
        struct run r;
        harden_with(&r, NULL, NULL, m, ALL_NS, NULL, &p);
        expect_opts(r.out, "/dev/pts", devpts_cases[i].want);
        /* idempotent: the output hardened again is unchanged */
        struct spec_config *again = NULL;
        struct overlay_changes ch2 = {0};
        aisbx_error *err = NULL;
        assert_int_equal(overlay_apply(r.out, NULL, &p, &again, &ch2, &err), 0);
        expect_opts(again, "/dev/pts", devpts_cases[i].want);
        assert_null(find_change(&ch2, "mounts[/dev/pts].options"));
        spec_config_free(again);
        overlay_changes_free(&ch2);
        free(m);
        run_free(&r);
    }
}

/* The root is nodev, so /dev is always a mount: runc's tmpfs when the config
 * has none, before any mount below /dev. */
static void test_dev_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
           "\"options\":[\"size=1m\"]}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 4);
    assert_string_equal(r.out->mounts[1].destination, "/dev");
    assert_string_equal(r.out->mounts[1].type, "tmpfs");
    assert_string_equal(r.out->mounts[2].destination, "/dev/shm");
    expect_opts(r.out, "/dev", "nosuid,strictatime,mode=755,size=65536k");
    expect_change(&r.ch, "mounts[/dev]", "(absent)",
                  "tmpfs [nosuid strictatime mode=755 size=65536k]", "devices");
    run_free(&r);

    /* a config /dev (even a bind) is kept */
    harden(&r, NULL, NULL, "{\"destination\":\"/dev/\",\"type\":\"bind\",\"source\":\"/srv/d\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 2);
    assert_string_equal(r.out->mounts[0].destination, "/dev/");
    assert_null(find_change(&r.ch, "mounts[/dev]"));
    run_free(&r);
}

/* Issue 10 item 8: an option that undoes a forced flag is removed from every
 * mount, recursive or not; comma-joined elements are judged one by one. */
static void test_mount_option_undo(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
           "\"options\":[\"rrw\",\"rw\",\"nosuid,rdev\",\"rsuid\"]},"
           "{\"destination\":\"/big\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"size=1k,size=100g\"]},"
           "{\"destination\":\"/big2\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
           "\"options\":[\"mode=755,size=100g\",\"rdev,rsuid\"]},"
           "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/etc/x\","
           "\"options\":[\"bind\",\"rrw\",\"rsuid\",\"rdev\"]},"
           "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/srv/v\","
           "\"options\":[\"rbind,rrw,rsuid\"]},"
           "{\"destination\":\"/c\",\"type\":\"context\",\"source\":\"x\","
           "\"options\":[\"bind,context=\\\"a:b:s0:c1,c2\\\"\"]},"
           /* a bind option binds whatever the type (as runtime/mounts.c does it) */
           "{\"destination\":\"/h1\",\"type\":\"tmpfs\",\"source\":\"/\","
           "\"options\":[\"rbind\"]},"
           "{\"destination\":\"/h2\",\"type\":\"none\",\"source\":\"/\","
           "\"options\":[\"nosuid,rbind\"]}",
           ALL_NS);
    expect_opts(r.out, "/sys", "nosuid,nodev,ro");
    expect_change(&r.ch, "mounts[/sys].options", "[rrw rw nosuid,rdev rsuid]", "[nosuid nodev ro]",
                  "proc-sys");
    expect_opts(r.out, "/big", "size=67108864,nosuid,nodev");
    expect_opts(r.out, "/big2", "mode=755,size=67108864,nosuid,nodev");
    expect_opts(r.out, "/e", "bind,rprivate,nosuid,nodev,ro");
    /* a volume keeps its mode (rrw), never its suid */
    expect_opts(r.out, "/v", "rbind,rrw,rprivate,nosuid,rnosuid,nodev,rnodev");
    /* commas inside double quotes stay in the value */
    expect_opts(r.out, "/c", "bind,context=\"a:b:s0:c1,c2\",rprivate,nosuid,nodev");
    assert_null(find_mount(r.out, "/h1"));
    assert_null(find_mount(r.out, "/h2"));
    expect_change(&r.ch, "mounts[/h1]", NULL, "(removed: bind of the host's /)", "mounts");
    expect_change(&r.ch, "mounts[/h2]", NULL, "(removed: bind of the host's /)", "mounts");
    run_free(&r);
}

static void test_tmp_added(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/tmp/cache\",\"type\":\"bind\",\"source\":\"/srv/c\"},"
           "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/d\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 5); /* with the added /dev */
    /* before /tmp/cache, which it would otherwise hide */
    assert_string_equal(r.out->mounts[1].destination, "/tmp");
    assert_string_equal(r.out->mounts[1].type, "tmpfs");
    expect_opts(r.out, "/tmp", "nosuid,nodev,noexec,mode=1777,size=67108864");
    expect_change(&r.ch, "mounts[/tmp]", "(absent)",
                  "tmpfs [nosuid nodev noexec mode=1777 size=67108864]", "tmpfs");
    run_free(&r);

    struct aisbx_policy p = defpol();
    p.tmp_exec = true;
    p.tmpfs_max = 1 << 20;
    harden_with(&r, NULL, NULL, NULL, ALL_NS, NULL, &p);
    assert_int_equal(r.out->n_mounts, 2);
    expect_opts(r.out, "/tmp", "nosuid,nodev,exec,mode=1777,size=1048576");
    run_free(&r);

    /* issue 10 item 12: no /tmp in the rootfs and none can be made: skipped */
    struct overlay_facts nf = {.rootfs_tmp_unmakeable = true};
    harden_with(&r, NULL, NULL, NULL, ALL_NS, &nf, NULL);
    assert_int_equal(r.out->n_mounts, 1); /* only the added /dev */
    assert_string_equal(r.out->mounts[0].destination, "/dev");
    expect_change(&r.ch, "mounts[/tmp]", "(absent)",
                  "(skipped: rootfs has no /tmp and it cannot be created)", "tmpfs");
    run_free(&r);

    /* a config /tmp (here a volume) is kept, not shadowed */
    harden(&r, NULL, NULL, "{\"destination\":\"/tmp/\",\"type\":\"bind\",\"source\":\"/srv/t\"}",
           ALL_NS);
    assert_int_equal(r.out->n_mounts, 2);
    assert_null(find_change(&r.ch, "mounts[/tmp]"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tmpfs),     cmocka_unit_test(test_mount_option_undo),
        cmocka_unit_test(test_tmp_added), cmocka_unit_test(test_devpts),
        cmocka_unit_test(test_dev_added),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
