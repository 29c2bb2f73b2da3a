/* The systemd cgroup driver's pure half (runtime/cgroup/systemd_unit.c):
 * runc's "slice:prefix:name" rules, slice expansion, the way back from a
 * stored path, and the unit properties made from hardened resources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/systemd_unit.h"

static void expect_unit_in(const char *root, const char *cgroups_path, const char *id,
                           const char *slice, const char *unit, const char *path)
{
    struct systemd_unit u;
    aisbx_error *e = NULL;
    if (systemd_unit_from_spec(cgroups_path, id, root, &u, &e) < 0)
        fail_msg("%s: %s", cgroups_path, e->msg);
    assert_string_equal(u.slice, slice);
    assert_string_equal(u.unit, unit);
    assert_string_equal(u.path, path);
    /* The path alone (as stored in the state) names the same unit. */
    struct systemd_unit back;
    if (systemd_unit_from_path(u.path, &back, &e) < 0)
        fail_msg("%s: %s", u.path, e->msg);
    assert_string_equal(back.unit, unit);
    assert_string_equal(back.slice, slice);
    assert_string_equal(back.path, path);
    assert_int_equal(u.user, root != NULL);
    assert_int_equal(back.user, root != NULL);
    systemd_unit_free(&back);
    systemd_unit_free(&u);
}

static void expect_unit(const char *cgroups_path, const char *id, const char *slice,
                        const char *unit, const char *path)
{
    expect_unit_in(NULL, cgroups_path, id, slice, unit, path);
}

static void expect_bad(const char *cgroups_path, const char *msg_part)
{
    struct systemd_unit u;
    aisbx_error *e = NULL;
    assert_int_equal(systemd_unit_from_spec(cgroups_path, "id", NULL, &u, &e), -1);
    assert_non_null(e);
    if (!strstr(e->msg, msg_part))
        fail_msg("%s: '%s' lacks '%s'", cgroups_path, e->msg, msg_part);
    assert_null(u.unit);
    aisbx_error_free(&e);
}

static void test_engine_paths(void **state)
{
    (void)state;
    /* What docker, podman, containerd's CRI and ctr send. */
    expect_unit("system.slice:docker:abc", "abc", "system.slice", "docker-abc.scope",
                "/system.slice/docker-abc.scope");
    expect_unit("machine.slice:libpod:f00", "f00", "machine.slice", "libpod-f00.scope",
                "/machine.slice/libpod-f00.scope");
    expect_unit("kubepods-besteffort-pod12_3.slice:cri-containerd:c1", "c1",
                "kubepods-besteffort-pod12_3.slice", "cri-containerd-c1.scope",
                "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod12_3.slice/"
                "cri-containerd-c1.scope");
    /* Empty slice -> system.slice; empty prefix -> name.scope; a .slice name
     * is the unit itself; empty path -> runc's default with our prefix. */
    expect_unit(":p:n", "n", "system.slice", "p-n.scope", "/system.slice/p-n.scope");
    expect_unit("user.slice::n", "n", "user.slice", "n.scope", "/user.slice/n.scope");
    expect_unit("a.slice::a-b.slice", "x", "a.slice", "a-b.slice", "/a.slice/a-b.slice");
    expect_unit("", "ctr1", "system.slice", "aisbx-ctr1.scope", "/system.slice/aisbx-ctr1.scope");
    expect_unit(NULL, "ctr1", "system.slice", "aisbx-ctr1.scope", "/system.slice/aisbx-ctr1.scope");
    expect_unit("-.slice:p:n", "n", "-.slice", "p-n.scope", "/p-n.scope");
}

/* Rootless: a unit of the user's own manager, under its user@UID.service
 * (podman sends "user.slice:libpod:<id>"; runc's rootless default slice is
 * user.slice). The way back tells the manager from the path alone. */
static void test_user_manager_paths(void **state)
{
    (void)state;
    char *root = systemd_user_root(1000);
    assert_string_equal(root, "/user.slice/user-1000.slice/user@1000.service");
    expect_unit_in(root, "user.slice:libpod:f00", "f00", "user.slice", "libpod-f00.scope",
                   "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-f00.scope");
    expect_unit_in(root, "", "c1", "user.slice", "aisbx-c1.scope",
                   "/user.slice/user-1000.slice/user@1000.service/user.slice/aisbx-c1.scope");
    expect_unit_in(root, "-.slice:p:n", "n", "-.slice", "p-n.scope",
                   "/user.slice/user-1000.slice/user@1000.service/p-n.scope");
    expect_unit_in(root, "app-x.slice:p:n", "n", "app-x.slice", "p-n.scope",
                   "/user.slice/user-1000.slice/user@1000.service/app.slice/app-x.slice/p-n.scope");
    free(root);
    /* Wherever logind put the manager (read back from systemd), the path
     * below user@UID.service is what names the unit. */
    struct systemd_unit u;
    aisbx_error *e = NULL;
    assert_int_equal(
        systemd_unit_from_path("/elsewhere/user@42.service/user.slice/a-b.scope", &u, &e), 0);
    assert_true(u.user);
    assert_string_equal(u.unit, "a-b.scope");
    assert_string_equal(u.slice, "user.slice");
    systemd_unit_free(&u);
    /* Not a manager: user@.service without a uid, or a name that only
     * looks like one. */
    assert_int_equal(
        systemd_unit_from_path("/user.slice/user@x.service/user.slice/a.scope", &u, &e), -1);
    aisbx_error_free(&e);
    assert_int_equal(systemd_unit_from_path("/user.slice/user@1.servicex/a.scope", &u, &e), -1);
    aisbx_error_free(&e);
    /* The system manager's unit of the same name is not the user's. */
    assert_int_equal(systemd_unit_from_path("/user.slice/a.scope", &u, &e), 0);
    assert_false(u.user);
    systemd_unit_free(&u);
}

static void test_bad_paths(void **state)
{
    (void)state;
    expect_bad("/docker/abc", "slice:prefix:name");
    expect_bad("system.slice:docker", "slice:prefix:name");
    expect_bad("a:b:c:d", "slice:prefix:name");
    expect_bad("system.slice:p:", "no name");
    expect_bad("system:p:n", "invalid systemd slice name");
    expect_bad("a--b.slice:p:n", "invalid systemd slice name");
    expect_bad("-a.slice:p:n", "invalid systemd slice name");
    expect_bad("a-.slice:p:n", "invalid systemd slice name");
    expect_bad("a/b.slice:p:n", "invalid systemd slice name");
    expect_bad("system.slice:p:../../x", "invalid systemd unit name");
    expect_bad("system.slice:p/q:n", "invalid systemd unit name");

    struct systemd_unit u;
    aisbx_error *e = NULL;
    assert_int_equal(systemd_unit_from_path("/docker/abc", &u, &e), -1);
    aisbx_error_free(&e);
    /* A path whose parents do not spell the slice is not a unit's. */
    assert_int_equal(systemd_unit_from_path("/x/system.slice/a.scope", &u, &e), -1);
    aisbx_error_free(&e);
}

static void test_slice_path(void **state)
{
    (void)state;
    char *p = systemd_slice_path("a-b-c.slice");
    assert_string_equal(p, "/a.slice/a-b.slice/a-b-c.slice");
    free(p);
    p = systemd_slice_path("-.slice");
    assert_string_equal(p, "");
    free(p);
    assert_null(systemd_slice_path("a.scope"));
    assert_null(systemd_slice_path(".slice"));
}

static bool has(const struct spec_strlist *l, const char *s)
{
    return spec_strlist_contains(l, s);
}

static void dump(const struct spec_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        fprintf(stderr, "  prop %s\n", l->v[i]);
}

static const char proc_devices[] = "Character devices:\n  1 mem\n  4 /dev/vc/0\n  5 /dev/tty\n"
                                   "136 pts\n\nBlock devices:\n  7 loop\n  8 sd\n";

static void test_props(void **state)
{
    (void)state;
    struct spec_pids pids = {.has_limit = true, .limit = 256};
    struct spec_memory mem = {.has_limit = true,
                              .limit = 1073741824,
                              .has_swap = true,
                              .swap = 2147483648,
                              .has_reservation = true,
                              .reservation = 1048576};
    struct spec_cpu cpu = {.has_shares = true,
                           .shares = 1024,
                           .has_quota = true,
                           .quota = 50000,
                           .has_period = true,
                           .period = 100000,
                           .cpus = (char *)"0-1",
                           .mems = (char *)"0"};
    struct spec_device_cgroup devs[] = {
        {.allow = false, .type = (char *)"a", .access = (char *)"rwm"},
        {.allow = true,
         .type = (char *)"c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 3,
         .access = (char *)"rwm"},
        {.allow = true,
         .type = (char *)"c",
         .has_major = true,
         .major = 136,
         .has_minor = true,
         .minor = -1,
         .access = (char *)"rw"},
        /* systemd cannot say "every char device": left out (stricter). */
        {.allow = true,
         .type = (char *)"c",
         .has_major = true,
         .major = -1,
         .has_minor = true,
         .minor = -1,
         .access = (char *)"m"},
        /* Allowed, then denied again: must not reach DeviceAllow. */
        {.allow = true,
         .type = (char *)"c",
         .has_major = true,
         .major = 10,
         .has_minor = true,
         .minor = 200,
         .access = (char *)"rwm"},
        {.allow = false,
         .type = (char *)"c",
         .has_major = true,
         .major = 10,
         .has_minor = true,
         .minor = 200,
         .access = (char *)"rwm"},
        /* A major /proc/devices does not name: left out. */
        {.allow = true,
         .type = (char *)"c",
         .has_major = true,
         .major = 250,
         .has_minor = true,
         .minor = -1,
         .access = (char *)"rw"},
    };
    struct spec_resources r = {.pids = &pids,
                               .memory = &mem,
                               .cpu = &cpu,
                               .devices = devs,
                               .n_devices = sizeof(devs) / sizeof(devs[0])};
    struct spec_strlist out = {0};
    aisbx_error *e = NULL;
    assert_int_equal(systemd_unit_props(&r, true, proc_devices, &out, &e), 0);
    dump(&out);
    assert_true(has(&out, "TasksMax=t:256"));
    assert_true(has(&out, "MemoryMax=t:1073741824"));
    assert_true(has(&out, "MemoryLow=t:1048576"));
    assert_true(has(&out, "MemorySwapMax=t:1073741824"));
    assert_true(has(&out, "CPUWeight=t:39")); /* runc: 1 + (1022 * 9999) / 262142 */
    assert_true(has(&out, "CPUQuotaPerSecUSec=t:500000"));
    assert_true(has(&out, "CPUQuotaPeriodUSec=t:100000"));
    assert_true(has(&out, "AllowedCPUs=ay:0-1"));
    assert_true(has(&out, "AllowedMemoryNodes=ay:0"));
    assert_true(has(&out, "DevicePolicy=s:strict"));
    assert_true(has(&out, "DeviceAllow=a(ss):/dev/char/1:3 rwm"));
    assert_true(has(&out, "DeviceAllow=a(ss):char-pts rw"));
    size_t allows = 0;
    for (size_t i = 0; i < out.n; i++)
        allows += strncmp(out.v[i], "DeviceAllow=", 12) == 0;
    assert_int_equal(allows, 2);
    spec_strlist_free(&out);

    /* update: no device properties; -1 is systemd's infinity; a quota that
     * is not a multiple of 10 ms per second is rounded up, never down. */
    pids.limit = -1;
    cpu.quota = 12345;
    assert_int_equal(systemd_unit_props(&r, false, NULL, &out, &e), 0);
    assert_true(has(&out, "TasksMax=t:18446744073709551615"));
    assert_true(has(&out, "CPUQuotaPerSecUSec=t:130000"));
    for (size_t i = 0; i < out.n; i++)
        assert_null(strstr(out.v[i], "Device"));
    spec_strlist_free(&out);

    /* Nothing given, nothing sent. */
    struct spec_resources empty = {0};
    assert_int_equal(systemd_unit_props(&empty, true, proc_devices, &out, &e), 0);
    assert_int_equal(out.n, 0);
    spec_strlist_free(&out);

    /* Refused as the cgroupfs path refuses them. */
    mem.swap = 1000;
    assert_int_equal(systemd_unit_props(&r, false, NULL, &out, &e), -1);
    aisbx_error_free(&e);
    spec_strlist_free(&out);
    mem.swap = 2147483648;
    cpu.cpus = (char *)"0-1; rm";
    assert_int_equal(systemd_unit_props(&r, false, NULL, &out, &e), -1);
    aisbx_error_free(&e);
    spec_strlist_free(&out);
}

static void test_resolve_facade(void **state)
{
    (void)state;
    aisbx_error *e = NULL;
    char *p = cgroup_resolve_systemd_path("system.slice:docker:abc", "abc", -1, &e);
    assert_string_equal(p, "/system.slice/docker-abc.scope");
    free(p);
    p = cgroup_resolve_systemd_path(":libpod:abc", "abc", 1000, &e);
    assert_string_equal(
        p, "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-abc.scope");
    free(p);
    assert_null(cgroup_resolve_systemd_path("/docker/abc", "abc", -1, &e));
    assert_non_null(e);
    aisbx_error_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_paths), cmocka_unit_test(test_user_manager_paths),
        cmocka_unit_test(test_bad_paths),    cmocka_unit_test(test_slice_path),
        cmocka_unit_test(test_props),        cmocka_unit_test(test_resolve_facade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
