/* Root filesystem scenarios, mounts: binds, tmpfs, proc, sysctl, symlinks
 * that try to send a mount outside, recursive read-only, and the errors of
 * single mounts. */
#include "tests/rootfs_helpers.h"

/* ---- scenario: binds, tmpfs, proc, sysctl ------------------------------ */

static int check_basic(const struct scenario *s)
{
    char buf[256];
    struct statfs sf;
    CHECK(getpid() == 1, "pid %d", getpid());
    CHECK(read_file("/data/hello", buf, sizeof(buf)) > 0 && !strcmp(buf, "hello from host\n"),
          "bind content");
    CHECK(write_file("/data/new", "x") == 0, "rw bind writable");
    CHECK(unlink("/data/new") == 0, "cleanup rw bind");
    CHECK(read_file("/ro/hello", buf, sizeof(buf)) > 0, "ro bind readable");
    CHECK(write_file("/ro/new", "x") < 0 && errno == EROFS, "ro bind refuses writes");
    CHECK(read_file("/etc/hostfile", buf, sizeof(buf)) > 0 && !strcmp(buf, "host file\n"),
          "file bind");
    CHECK(statfs("/tmp", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "tmpfs at /tmp");
    CHECK((unsigned long long)sf.f_blocks * sf.f_bsize == 1024 * 1024, "tmpfs size %llu",
          (unsigned long long)sf.f_blocks * sf.f_bsize);
    CHECK(write_file("/tmp/x", "x") == 0, "tmpfs writable");
    ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
    CHECK(n > 0, "readlink /proc/self");
    buf[n] = '\0';
    CHECK(!strcmp(buf, "1"), "/proc/self is %s", buf);
    CHECK(statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC, "proc at /proc");
    CHECK(gethostname(buf, sizeof(buf)) == 0 && !strcmp(buf, "aisbx-sysctl"), "hostname %s", buf);
    /* rootfsPropagation "shared" was applied to "/" by finalize (until then
     * "/" stays private: pivot_root refuses shared mounts). */
    FILE *f = fopen("/proc/self/mountinfo", "re");
    CHECK(f != NULL, "open mountinfo");
    char line[1024];
    bool root_seen = false;
    while (fgets(line, sizeof(line), f)) {
        char mp[256];
        if (sscanf(line, "%*s %*s %*s %*s %255s", mp) == 1 && !strcmp(mp, "/")) {
            root_seen = true;
            if (!strstr(line, " shared:")) {
                fclose(f);
                CHECK(false, "/ not shared: %s", line);
            }
        }
    }
    fclose(f);
    CHECK(root_seen, "no / in mountinfo");
    /* The old root is gone: the host's temp dir is not reachable. */
    CHECK(access(s->env->tmp, F_OK) < 0, "host path %s visible", s->env->tmp);
    return 0;
}

/* Gives "/" a master (as on a systemd host, where / is shared): shared in
 * the scenario's namespace, then a second mount namespace whose copies are
 * peers of it; rootfs_prepare turns them into slaves ("master:N"). */
static int pre_mount_shared_root(const struct scenario *s)
{
    CHECK(mount("", "/", NULL, MS_SHARED | MS_REC, NULL) == 0, "make / shared");
    CHECK(unshare(CLONE_NEWNS) == 0, "second mount namespace");
    return 0;
}

static void test_basic_mounts(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/proc", .type = "proc", .source = "proc", .options = NOOPTS},
        {.destination = "/tmp",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("nosuid", "nodev", "size=1m", "mode=1777")},
        {.destination = "/data",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "rprivate")},
        {.destination = "/ro",
         .type = "none",
         .source = "hostdir", /* relative to the bundle */
         .options = OPTS("bind", "ro", "nosuid", "nodev")},
        {.destination = "/etc/hostfile",
         .type = "bind",
         .source = e->hostfile,
         .options = OPTS("bind", "ro")},
    };
    struct spec_kv kv[] = {{"kernel.hostname", "aisbx-sysctl"}};
    struct spec_linux l = {.sysctl = {.v = kv, .n = 1}, .rootfs_propagation = "shared"};
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {
        .root = &root, .mounts = mounts, .n_mounts = NELEM(mounts), .linux_ = &l};
    struct scenario s = {.env = e,
                         .cfg = &c,
                         .pre_mount = pre_mount_shared_root,
                         .check = check_basic,
                         .unshare_extra = CLONE_NEWUTS};
    run_scenario(&s);
}

/* ---- scenario: symlinks in the rootfs cannot send a mount outside -------- */

static int check_no_escape_pre_pivot(const struct scenario *s)
{
    char p[PATH_MAX + 64];
    struct stat st;
    /* etc -> / and x -> ../../.. : both must land inside the rootfs. */
    CHECK(stat("/aisbx-escape-1", &st) < 0 && errno == ENOENT, "host /aisbx-escape-1 created");
    CHECK(!is_mount_point("/aisbx-escape-1"), "mount on host /aisbx-escape-1");
    snprintf(p, sizeof(p), "%s/aisbx-escape-1", s->env->rootfs);
    CHECK(is_mount_point(p), "no mount at %s", p);
    snprintf(p, sizeof(p), "/tmp/aisbx-escape-2-%s", strrchr(s->env->tmp, '-') + 1);
    CHECK(stat(p, &st) < 0 && errno == ENOENT, "host %s created", p);
    CHECK(!is_mount_point(p), "mount on host %s", p);
    snprintf(p, sizeof(p), "%s/tmp/aisbx-escape-2-%s", s->env->rootfs,
             strrchr(s->env->tmp, '-') + 1);
    CHECK(is_mount_point(p), "no mount at %s", p);
    /* A bind whose target is the escaping symlink itself lands on the rootfs's /. */
    snprintf(p, sizeof(p), "%s/hello", s->env->rootfs);
    CHECK(access(p, F_OK) == 0, "bind onto x/../.. did not land on the rootfs");
    return 0;
}

static int check_no_escape(const struct scenario *s)
{
    struct statfs sf;
    CHECK(statfs("/aisbx-escape-1", &sf) == 0 && sf.f_type == TMPFS_MAGIC, "inside mount 1");
    return 0;
}

static void test_symlink_escape(void **state)
{
    struct env *e = *state;
    char p[PATH_MAX + 64], dest2[128];
    snprintf(p, sizeof(p), "%s/etc", e->rootfs);
    assert_int_equal(rmdir(p), 0);
    assert_int_equal(symlink("/", p), 0);
    snprintf(p, sizeof(p), "%s/x", e->rootfs);
    assert_int_equal(symlink("../../..", p), 0);
    snprintf(dest2, sizeof(dest2), "/x/tmp/aisbx-escape-2-%s", strrchr(e->tmp, '-') + 1);
    struct spec_mount mounts[] = {
        {.destination = "/etc/aisbx-escape-1",
         .type = "tmpfs",
         .source = "tmpfs",
         .options = OPTS("size=64k")},
        {.destination = dest2, .type = "tmpfs", .source = "tmpfs", .options = OPTS("size=64k")},
        {.destination = "/x/hello",
         .type = "bind",
         .source = e->hostfile,
         .options = OPTS("bind", "ro")},
    };
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root, .mounts = mounts, .n_mounts = NELEM(mounts)};
    struct scenario s = {
        .env = e, .cfg = &c, .pre_pivot = check_no_escape_pre_pivot, .check = check_no_escape};
    run_scenario(&s);
    /* And from the host's side: nothing was created outside. */
    assert_int_equal(access("/aisbx-escape-1", F_OK), -1);
    snprintf(p, sizeof(p), "/tmp/aisbx-escape-2-%s", strrchr(e->tmp, '-') + 1);
    assert_int_equal(access(p, F_OK), -1);
    assert_false(is_mount_point(p));
}

/* ---- scenario: recursive attributes (rro) via mount_setattr -------------- */

static int pre_mount_submount(const struct scenario *s)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/sub", s->env->hostdir);
    CHECK(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s", p);
    /* In the scenario's own mount namespace: the host never sees it. */
    CHECK(mount("tmpfs", p, "tmpfs", 0, "size=64k") == 0, "submount");
    snprintf(p, sizeof(p), "%s/sub/inner", s->env->hostdir);
    CHECK(write_file(p, "inner") == 0, "write inner");
    return 0;
}

static int check_rro(const struct scenario *s)
{
    char buf[64];
    CHECK(read_file("/rdata/sub/inner", buf, sizeof(buf)) > 0, "submount visible");
    CHECK(write_file("/rdata/new", "x") < 0 && errno == EROFS, "top not read-only");
    CHECK(write_file("/rdata/sub/new", "x") < 0 && errno == EROFS, "submount not read-only");
    /* Plain "ro" on an rbind is only the top mount (runc semantics). */
    CHECK(write_file("/pdata/new", "x") < 0 && errno == EROFS, "ro top");
    CHECK(write_file("/pdata/sub/new", "x") == 0, "ro is not recursive");
    return 0;
}

static void test_recursive_ro(void **state)
{
    struct env *e = *state;
    struct spec_mount mounts[] = {
        {.destination = "/rdata",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "rro", "rnosuid", "rprivate")},
        {.destination = "/pdata",
         .type = "bind",
         .source = e->hostdir,
         .options = OPTS("rbind", "ro")},
    };
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root, .mounts = mounts, .n_mounts = NELEM(mounts)};
    struct scenario s = {.env = e, .cfg = &c, .pre_mount = pre_mount_submount, .check = check_rro};
    run_scenario(&s);
}

/* ---- scenario: errors --------------------------------------------------- */

static int pre_pivot_errors(const struct scenario *s)
{
    aisbx_error *err = NULL;
    int rootfd = open(s->env->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(rootfd >= 0, "open rootfs");
    struct spec_mount idm = {.destination = "/idm",
                             .type = "bind",
                             .source = s->env->hostdir,
                             .options = OPTS("rbind", "idmap")};
    CHECK(rootfs_mount_one(&idm, rootfd, NULL, -1, NULL, &err) < 0 && err->errnum == ENOTSUP,
          "idmap accepted");
    CHECK(strstr(err->msg, "idmap") != NULL, "message: %s", err->msg);
    aisbx_error_free(&err);
    struct spec_mount bad = {.destination = "/bad",
                             .type = "tmpfs",
                             .source = "tmpfs",
                             .options = OPTS("size=notanumber")};
    CHECK(rootfs_mount_one(&bad, rootfd, NULL, -1, NULL, &err) < 0 && err->errnum == EINVAL,
          "bad tmpfs data accepted");
    aisbx_error_free(&err);
    struct spec_mount nosrc = {
        .destination = "/nosrc", .type = "bind", .source = "/nonexistent", .options = OPTS("bind")};
    CHECK(rootfs_mount_one(&nosrc, rootfd, NULL, -1, NULL, &err) < 0 && err->errnum == ENOENT,
          "missing bind source accepted");
    aisbx_error_free(&err);
    close(rootfd);
    return 0;
}

static void test_mount_errors(void **state)
{
    struct env *e = *state;
    struct spec_root root = {.path = "rootfs"};
    struct spec_config c = {.root = &root};
    struct scenario s = {.env = e, .cfg = &c, .pre_pivot = pre_pivot_errors};
    run_scenario(&s);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_rootfs_mounts needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic_mounts, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_symlink_escape, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_recursive_ro, env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_mount_errors, env_setup, env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
