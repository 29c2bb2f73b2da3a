/* The overlay's facts, gathered from real kernel objects (namespaces,
 * sockets, a rootfs directory) created and removed here. */
#include "tests/overlay_helpers.h"

/* ---- facts (real kernel objects) --------------------------------------- */

static void test_facts_gather(void **state)
{
    char dir[] = "/tmp/aisbx-test-facts.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sock[64];
    snprintf(sock, sizeof(sock), "%s/api", dir);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);

    /* a child in a fresh network namespace: not the host's, only lo */
    int ready[2], done[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(done), 0);
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(ready[0]);
        close(done[1]);
        if (unshare(CLONE_NEWNET) < 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        ssize_t r = read(done[0], &c, 1); /* until the parent is done */
        (void)r;
        _exit(0);
    }
    close(ready[1]);
    close(done[0]);
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);

    char *j = xasprintf(
        "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
        "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"r\"},"
        "\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"%s\"},"
        "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"/proc/self/root\"},"
        "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"/dev/null\"},"
        "{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/\"},"
        "{\"destination\":\"/e\",\"type\":\"bind\",\"source\":\"api\"},"
        "{\"destination\":\"/f\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
        "{\"destination\":\"/g\",\"type\":\"bind\",\"source\":\"/sys/fs\"},"
        "{\"destination\":\"/h\",\"type\":\"bind\",\"source\":\"%s/nope\"}],"
        "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"/proc/self/ns/net\"},"
        "{\"type\":\"ipc\",\"path\":\"/proc/self/ns/ipc\"},"
        "{\"type\":\"network\",\"path\":\"/proc/%d/ns/net\"},"
        "{\"type\":\"uts\",\"path\":\"/proc/%d/ns/net\"},{\"type\":\"pid\"}]}}",
        sock, dir, (int)child, (int)child);
    struct spec_config *cfg = parse(j);
    free(j);
    struct overlay_facts f;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_facts_gather(cfg, dir, &f, &err), 0);
    assert_int_equal(f.n_ns, 5);
    assert_true(f.ns[0].exists && f.ns[0].is_host);
    assert_true(f.ns[1].exists && f.ns[1].is_host);
    assert_true(f.ns[2].exists && !f.ns[2].is_host && f.ns[2].only_lo);
    assert_false(f.ns[3].exists); /* a net namespace given as uts */
    assert_true(f.ns[3].wrong_type && f.ns[3].fd < 0);
    assert_true(f.ns[2].fd >= 0); /* kept for create to join */
    assert_false(f.ns[4].exists);
    assert_int_equal(f.n_binds, 8);
    assert_true(f.binds[0].exists && f.binds[0].is_socket);
    assert_string_equal(f.binds[0].resolved, sock);
    assert_true(f.binds[1].is_proc_sys_dev); /* magic link not followed */
    assert_true(f.binds[2].is_device && f.binds[2].rdev_major == 1 && f.binds[2].rdev_minor == 3);
    assert_true(f.binds[3].is_root);
    assert_true(f.binds[4].is_socket); /* relative to the bundle */
    assert_null(f.binds[5].resolved);
    assert_true(f.binds[6].is_proc_sys_dev);
    assert_false(f.binds[7].exists);

    /* and the overlay with these facts */
    struct aisbx_policy pol = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    /* the spec: a path of the wrong type is an error */
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), -1);
    assert_non_null(strstr(err->msg, "is not a namespace of type uts"));
    aisbx_error_free(&err);
    overlay_changes_free(&ch);
    f.ns[3].wrong_type = false; /* as if it could not be opened: a new one */
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), 0);
    assert_null(find_mount(out, "/a"));
    assert_null(find_mount(out, "/b"));
    expect_opts(out, "/c", "rprivate,nosuid");
    assert_null(find_mount(out, "/d"));
    assert_null(find_mount(out, "/e"));
    assert_null(find_mount(out, "/g"));
    assert_non_null(find_mount(out, "/h"));
    expect_change(&ch, "linux.namespaces[network].path", "/proc/self/ns/net",
                  "(new namespace; host namespace)", "network");
    expect_change(&ch, "linux.namespaces[ipc].path", "/proc/self/ns/ipc",
                  "(new namespace; host namespace)", "namespaces");
    spec_config_free(out);
    overlay_changes_free(&ch);

    overlay_facts_free(&f);
    spec_config_free(cfg);
    close(done[1]);
    close(ready[0]);
    waitpid(child, NULL, 0);
    close(s);
    unlink(sock);
    rmdir(dir);
}

/* Issue 10 item 9: a bind of a dir whose tree holds a root-owned unix socket
 * is dropped (real socket, scanned by overlay_facts_gather); a clean dir is
 * kept; a symlink to the socket's dir is not followed by the scan; an engine
 * volume is exempt. */
static void test_socket_scan(void **state)
{
    char dir[] = "/tmp/aisbx-test-scan.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = xasprintf("%s/with/sub", dir), *with = xasprintf("%s/with", dir);
    char *clean = xasprintf("%s/clean", dir), *lnk = xasprintf("%s/clean/l", dir);
    assert_int_equal(mkdir(with, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_int_equal(mkdir(clean, 0755), 0);
    assert_int_equal(symlink(sub, lnk), 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s.sock", sub);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    char *j = xasprintf("{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                        "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"r\"},\"mounts\":["
                        "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"%s\"},"
                        "{\"destination\":\"/b\",\"type\":\"bind\",\"source\":\"%s\"},"
                        "{\"destination\":\"/c\",\"type\":\"bind\",\"source\":\"%s\"}],"
                        "\"linux\":{}}",
                        with, clean, sub);
    struct spec_config *cfg = parse(j);
    free(j);
    struct overlay_facts f;
    aisbx_error *err = NULL;
    assert_int_equal(overlay_facts_gather(cfg, dir, &f, &err), 0);
    assert_true(f.binds[0].has_foreign_socket);
    assert_false(f.binds[1].has_foreign_socket);
    assert_true(f.binds[2].has_foreign_socket);
    struct aisbx_policy pol = defpol();
    struct spec_config *out = NULL;
    struct overlay_changes ch = {0};
    assert_int_equal(overlay_apply(cfg, &f, &pol, &out, &ch, &err), 0);
    assert_null(find_mount(out, "/a"));
    assert_null(find_mount(out, "/c"));
    assert_non_null(find_mount(out, "/b"));
    expect_change(&ch, "mounts[/a]", NULL, "(removed: holds a control socket)", "mounts");
    spec_config_free(out);
    overlay_changes_free(&ch);
    overlay_facts_free(&f);
    spec_config_free(cfg);
    close(s);
    unlink(sa.sun_path);
    unlink(lnk);
    rmdir(sub);
    rmdir(with);
    rmdir(clean);
    rmdir(dir);
    free(sub);
    free(with);
    free(clean);
    free(lnk);

    /* pure: the fact decides, except for the engine's own volumes */
    struct overlay_bind_fact bf[2] = {
        {.exists = true, .has_foreign_socket = true, .resolved = "/srv/data"},
        {.exists = true, .has_foreign_socket = true, .resolved = "/var/lib/docker/volumes/v/_data"},
    };
    struct overlay_facts pf = {.binds = bf, .n_binds = 2};
    struct run r;
    harden_with(&r, NULL, NULL,
                "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/srv/data\"},"
                "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":"
                "\"/var/lib/docker/volumes/v/_data\"}",
                ALL_NS, &pf, NULL);
    assert_null(find_mount(r.out, "/a"));
    assert_non_null(find_mount(r.out, "/v"));
    run_free(&r);
}

/* overlay_facts_rootfs on a real directory: writable, read-only bind, with tmp,
 * and a user namespace whose root does not own the directory. */
static void test_facts_rootfs(void **state)
{
    char dir[] = "/tmp/aisbx-ut-rootfs.XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0755), 0);
    struct spec_config *c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}");
    struct overlay_facts f = {0};
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(mount(dir, dir, NULL, MS_BIND, NULL), 0);
    int r = mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
    if (r == 0)
        overlay_facts_rootfs(c, dir, &f);
    assert_int_equal(umount2(dir, MNT_DETACH), 0);
    assert_int_equal(r, 0);
    assert_true(f.rootfs_tmp_unmakeable);
    spec_config_free(c);
    /* user namespace, owner (root) not mapped, no write for others */
    c = parse("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":"
              "[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,"
              "\"size\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,"
              "\"size\":65536}]}}");
    overlay_facts_rootfs(c, dir, &f);
    assert_true(f.rootfs_tmp_unmakeable);
    assert_int_equal(chmod(dir, 0777), 0);
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(chmod(dir, 0755), 0);
    /* a tmp that exists is a mount point whatever else holds */
    char *t = xasprintf("%s/tmp", dir);
    assert_int_equal(mkdir(t, 0755), 0);
    overlay_facts_rootfs(c, dir, &f);
    assert_false(f.rootfs_tmp_unmakeable);
    assert_int_equal(rmdir(t), 0);
    free(t);
    spec_config_free(c);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_gather),
        cmocka_unit_test(test_facts_rootfs),
        cmocka_unit_test(test_socket_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
