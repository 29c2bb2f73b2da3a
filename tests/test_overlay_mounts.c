/* The hardening overlay, mounts: /proc and /sys, devices and binds. */
#include "tests/overlay_helpers.h"

/* ---- /proc, /sys ------------------------------------------------------- */

static void test_masked_readonly_paths(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"maskedPaths\":[],\"readonlyPaths\":[\"/proc/bus\"]");
    const struct spec_linux *l = r.out->linux_;
    assert_int_equal(l->masked_paths.n, 29);
    static const char *const want[] = {
        "/proc/kcore",       "/proc/keys",       "/proc/kallsyms",
        "/sys/firmware",     "/sys/kernel",      "/sys/devices/virtual/powercap",
        "/proc/acpi",        "/proc/kpageflags", "/proc/kpagecount",
        "/proc/kpagecgroup", "/proc/key-users",  "/proc/buddyinfo"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        assert_true(spec_strlist_contains(&l->masked_paths, want[i]));
    assert_int_equal(l->readonly_paths.n, 5);
    assert_string_equal(l->readonly_paths.v[0], "/proc/bus");
    assert_true(spec_strlist_contains(&l->readonly_paths, "/proc/sysrq-trigger"));
    expect_change(&r.ch, "linux.maskedPaths", "[0 paths]", NULL, "proc-sys");
    expect_change(&r.ch, "linux.readonlyPaths", "[1 paths]",
                  "added [/proc/fs /proc/irq /proc/sys /proc/sysrq-trigger]", "proc-sys");
    run_free(&r);

    /* extra entries of the config stay */
    harden(&r, NULL, NULL, NULL, ALL_NS ",\"maskedPaths\":[\"/proc/foo\"]");
    assert_int_equal(r.out->linux_->masked_paths.n, 30);
    assert_string_equal(r.out->linux_->masked_paths.v[0], "/proc/foo");
    run_free(&r);
}

static void test_sys_cgroup_ro(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
           "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"rw\"]},"
           "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
           "\"options\":[\"rw\",\"nosuid\"]},"
           "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/host-proc\",\"type\":\"proc\",\"source\":\"proc\"},"
           "{\"destination\":\"/mnt/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"},"
           "{\"destination\":\"/mnt/disk\",\"type\":\"ext4\",\"source\":\"/dev/sda1\"}",
           ALL_NS);
    expect_opts(r.out, "/sys", "nosuid,noexec,nodev,ro");
    expect_opts(r.out, "/sys/fs/cgroup", "nosuid,nodev,ro");
    expect_opts(r.out, "/proc", "nosuid,nodev");
    expect_change(&r.ch, "mounts[/sys].options", "[nosuid noexec nodev rw]",
                  "[nosuid noexec nodev ro]", "proc-sys");
    assert_null(find_mount(r.out, "/host-proc"));
    assert_null(find_mount(r.out, "/mnt/sys"));
    assert_null(find_mount(r.out, "/mnt/disk"));
    expect_change(&r.ch, "mounts[/host-proc]", "proc proc", "(removed: proc outside /proc)",
                  "mounts");
    expect_change(&r.ch, "mounts[/mnt/disk]", "ext4 /dev/sda1",
                  "(removed: filesystem type not allowed)", "mounts");
    run_free(&r);
}

/* ---- devices ----------------------------------------------------------- */

static void test_devices(void **state)
{
    struct run r;
    harden(&r, NULL, NULL, NULL,
           ALL_NS ",\"devices\":["
                  "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3},"
                  "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},"
                  "{\"path\":\"/dev/kvm\",\"type\":\"c\",\"major\":10,\"minor\":232},"
                  "{\"path\":\"/dev/zero\",\"type\":\"c\",\"major\":8,\"minor\":0},"
                  "{\"path\":\"/dev/urandom\",\"type\":\"c\",\"major\":1,\"minor\":9},"
                  "{\"path\":\"/dev/console\",\"type\":\"c\",\"major\":5,\"minor\":1}],"
                  "\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}");
    const struct spec_linux *l = r.out->linux_;
    assert_int_equal(l->n_devices, 2);
    assert_string_equal(l->devices[0].path, "/dev/null");
    assert_string_equal(l->devices[1].path, "/dev/urandom");
    expect_change(&r.ch, "linux.devices[1]", "/dev/sda b 8:0", "(removed)", "devices");
    expect_change(&r.ch, "linux.devices[2]", "/dev/kvm c 10:232", "(removed)", "devices");
    /* a "standard" name with another device's numbers is not standard */
    expect_change(&r.ch, "linux.devices[3]", "/dev/zero c 8:0", "(removed)", "devices");
    /* the host's console 5:1, never (ours is the pty bound on /dev/console) */
    expect_change(&r.ch, "linux.devices[5]", "/dev/console c 5:1", "(removed)", "devices");
    /* device cgroup: deny all, then exactly the standard set; "m" on the
     * nodes the init mknods (its own, not binds of the host's), no 5:1 */
    const struct spec_resources *res = l->resources;
    assert_int_equal(res->n_devices, 9);
    assert_false(res->devices[0].allow);
    assert_string_equal(res->devices[0].access, "rwm");
    static const int64_t mm[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},
                                    {1, 9}, {5, 0}, {5, 2}, {136, -1}};
    for (size_t i = 0; i < 8; i++) {
        assert_true(res->devices[i + 1].allow);
        assert_string_equal(res->devices[i + 1].type, "c");
        assert_int_equal(res->devices[i + 1].major, mm[i][0]);
        assert_int_equal(res->devices[i + 1].minor, mm[i][1]);
        assert_string_equal(res->devices[i + 1].access, mm[i][0] == 136 ? "rw" : "rwm");
    }
    expect_change(&r.ch, "linux.resources.devices", "[1 rules]", NULL, "devices");
    run_free(&r);

    harden(&r, "\"terminal\":true,", NULL, NULL,
           ALL_NS
           ",\"devices\":[{\"path\":\"/dev/console\",\"type\":\"c\",\"major\":5,"
           "\"minor\":1},{\"path\":\"/dev/pts/0\",\"type\":\"c\",\"major\":136,\"minor\":0}]");
    /* not even with a terminal */
    assert_int_equal(r.out->linux_->n_devices, 1);
    assert_string_equal(r.out->linux_->devices[0].path, "/dev/pts/0");
    expect_change(&r.ch, "linux.devices[0]", "/dev/console c 5:1", "(removed)", "devices");
    run_free(&r);
}

/* ---- binds ------------------------------------------------------------- */

enum bind_want { DROP, RO, RW, DEVICE };

static const struct {
    const char *source;
    enum bind_want want;
} bind_cases[] = {
    {"/", DROP},
    {"/run/k3s/containerd", DROP},
    {"/var/run/libvirt", DROP},
    {"/var/snap/microk8s/common/run", DROP},
    {"/var/lib/lxd", DROP},
    {"/run/buildkit", DROP},
    {"/proc", DROP},
    {"/proc/1/root", DROP},
    {"/sys/fs/cgroup", DROP},
    {"/dev", DROP},
    {"/dev/kvm", DROP},
    {"/var/run/docker.sock", DROP},
    {"/run/docker.sock", DROP},
    {"/run/containerd/containerd.sock", DROP},
    {"/run/containerd", DROP},
    {"/run", DROP},
    {"/var/run", DROP},
    {"/run/podman/podman.sock", DROP},
    {"/run/dbus/system_bus_socket", DROP},
    {"/run/systemd", DROP},
    {"/run/user/1000/bus", DROP},
    {"/home/u/app.sock", DROP},
    {"/var/lib/kubelet", DROP},
    {"/var/lib/kubelet/device-plugins", DROP},
    {"/etc", RO},
    {"/etc/ssl/certs", RO},
    {"/usr/share", RO},
    {"/lib/modules", RO},
    {"/lib64", RO},
    {"/root/.ssh", RO},
    {"/boot", RO},
    {"/run/secrets-of-host", RO},
    {"/var/lib/docker/image", RO},
    {"/var/lib/docker", RO},
    {"/var/lib/containerd/io.containerd.content.v1.content", RO},
    {"/var/lib/docker/containers/abc/config.v2.json", RO},
    {"/etc/../etc/passwd", RO},
    {"/srv/data", RW},
    {"/home/u/project", RW},
    {"/var/lib/docker/containers/abc/resolv.conf", RW},
    {"/var/lib/docker/containers/abc/hosts", RW},
    {"/var/lib/docker/containers/abc/hostname", RW},
    {"/var/lib/docker/containers/abc/mounts/shm", RW},
    {"/var/lib/docker/volumes/vol1/_data", RW},
    {"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/hosts", RW},
    {"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/resolv.conf", RW},
    {"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/shm", RW},
    /* containerd elsewhere (k3s; the engine suite's temp dirs) */
    {"/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/s1/shm", RW},
    {"/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/s1", DROP},
    {"/run/k3s/containerd/io.containerd.grpc.v1.cri/other/s1/shm", DROP},
    {"/run/k3s/io.containerd.grpc.v1.cri.x/sandboxes/s1/shm", DROP},
    {"/var/lib/kubelet/pods/uid1/volumes/kubernetes.io~empty-dir/cache", RW},
    {"/var/lib/kubelet/pods/uid1/etc-hosts", RW},
    {"/var/lib/kubelet/pods/uid1/containers/app/0a1b2c", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/resolv.conf", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/.containerenv", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/run/secrets", RW},
    {"/var/lib/containers/storage/overlay-containers/c1/userdata/hosts", RW},
    {"/run/containers/storage/overlay-containers/c1/userdata/config.json", RO},
    {"/run/user/1000/containers/overlay-containers/c1/userdata/hostname", RW},
    {"/dev/null", DEVICE},
    {"/dev/urandom", DEVICE},
};

static void test_binds(void **state)
{
    for (size_t i = 0; i < sizeof(bind_cases) / sizeof(bind_cases[0]); i++) {
        char *m = xasprintf("{\"destination\":\"/mnt/x\",\"type\":\"bind\",\"source\":\"%s\","
                            "\"options\":[\"rbind\",\"rw\",\"shared\"]}",
                            bind_cases[i].source);
        struct run r;
        harden(&r, NULL, NULL, m, ALL_NS);
        const struct spec_mount *mt = find_mount(r.out, "/mnt/x");
        const char *want = NULL;
        switch (bind_cases[i].want) {
        case DROP:
            if (mt)
                fail_msg("case %zu %s: not dropped", i, bind_cases[i].source);
            assert_non_null(find_change(&r.ch, "mounts[/mnt/x]"));
            break;
        case RO:
            want = "rbind,rprivate,nosuid,rnosuid,nodev,rnodev,ro,rro";
            break;
        case RW:
            want = "rbind,rw,rprivate,nosuid,rnosuid,nodev,rnodev";
            break;
        case DEVICE:
            want = "rbind,rw,rprivate,nosuid,rnosuid";
            break;
        }
        if (want) {
            if (!mt)
                fail_msg("case %zu %s: dropped", i, bind_cases[i].source);
            char *o = opts(mt);
            if (strcmp(o, want) != 0)
                fail_msg("case %zu %s: got %s, want %s", i, bind_cases[i].source, o, want);
            free(o);
            expect_change(&r.ch, "mounts[/mnt/x].options", "[rbind rw shared]", NULL,
                          bind_cases[i].want == RO ? "mounts" : "privileges");
        }
        free(m);
        run_free(&r);
    }
}

/* A bind of the host's /proc at /proc is removed and the container's own
 * proc mount (in its own pid namespace) put in its place, before the mounts
 * below /proc; a config that mounts proc itself keeps its own. */
static void test_host_proc_replaced(void **state)
{
    struct run r;
    harden(&r, NULL, NULL,
           "{\"destination\":\"/proc\",\"type\":\"none\",\"source\":\"/proc\","
           "\"options\":[\"rbind\",\"nosuid\",\"nodev\",\"noexec\"]},"
           "{\"destination\":\"/proc/driver\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}",
           ALL_NS);
    size_t at_proc = r.out->n_mounts, at_driver = r.out->n_mounts;
    for (size_t i = 0; i < r.out->n_mounts; i++) {
        if (strcmp(r.out->mounts[i].destination, "/proc") == 0)
            at_proc = i;
        if (strcmp(r.out->mounts[i].destination, "/proc/driver") == 0)
            at_driver = i;
    }
    assert_true(at_proc < at_driver && at_driver < r.out->n_mounts);
    const struct spec_mount *m = &r.out->mounts[at_proc];
    assert_string_equal(m->type, "proc");
    assert_string_equal(m->source, "proc");
    char *o = opts(m);
    assert_string_equal(o, "nosuid,noexec,nodev");
    free(o);
    expect_change(&r.ch, "mounts[/proc]", "bind /proc", "(removed: host /proc, /sys or /dev)",
                  "mounts");
    run_free(&r);
    harden(&r, NULL, NULL, "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}",
           ALL_NS);
    size_t n = 0;
    for (size_t i = 0; i < r.out->n_mounts; i++)
        n += strcmp(r.out->mounts[i].destination, "/proc") == 0;
    assert_int_equal(n, 1);
    run_free(&r);
    (void)state;
}

/* A bind is a bind whatever its type says (a "tmpfs" with a bind option is
 * mounted as one), and create learns which input each kept mount came from,
 * to mount the very source its fact judged. */
static void test_bind_origin(void **state)
{
    (void)state;
    struct overlay_bind_fact bf[3] = {
        {.exists = true, .resolved = "/srv/a", .fd = -1},
        {.exists = true, .is_root = true, .resolved = "/", .fd = -1},
        {.exists = true, .resolved = "/srv/c", .fd = -1},
    };
    struct overlay_facts f = {.binds = bf, .n_binds = 3};
    struct aisbx_policy pol = defpol();
    char *j = cfg_json(NULL, NULL,
                       "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/a\"},"
                       "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"source\":\"/\","
                       "\"options\":[\"nosuid,rbind\"]},"
                       "{\"destination\":\"/c\",\"type\":\"none\",\"source\":\"/srv/c\","
                       "\"options\":[\"bind\"]}",
                       NULL);
    struct spec_config *in = parse(j), *out = NULL;
    free(j);
    struct overlay_changes ch = {0};
    size_t *origin = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_apply_traced(in, &f, &pol, &out, &origin, &ch, &err), 0);
    assert_null(find_mount(out, "/x")); /* judged as a bind of the host's / */
    assert_int_equal(out->n_mounts, 4); /* /a, /c and the added /tmp and /dev */
    for (size_t i = 0; i < out->n_mounts; i++) {
        const char *d = out->mounts[i].destination;
        size_t want = !strcmp(d, "/a") ? 0 : !strcmp(d, "/c") ? 2 : OVERLAY_ADDED_MOUNT;
        assert_int_equal(origin[i], want);
    }
    free(origin);
    spec_config_free(in);
    spec_config_free(out);
    overlay_changes_free(&ch);
}

static void test_binds_with_facts(void **state)
{
    /* facts decide over the text: a socket with an innocent name, a symlink to /,
     * a renamed host /proc, a block device, a standard node */
    struct overlay_bind_fact bf[7] = {
        {.exists = true, .is_socket = true, .resolved = "/srv/api"},
        {.exists = true, .is_root = true, .resolved = "/"},
        {.exists = true, .is_proc_sys_dev = true, .resolved = "/mnt/hostproc"},
        {.exists = true, .is_device = true, .rdev_major = 8, .resolved = "/srv/disk"},
        {.exists = true,
         .is_device = true,
         .rdev_major = 1,
         .rdev_minor = 3,
         .resolved = "/dev/null"},
        {.exists = true, .resolved = "/etc/hostname"},
        /* an engine path that leads through a magic link: the fact wins */
        {.exists = true, .is_proc_sys_dev = true},
    };
    struct overlay_facts f = {.binds = bf, .n_binds = 7};
    struct run r;
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/api\"},"
                "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/srv/link\"},"
                "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/mnt/hostproc\"},"
                "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/srv/disk\"},"
                "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"/srv/mynull\"},"
                "{\"destination\":\"/f\",\"source\":\"hostname\",\"options\":[\"bind\"]},"
                "{\"destination\":\"/g\",\"type\":\"bind\",\"source\":"
                "\"/var/lib/docker/containers/abc/mounts/shm/x\"}",
                ALL_NS, &f, NULL);
    assert_null(find_mount(r.out, "/g"));
    assert_null(find_mount(r.out, "/a"));
    assert_null(find_mount(r.out, "/b"));
    assert_null(find_mount(r.out, "/c"));
    assert_null(find_mount(r.out, "/d"));
    expect_change(&r.ch, "mounts[/a]", "bind /srv/api", "(removed: socket)", "mounts");
    expect_change(&r.ch, "mounts[/b]", "bind /srv/link", "(removed: bind of the host's /)",
                  "mounts");
    expect_change(&r.ch, "mounts[/c]", NULL, "(removed: host /proc, /sys or /dev)", "mounts");
    expect_change(&r.ch, "mounts[/d]", NULL, "(removed: device node)", "mounts");
    expect_opts(r.out, "/e", "rprivate,nosuid");
    expect_opts(r.out, "/f", "bind,rprivate,nosuid,nodev,ro");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masked_readonly_paths),
        cmocka_unit_test(test_sys_cgroup_ro),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_binds),
        cmocka_unit_test(test_binds_with_facts),
        cmocka_unit_test(test_bind_origin),
        cmocka_unit_test(test_host_proc_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
