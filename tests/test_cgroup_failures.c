/* cgroup: failures (rollback, missing controllers) and the v2 specifics. */
#include "tests/cgroup_helpers.h"

/* ---- failures ------------------------------------------------------------ */

static void test_create_rollback(void **state)
{
    /* A bad value after the directories exist: create must remove them. */
    struct spec_kv kv = {.key = "../escape", .value = "1"};
    struct spec_pids pids = {.has_limit = true, .limit = 10};
    struct spec_resources r = {.pids = &pids, .unified = {.v = &kv, .n = 1}};
    aisbx_error *e = NULL;
    assert_int_equal(cgroup_create(path, &r, 0, &e), -1);
    assert_non_null(e);
    aisbx_error_free(&e);
    assert_dirs(base, false);

    struct spec_memory m = {.has_swappiness = true, .swappiness = 500};
    struct spec_resources r2 = {.memory = &m};
    if (!v2()) {
        assert_int_equal(cgroup_create(path, &r2, 0, &e), -1);
        aisbx_error_free(&e);
        assert_dirs(base, false);
    }
    /* A plain docker-like config works on any host. */
    struct spec_cpu cpu = {.has_shares = true, .shares = 0};
    struct spec_blkio blk = {.has_weight = true, .weight = 0};
    struct spec_network_resources net = {0};
    struct spec_hugepage_limit hp = {.page_size = "2MB", .limit = 0};
    struct spec_resources plain = {.cpu = &cpu,
                                   .block_io = &blk,
                                   .network = &net,
                                   .hugepage_limits = &hp,
                                   .n_hugepage_limits = 1};
    ASSERT_OK(cgroup_create(path, &plain, 0, &e_));
    ASSERT_OK(cgroup_destroy(base, false, &e_));
    assert_dirs(base, false);
}

/* Resources the host lacks are an error only when non-default. */
static void test_missing_controller(void **state)
{
    aisbx_error *e = NULL;
    struct spec_network_resources net = {.has_class_id = true, .class_id = 0x100001};
    struct spec_resources r = {.network = &net};
    char *cls = v2() ? NULL : cg_v1_dir("net_cls", "/");
    if (v2() || !cls) {
        assert_int_equal(cgroup_create(path, &r, 0, &e), -1);
        assert_non_null(strstr(e->msg, "not supported"));
        aisbx_error_free(&e);
        assert_dirs(base, false);
    }
    free(cls);
    char *hug = v2() ? NULL : cg_v1_dir("hugetlb", "/");
    if (!v2() && !hug) {
        struct spec_hugepage_limit hp = {.page_size = "2MB", .limit = 4 << 20};
        struct spec_resources r2 = {.hugepage_limits = &hp, .n_hugepage_limits = 1};
        assert_int_equal(cgroup_create(path, &r2, 0, &e), -1);
        assert_non_null(strstr(e->msg, "not supported"));
        aisbx_error_free(&e);
        assert_dirs(base, false);
    }
    free(hug);
}

/* v2 only: runc's conversions, unified keys, clone3 into the cgroup. */
static void test_v2_specifics(void **state)
{
    if (!v2())
        skip();
    struct spec_memory mem = {
        .has_limit = true, .limit = 64 << 20, .has_swap = true, .swap = 96 << 20};
    struct spec_blkio blk = {.has_weight = true, .weight = 500};
    struct spec_hugepage_limit hp = {.page_size = "2MB", .limit = 4 << 20};
    struct spec_kv kv[] = {{.key = "pids.max", .value = "42"},
                           {.key = "memory.high", .value = "50331648"}};
    struct spec_cpu cpu = {.has_quota = true,
                           .quota = -1,
                           .has_period = true,
                           .period = 50000,
                           .has_idle = true,
                           .idle = 0};
    struct spec_resources r = {.memory = &mem,
                               .block_io = &blk,
                               .cpu = &cpu,
                               .hugepage_limits = &hp,
                               .n_hugepage_limits = 1,
                               .unified = {.v = kv, .n = 2}};
    ASSERT_OK(cgroup_create(path, &r, 0, &e_));
    assert_file(NULL, path, "memory.max", "67108864");
    char *sw = cg_file(NULL, path, "memory.swap.max");
    if (sw)
        assert_string_equal(sw, "33554432");
    free(sw);
    assert_file(NULL, path, "pids.max", "42");
    assert_file(NULL, path, "memory.high", "50331648");
    assert_file(NULL, path, "hugetlb.2MB.max", "4194304");
    assert_file(NULL, path, "cpu.max", "max 50000");
    char *w = cg_file(NULL, path, "io.bfq.weight");
    if (!w) {
        w = cg_file(NULL, path, "io.weight");
        assert_non_null(w);
        assert_string_equal(w, "default 4950"); /* 1 + (500-10)*9999/990 */
    }
    free(w);

    /* An update of swap alone converts against the current memory.max. */
    struct spec_memory m2 = {.has_swap = true, .swap = 80 << 20};
    struct spec_resources u = {.memory = &m2};
    ASSERT_OK(cgroup_update(path, false, &u, &e_));
    sw = cg_file(NULL, path, "memory.swap.max");
    if (sw)
        assert_string_equal(sw, "16777216");
    free(sw);

    /* Keys naming other directories are refused. */
    struct spec_kv bad = {.key = "../cgroup.procs", .value = "1"};
    struct spec_resources rb = {.unified = {.v = &bad, .n = 1}};
    aisbx_error *e = NULL;
    assert_int_equal(cgroup_update(path, false, &rb, &e), -1);
    aisbx_error_free(&e);

    /* clone3(CLONE_INTO_CGROUP) with the fd open_v2_dir gives. */
    int fd = open_v2_dir(path, &e);
    assert_true(fd >= 0);
    struct clone_args ca = {
        .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)fd};
    pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
    assert_true(pid >= 0);
    if (pid == 0) {
        char buf[256] = "", want[128];
        FILE *f = fopen("/proc/self/cgroup", "r");
        if (!f || !fgets(buf, sizeof(buf), f))
            _exit(1);
        snprintf(want, sizeof(want), "0::%s\n", path);
        _exit(strcmp(buf, want) == 0 ? 0 : 2);
    }
    close(fd);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    ASSERT_OK(cgroup_destroy(base, false, &e_));
    assert_dirs(base, false);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup_failures: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_controller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v2_specifics, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
