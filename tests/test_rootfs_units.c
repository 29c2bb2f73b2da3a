/* Root filesystem pure units: mount options, resolving in the root, sysctl
 * keys. */
#include "tests/rootfs_helpers.h"

/* ---- pure units ----------------------------------------------------------- */

static void test_mount_options(void **state)
{
    aisbx_error *err = NULL;
    struct mount_opts o;
    struct spec_strlist l = OPTS("rbind", "ro", "nosuid", "nodev", "noexec", "noatime", "rprivate",
                                 "size=64m", "mode=755", "tmpcopyup", "rw", "ro");
    assert_int_equal(mount_options_parse(&l, &o, &err), 0);
    assert_true(o.bind && o.rec_bind && o.tmpcopyup);
    assert_int_equal(o.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME);
    assert_int_equal(o.n_propagation, 1);
    assert_int_equal(o.propagation[0], MS_PRIVATE | MS_REC);
    assert_string_equal(o.data, "size=64m,mode=755");
    assert_true(mount_opts_need_remount(&o));
    mount_options_free(&o);

    struct spec_strlist l2 = OPTS("noatime", "strictatime", "suid", "dev", "exec", "shared",
                                  "runbindable", "rro", "rnoexec", "rrelatime", "rexec");
    assert_int_equal(mount_options_parse(&l2, &o, &err), 0);
    assert_int_equal(o.flags, MS_STRICTATIME);
    assert_null(o.data);
    assert_int_equal(o.n_propagation, 2);
    assert_int_equal(o.propagation[0], MS_SHARED);
    assert_int_equal(o.propagation[1], MS_UNBINDABLE | MS_REC);
    assert_int_equal(o.attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_RELATIME);
    assert_int_equal(o.attr_clr, MOUNT_ATTR__ATIME | MOUNT_ATTR_NOEXEC);
    mount_options_free(&o);

    struct spec_strlist l3 = OPTS("bind");
    assert_int_equal(mount_options_parse(&l3, &o, &err), 0);
    assert_false(mount_opts_need_remount(&o));
    /* linux.mountLabel (SELinux hosts): quoted, after the other data */
    assert_int_equal(mount_options_add_context(&o, "system_u:object_r:c_file_t:s0:c1,c2", &err), 0);
    assert_string_equal(o.data, "context=\"system_u:object_r:c_file_t:s0:c1,c2\"");
    mount_options_free(&o);
    struct spec_strlist lc = OPTS("size=1k");
    assert_int_equal(mount_options_parse(&lc, &o, &err), 0);
    assert_int_equal(mount_options_add_context(&o, "a:b:c:s0", &err), 0);
    assert_string_equal(o.data, "size=1k,context=\"a:b:c:s0\"");
    assert_int_equal(mount_options_add_context(&o, "x\",uid=0", &err), -1);
    aisbx_error_free(&err);
    mount_options_free(&o);

    /* a comma-joined element is judged option by option (issue 10 item 8),
     * the way the overlay judged it; quoted commas stay in the value */
    struct spec_strlist l5 = OPTS("nosuid,rrw", "size=1k,,mode=1777", "context=\"a:s0:c1,c2\"");
    assert_int_equal(mount_options_parse(&l5, &o, &err), 0);
    assert_int_equal(o.flags, MS_NOSUID);
    assert_int_equal(o.attr_clr, MOUNT_ATTR_RDONLY);
    assert_string_equal(o.data, "size=1k,mode=1777,context=\"a:s0:c1,c2\"");
    mount_options_free(&o);
    assert_true(spec_mount_options_has(&l5, "rrw"));
    assert_false(spec_mount_options_has(&l5, "c2\""));

    /* idmap/ridmap: taken by the parser, applied by create (issue 14) */
    struct spec_strlist l4 = OPTS("rbind", "idmap", "ridmap");
    assert_int_equal(mount_options_parse(&l4, &o, &err), 0);
    assert_true(o.idmap);
    assert_true(o.ridmap);
    assert_null(o.data);
    mount_options_free(&o);
}

static void test_resolve_in_root(void **state)
{
    struct env *e = *state;
    aisbx_error *err = NULL;
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/up", e->rootfs);
    assert_int_equal(symlink("../../../../../..", p), 0);
    snprintf(p, sizeof(p), "%s/abs", e->rootfs);
    assert_int_equal(symlink("/etc", p), 0);
    snprintf(p, sizeof(p), "%s/self", e->rootfs);
    assert_int_equal(symlink("/proc/self/root", p), 0);
    snprintf(p, sizeof(p), "%s/dangling", e->rootfs);
    assert_int_equal(symlink("/nonexistent-dir/x", p), 0);
    int rootfd = open(e->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(rootfd >= 0);
    struct stat want, got;
    assert_int_equal(fstat(rootfd, &want), 0);

    int fd = resolve_in_root(rootfd, "/up", RESOLVE_CREATE_NONE, 0, &err);
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &got), 0);
    assert_true(got.st_ino == want.st_ino && got.st_dev == want.st_dev);
    close(fd);

    /* /abs/a/b -> <rootfs>/etc/a/b, created component by component. */
    fd = resolve_in_root(rootfd, "/abs/a/b", RESOLVE_CREATE_DIR, 0700, &err);
    assert_true(fd >= 0);
    close(fd);
    snprintf(p, sizeof(p), "%s/etc/a/b", e->rootfs);
    assert_int_equal(stat(p, &got), 0);
    assert_true(S_ISDIR(got.st_mode) && (got.st_mode & 0777) == 0700);
    assert_int_equal(access("/etc/a/b", F_OK), -1);

    fd = resolve_in_root(rootfd, "up/up/newdir/file", RESOLVE_CREATE_FILE, 0600, &err);
    assert_true(fd >= 0);
    close(fd);
    snprintf(p, sizeof(p), "%s/newdir/file", e->rootfs);
    assert_int_equal(stat(p, &got), 0);
    assert_true(S_ISREG(got.st_mode));

    /* An absolute link to /proc/self/root stays in the rootfs (which has no proc)... */
    assert_int_equal(resolve_in_root(rootfd, "/self/etc", RESOLVE_CREATE_NONE, 0, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    /* ...and magic links are refused even where a procfs is present. */
    int hostroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(hostroot >= 0);
    assert_int_equal(resolve_in_root(hostroot, "/proc/self/root/etc", RESOLVE_CREATE_NONE, 0, &err),
                     -1);
    assert_int_equal(err->errnum, ELOOP);
    aisbx_error_free(&err);
    close(hostroot);
    /* Dangling symlinks are not followed out (nor created through). */
    assert_int_equal(resolve_in_root(rootfd, "/dangling/y", RESOLVE_CREATE_DIR, 0755, &err), -1);
    aisbx_error_free(&err);
    assert_int_equal(access("/nonexistent-dir", F_OK), -1);
    snprintf(p, sizeof(p), "%s/nonexistent-dir", e->rootfs);
    assert_int_equal(access(p, F_OK), -1);
    assert_int_equal(resolve_in_root(rootfd, "/missing", RESOLVE_CREATE_NONE, 0, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    close(rootfd);
}

static void test_sysctl_keys(void **state)
{
    aisbx_error *err = NULL;
    char *p = sysctl_key_path("net.ipv4.ip_forward", &err);
    assert_string_equal(p, "net/ipv4/ip_forward");
    free(p);
    static const char *const bad[] = {"",     "..",   "net..ipv4",     "net/ipv4",
                                      ".net", "net.", "kernel.../../x"};
    for (size_t i = 0; i < NELEM(bad); i++) {
        assert_null(sysctl_key_path(bad[i], &err));
        assert_int_equal(err->errnum, EINVAL);
        aisbx_error_free(&err);
    }
    struct spec_kv kv[] = {{"net/../../kernel/hostname", "x"}};
    struct spec_kvlist l = {.v = kv, .n = 1};
    assert_int_equal(sysctl_apply(&l, &err), -1);
    assert_int_equal(err->errnum, EINVAL);
    aisbx_error_free(&err);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_rootfs_units needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mount_options),
        cmocka_unit_test(test_sysctl_keys),
        cmocka_unit_test_setup_teardown(test_resolve_in_root, env_setup, env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
