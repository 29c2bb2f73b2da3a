/* cgroup module tests on the real kernel (root): whatever version the host
 * runs (v1 hybrid here, v2 in hack/v2-lane.sh). Every test works below a
 * unique /aisbx-test-<pid> cgroup and removes it, killing its children. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_internal.h"

/* O_PATH fd of the v2 cgroup dir (what clone3 CLONE_INTO_CGROUP takes); -1
 * with err on v1. The runtime forks with SYS_clone, so only the tests use it. */
static int open_v2_dir(const char *path, aisbx_error **err)
{
    /* paths here are the test's own: no cg_check_path (private to the facade) */
    if (cgroup_version() != CGROUP_V2)
        return aisbx_error_make(err, EOPNOTSUPP, "not a cgroup v2 host");
    char *dir = cg_v2_dir(path);
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        aisbx_error_make(err, errno, "open cgroup %s", dir);
    free(dir);
    return fd;
}

/* The cgroup directory exists (v1: in any used hierarchy). */
static bool cg_exists(const char *path)
{
    if (cgroup_version() == CGROUP_V2) {
        char *dir = cg_v2_dir(path);
        bool r = access(dir, F_OK) == 0;
        free(dir);
        return r;
    }
    struct cg_hier *h = NULL;
    size_t n = 0;
    bool found = false;
    if (cg_v1_hierarchies(&h, &n, NULL) < 0)
        return false;
    for (size_t i = 0; i < n && !found; i++) {
        char *dir = xasprintf("%s%s", h[i].mount, path);
        found = access(dir, F_OK) == 0;
        free(dir);
    }
    cg_v1_hierarchies_free(h, n);
    return found;
}

static char base[64], path[96];
static pid_t child = -1;

static bool v2(void)
{
    return cgroup_version() == CGROUP_V2;
}

static int setup(void **state)
{
    snprintf(base, sizeof(base), "/aisbx-test-%d", (int)getpid());
    snprintf(path, sizeof(path), "%s/c1", base);
    child = -1;
    return 0;
}

static int teardown(void **state)
{
    if (child > 0) {
        kill(child, SIGKILL);
        aisbx_error *e = NULL;
        cgroup_freeze(path, false, &e); /* a frozen child cannot die */
        aisbx_error_free(&e);
        waitpid(child, NULL, 0);
        child = -1;
    }
    aisbx_error *e = NULL;
    cgroup_destroy(path, &e);
    aisbx_error_free(&e);
    cgroup_destroy(base, &e);
    aisbx_error_free(&e);
    return 0;
}

#define ASSERT_OK(call)                                                                            \
    do {                                                                                           \
        aisbx_error *e_ = NULL;                                                                    \
        if ((call) < 0)                                                                            \
            fail_msg("%s: %s", #call, e_ ? e_->msg : "(no error)");                                \
        aisbx_error_free(&e_);                                                                     \
    } while (0)
/* ASSERT_OK's calls name their error argument &e_. */

/* The file of controller ctl (v1) or of the v2 dir, trailing newline cut. */
static char *cg_file(const char *ctl, const char *p, const char *file)
{
    char *dir = v2() ? cg_v2_dir(p) : cg_v1_dir(ctl, p);
    assert_non_null(dir);
    int fd = open(dir, O_PATH | O_DIRECTORY);
    free(dir);
    if (fd < 0)
        return NULL;
    char *v = NULL;
    int r = cg_read(fd, file, &v);
    close(fd);
    return r < 0 ? NULL : v;
}

static void assert_file(const char *ctl, const char *p, const char *file, const char *want)
{
    char *v = cg_file(ctl, p, file);
    if (!v || strcmp(v, want) != 0)
        fail_msg("%s %s: got '%s', want '%s'", p, file, v ? v : "(unreadable)", want);
    free(v);
}

/* Every directory of p (v1: in each hierarchy) exists / is gone. */
static void assert_dirs(const char *p, bool exist)
{
    if (v2()) {
        char *d = cg_v2_dir(p);
        if ((access(d, F_OK) == 0) != exist)
            fail_msg("%s: exists=%d", d, !exist);
        free(d);
        return;
    }
    struct cg_hier *h = NULL;
    size_t n = 0;
    assert_int_equal(cg_v1_hierarchies(&h, &n, NULL), 0);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        char *d = xasprintf("%s%s", h[i].mount, p);
        if ((access(d, F_OK) == 0) != exist)
            fail_msg("%s: exists=%d", d, !exist);
        free(d);
    }
    cg_v1_hierarchies_free(h, n);
}

/* ---- path resolution ----------------------------------------------------- */

static char *own_base(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512];
    char *res = NULL;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        char *c1 = strchr(line, ':'), *c2 = strchr(c1 + 1, ':');
        *c2 = 0;
        bool match = v2() ? c1[1] == 0 : strstr(c1 + 1, "pids") != NULL;
        if (match)
            res = strdup(c2 + 1);
    }
    fclose(f);
    assert_non_null(res);
    if (v2()) {
        char *s = strrchr(res, '/');
        *(s == res ? s + 1 : s) = 0;
    }
    if (strcmp(res, "/") == 0)
        res[0] = 0;
    return res;
}

static void test_resolve_path(void **state)
{
    char *p = cgroup_resolve_path("/docker/abc", "abc");
    assert_string_equal(p, "/docker/abc");
    free(p);
    p = cgroup_resolve_path("/a//b/./c/", "x");
    assert_string_equal(p, "/a/b/c");
    free(p);
    p = cgroup_resolve_path(NULL, "myid");
    assert_string_equal(p, "/aisbx/myid");
    free(p);
    p = cgroup_resolve_path("", "myid");
    assert_string_equal(p, "/aisbx/myid");
    free(p);
    char *own = own_base(), *want = xasprintf("%s/foo/bar", own);
    p = cgroup_resolve_path("foo/bar", "x");
    assert_string_equal(p, want);
    free(p);
    free(want);
    free(own);
    assert_null(cgroup_resolve_path("/a/../b", "x"));
    assert_int_equal(errno, EINVAL);
    assert_null(cgroup_resolve_path("foo/..", "x"));
    assert_null(cgroup_resolve_path("..", "x"));
    assert_null(cgroup_resolve_path(NULL, "a/b"));
    aisbx_error *e = NULL;
    assert_int_equal(cgroup_create("/x/../y", NULL, 0, &e), -1);
    assert_non_null(e);
    aisbx_error_free(&e);
    assert_int_equal(cgroup_create("rel", NULL, 0, &e), -1);
    aisbx_error_free(&e);
}

static void test_version(void **state)
{
    int v = cgroup_version();
    assert_true(v == CGROUP_V1 || v == CGROUP_V2);
    aisbx_error *e = NULL;
    int fd = open_v2_dir("/", &e);
    if (v == CGROUP_V2) {
        assert_true(fd >= 0);
        close(fd);
    } else {
        assert_int_equal(fd, -1);
        assert_non_null(e);
    }
    aisbx_error_free(&e);
    fprintf(stderr, "cgroup version %d\n", v);
}

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
    ASSERT_OK(cgroup_update(path, &z, &e_));
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
    ASSERT_OK(cgroup_update(path, &z, &e_));
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
        assert_int_equal(cgroup_update(path, &l, &e), -1);
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

    ASSERT_OK(cgroup_destroy(path, &e_));
    assert_dirs(path, false);
    assert_false(cg_exists(path));
    ASSERT_OK(cgroup_destroy(path, &e_)); /* ENOENT is success */
    ASSERT_OK(cgroup_destroy(base, &e_));
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
    ASSERT_OK(cgroup_destroy(base, &e_));
    assert_dirs(base, false);
}

/* ---- devices --------------------------------------------------------------- */

static int try_open(const char *p, int flags)
{
    int fd = open(p, flags);
    if (fd < 0)
        return errno;
    close(fd);
    return 0;
}

static void test_devices(void **state)
{
    struct spec_device_cgroup rules[] = {
        {.allow = false, .access = "rwm"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 3,
         .access = "rwm"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 5,
         .access = "r"},
        {.allow = true,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 8,
         .access = "rw"},
        {.allow = false,
         .type = "c",
         .has_major = true,
         .major = 1,
         .has_minor = true,
         .minor = 8,
         .access = "w"}, /* later rules win: /dev/random is read-only */
    };
    struct spec_resources r = {.devices = rules, .n_devices = 5};
    int p[2];
    assert_int_equal(pipe(p), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char c;
        close(p[1]);
        if (read(p[0], &c, 1) != 1)
            _exit(100);
        int code = 0;
        code |= try_open("/dev/null", O_RDWR) != 0;
        code |= (try_open("/dev/zero", O_RDONLY) != 0) << 1;
        code |= (try_open("/dev/zero", O_WRONLY) != EPERM) << 2;
        code |= (try_open("/dev/full", O_RDONLY) != EPERM) << 3;
        code |= (try_open("/dev/random", O_RDONLY) != 0) << 4;
        code |= (try_open("/dev/random", O_WRONLY) != EPERM) << 5;
        _exit(code);
    }
    close(p[0]);
    ASSERT_OK(cgroup_create(path, &r, child, &e_));
    assert_int_equal(write(p[1], "g", 1), 1);
    close(p[1]);
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    child = -1;
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) != 0)
        fail_msg("device checks failed, bits 0x%x", WEXITSTATUS(st));
    ASSERT_OK(cgroup_destroy(base, &e_));
}

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
    ASSERT_OK(cgroup_destroy(base, &e_));
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
    ASSERT_OK(cgroup_update(path, &u, &e_));
    sw = cg_file(NULL, path, "memory.swap.max");
    if (sw)
        assert_string_equal(sw, "16777216");
    free(sw);

    /* Keys naming other directories are refused. */
    struct spec_kv bad = {.key = "../cgroup.procs", .value = "1"};
    struct spec_resources rb = {.unified = {.v = &bad, .n = 1}};
    aisbx_error *e = NULL;
    assert_int_equal(cgroup_update(path, &rb, &e), -1);
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
    ASSERT_OK(cgroup_destroy(base, &e_));
    assert_dirs(base, false);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_term, setup, teardown),
        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_controller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v2_specifics, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
