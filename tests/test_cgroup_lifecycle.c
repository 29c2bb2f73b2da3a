/* cgroup: the lifecycle (create, limits, freeze, kill, destroy),
 * kill_all with a catchable signal, and a hybrid host's unified hierarchy. */
#include "tests/cgroup_helpers.h"

/* ---- lifecycle ------------------------------------------------------------- */

/* A child that waits for a byte on fd, then touches mb MiB and spins. */
static pid_t spawn_spinner(int *go, int *ready)
{
    int p1[2], p2[2];
    assert_int_equal(pipe(p1), 0);
    assert_int_equal(pipe(p2), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c;
        close(p1[1]);
        close(p2[0]);
        if (read(p1[0], &c, 1) != 1)
            _exit(1);
        size_t sz = (size_t)c * 1024 * 1024;
        if (sz) {
            char *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED)
                _exit(2);
            memset(m, 1, sz);
        }
        if (write(p2[1], "k", 1) != 1)
            _exit(3);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    close(p1[0]);
    close(p2[1]);
    *go = p1[1];
    *ready = p2[0];
    return pid;
}

static char proc_state(pid_t pid)
{
    char f[64], buf[512];
    snprintf(f, sizeof(f), "/proc/%d/stat", (int)pid);
    FILE *fp = fopen(f, "r");
    if (!fp)
        return '?';
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p ? p[2] : '?';
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static bool no_swap(void)
{
    FILE *f = fopen("/proc/swaps", "r");
    char line[256];
    int lines = 0;
    if (!f)
        return true;
    while (fgets(line, sizeof(line), f))
        lines++;
    fclose(f);
    return lines <= 1;
}

static void test_lifecycle(void **state)
{
    struct spec_pids pids = {.has_limit = true, .limit = 100};
    struct spec_memory mem = {
        .has_limit = true, .limit = 64 << 20, .has_reservation = true, .reservation = 32 << 20};
    struct spec_cpu cpu = {.has_shares = true,
                           .shares = 512,
                           .has_quota = true,
                           .quota = 50000,
                           .has_period = true,
                           .period = 100000};
    struct spec_blkio blk = {0};
    struct spec_resources r = {.pids = &pids, .memory = &mem, .cpu = &cpu, .block_io = &blk};

    ASSERT_OK(cgroup_create(path, &r, 0, &e_));
    assert_dirs(path, true);
    assert_true(cg_exists(path));
    assert_file("pids", path, "pids.max", "100");
    if (v2()) {
        assert_file(NULL, path, "memory.max", "67108864");
        assert_file(NULL, path, "memory.low", "33554432");
        assert_file(NULL, path, "cpu.weight", "20");
        assert_file(NULL, path, "cpu.max", "50000 100000");
    } else {
        assert_file("memory", path, "memory.limit_in_bytes", "67108864");
        assert_file("memory", path, "memory.soft_limit_in_bytes", "33554432");
        assert_file("cpu", path, "cpu.shares", "512");
        assert_file("cpu", path, "cpu.cfs_quota_us", "50000");
        assert_file("cpu", path, "cpu.cfs_period_us", "100000");
        char *cpus = cg_file("cpuset", path, "cpuset.cpus");
        assert_non_null(cpus);
        assert_true(*cpus); /* copied from the parent */
        free(cpus);
    }
    int64_t max = 0;
    ASSERT_OK(cgroup_pids_max(path, &max, &e_));
    assert_int_equal(max, 100);

    int go, ready;
    child = spawn_spinner(&go, &ready);
    ASSERT_OK(cgroup_enter(path, child, &e_));
    char c = 16, k;
    assert_int_equal(write(go, &c, 1), 1);
    assert_int_equal(read(ready, &k, 1), 1);
    close(go);
    close(ready);

    pid_t *list = NULL;
    size_t n = 0;
    ASSERT_OK(cgroup_pids(path, &list, &n, &e_));
    assert_int_equal(n, 1);
    assert_int_equal(list[0], child);
    free(list);
    /* Processes of sub-cgroups are listed by the parent too. */
    ASSERT_OK(cgroup_pids(base, &list, &n, &e_));
    assert_int_equal(n, 1);
    free(list);

    bool frozen = true;
    ASSERT_OK(cgroup_is_frozen(path, &frozen, &e_));
    assert_false(frozen);
    ASSERT_OK(cgroup_freeze(path, true, &e_));
    ASSERT_OK(cgroup_is_frozen(path, &frozen, &e_));
    assert_true(frozen);
    sleep_ms(50);
    for (int i = 0; i < 5; i++) {
        char s = proc_state(child);
        if (s == 'R')
            fail_msg("frozen child is running");
        sleep_ms(10);
    }
    ASSERT_OK(cgroup_freeze(path, false, &e_));
    ASSERT_OK(cgroup_is_frozen(path, &frozen, &e_));
    assert_false(frozen);
    bool ran = false;
    for (int i = 0; i < 200 && !ran; i++, sleep_ms(10))
        ran = proc_state(child) == 'R';
    assert_true(ran);

    /* Zeros (docker's "unset") leave everything as it was. */
    struct spec_pids zp = {.has_limit = true, .limit = 0};
    struct spec_memory zm = {.has_limit = true, .has_reservation = true, .has_kernel = true};
    struct spec_cpu zc = {.has_shares = true, .has_quota = true, .has_period = true};
    struct spec_blkio zb = {.has_weight = true};
    struct spec_resources z = {.pids = &zp, .memory = &zm, .cpu = &zc, .block_io = &zb};
    ASSERT_OK(cgroup_update(path, false, &z, &e_));
    assert_file("pids", path, "pids.max", "100");
    if (v2()) {
        assert_file(NULL, path, "memory.max", "67108864");
        assert_file(NULL, path, "cpu.weight", "20");
        assert_file(NULL, path, "cpu.max", "50000 100000");
    } else {
        assert_file("memory", path, "memory.limit_in_bytes", "67108864");
        assert_file("cpu", path, "cpu.shares", "512");
        assert_file("cpu", path, "cpu.cfs_quota_us", "50000");
    }
    /* Non-zero values change them; -1 is unlimited. */
    zp.limit = -1;
    zm.limit = 128 << 20;
    zc.shares = 1024;
    zc.period = 200000; /* quota stays */
    ASSERT_OK(cgroup_update(path, false, &z, &e_));
    assert_file("pids", path, "pids.max", "max");
    ASSERT_OK(cgroup_pids_max(path, &max, &e_));
    assert_int_equal(max, -1);
    if (v2()) {
        assert_file(NULL, path, "memory.max", "134217728");
        assert_file(NULL, path, "cpu.weight", "39");
        assert_file(NULL, path, "cpu.max", "50000 200000");
    } else {
        assert_file("memory", path, "memory.limit_in_bytes", "134217728");
        assert_file("cpu", path, "cpu.shares", "1024");
        assert_file("cpu", path, "cpu.cfs_period_us", "200000");
        assert_file("cpu", path, "cpu.cfs_quota_us", "50000");
    }
    /* Below current usage (the child holds 16 MiB, no swap): a clear error. */
    struct spec_memory lm = {.has_limit = true, .limit = 1 << 20};
    struct spec_resources l = {.memory = &lm};
    aisbx_error *e = NULL;
    if (no_swap()) {
        assert_int_equal(cgroup_update(path, false, &l, &e), -1);
        assert_non_null(e);
        assert_non_null(strstr(e->msg, "current usage"));
        aisbx_error_free(&e);
    }

    ASSERT_OK(cgroup_kill_all(path, SIGKILL, &e_));
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    child = -1;
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGKILL);

    ASSERT_OK(cgroup_destroy(path, false, &e_));
    assert_dirs(path, false);
    assert_false(cg_exists(path));
    ASSERT_OK(cgroup_destroy(path, false, &e_)); /* ENOENT is success */
    ASSERT_OK(cgroup_destroy(base, false, &e_));
    assert_dirs(base, false);
}

/* kill_all with a catchable signal reaches every process of the cgroup. */
static void test_kill_term(void **state)
{
    ASSERT_OK(cgroup_create(path, NULL, 0, &e_));
    int go, ready;
    child = spawn_spinner(&go, &ready);
    ASSERT_OK(cgroup_enter(path, child, &e_));
    char c = 0, k;
    assert_int_equal(write(go, &c, 1), 1);
    assert_int_equal(read(ready, &k, 1), 1);
    close(go);
    close(ready);
    ASSERT_OK(cgroup_kill_all(path, SIGTERM, &e_));
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    child = -1;
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGTERM);
    ASSERT_OK(cgroup_destroy(base, false, &e_));
    assert_dirs(base, false);
}

/* A hybrid host (v1 with cgroup2 mounted beside it): the unified hierarchy
 * is listed once, with no controller, and the driver makes, joins and
 * removes the same path there (runc's "" subsystem). Skipped elsewhere. */
static void test_hybrid_unified(void **state)
{
    struct cg_hier *h = NULL;
    size_t n = 0, unified = 0;
    if (v2()) {
        skip();
        return;
    }
    ASSERT_OK(cg_v1_hierarchies(&h, &n, &e_));
    const char *mount = NULL;
    for (size_t i = 0; i < n; i++)
        if (h[i].unified) {
            unified++;
            mount = h[i].mount;
            assert_string_equal(h[i].controllers, "");
        }
    if (!unified) {
        cg_v1_hierarchies_free(h, n);
        skip();
        return;
    }
    assert_int_equal(unified, 1);
    char *dir = xasprintf("%s%s", mount, path);
    cg_v1_hierarchies_free(h, n);
    ASSERT_OK(cgroup_create(path, NULL, 0, &e_));
    assert_int_equal(access(dir, F_OK), 0);
    int go, ready;
    child = spawn_spinner(&go, &ready);
    ASSERT_OK(cgroup_enter(path, child, &e_));
    char f[64], want[256], line[256] = "";
    snprintf(f, sizeof(f), "/proc/%d/cgroup", (int)child);
    snprintf(want, sizeof(want), "0::%s\n", path);
    FILE *fp = fopen(f, "r");
    assert_non_null(fp);
    bool found = false;
    while (fgets(line, sizeof(line), fp))
        found = found || strcmp(line, want) == 0;
    fclose(fp);
    if (!found)
        fail_msg("%s has no line %s", f, want);
    close(go);
    close(ready);
    ASSERT_OK(cgroup_kill_all(path, SIGKILL, &e_));
    assert_int_equal(waitpid(child, NULL, 0), child);
    child = -1;
    ASSERT_OK(cgroup_destroy(path, false, &e_));
    assert_int_not_equal(access(dir, F_OK), 0);
    free(dir);
    ASSERT_OK(cgroup_destroy(base, false, &e_));
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup_lifecycle: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hybrid_unified, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
