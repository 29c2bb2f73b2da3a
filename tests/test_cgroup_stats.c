/* cgroup stats on the real kernel (v1 here, v2 in the v2 lane, which runs
 * every tests/test_cgroup_*.c): what cgroup_stats reports is what the
 * files say, the floor's counters count refused forks and OOM kills, and
 * the OOM fd wakes up on an OOM kill. */
#include <poll.h>

#include "runtime/cgroup/cgroup_stats.h"
#include "tests/cgroup_helpers.h"

/* A child that waits for a byte on *go, then: 'f' tries three forks and
 * writes how many failed; 'm' touches 64 MiB. Then it waits to be killed. */
static pid_t spawn_worker(int *go, int *ready)
{
    int p1[2], p2[2];
    assert_int_equal(pipe(p1), 0);
    assert_int_equal(pipe(p2), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char c, failed = 0;
        close(p1[1]);
        close(p2[0]);
        if (read(p1[0], &c, 1) != 1)
            _exit(1);
        if (c == 'f') {
            for (int i = 0; i < 3; i++) {
                pid_t k = fork();
                if (k == 0)
                    _exit(0);
                if (k < 0 && errno == EAGAIN)
                    failed++;
                else if (k > 0)
                    waitpid(k, NULL, 0);
            }
        } else if (c == 'm') {
            size_t sz = 64u << 20;
            char *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED)
                _exit(2);
            memset(m, 1, sz);
        }
        if (write(p2[1], &failed, 1) != 1)
            _exit(3);
        pause();
        _exit(0);
    }
    close(p1[0]);
    close(p2[1]);
    *go = p1[1];
    *ready = p2[0];
    return pid;
}

static uint64_t file_u64(const char *ctl, const char *file)
{
    char *v = cg_file(ctl, path, file);
    assert_non_null(v);
    uint64_t x = strcmp(v, "max") == 0 ? UINT64_MAX : strtoull(v, NULL, 10);
    free(v);
    return x;
}

static void test_stats_and_pids_counter(void **state)
{
    /* pids.max 1: the worker is the one process, every fork it tries is refused. */
    struct spec_pids pids = {.has_limit = true, .limit = 1};
    struct spec_memory mem = {.has_limit = true, .limit = 64 << 20};
    struct spec_resources r = {.pids = &pids, .memory = &mem};
    ASSERT_OK(cgroup_create(path, &r, 0, &e_));
    struct cgroup_counters c;
    ASSERT_OK(cgroup_counters(path, &c, &e_));
    assert_true(c.has_pids);
    assert_true(c.has_oom_kill);
    assert_int_equal(c.pids_max, 0);
    assert_int_equal(c.oom_kill, 0);

    int go, ready;
    char failed = 0;
    child = spawn_worker(&go, &ready);
    ASSERT_OK(cgroup_enter(path, child, &e_));
    assert_int_equal(write(go, "f", 1), 1);
    assert_int_equal(read(ready, &failed, 1), 1);
    close(go);
    close(ready);
    assert_int_equal(failed, 3);
    ASSERT_OK(cgroup_counters(path, &c, &e_));
    assert_int_equal(c.pids_max, 3);
    assert_int_equal(c.oom_kill, 0);

    struct spec_stats s;
    ASSERT_OK(cgroup_stats(path, &s, &e_));
    assert_int_equal(s.pids.current, 1);
    assert_int_equal(s.pids.limit, 1);
    assert_int_equal(s.pids.current, file_u64("pids", "pids.current"));
    assert_int_equal(s.memory.usage.limit, 64 << 20);
    assert_true(s.memory.usage.usage > 0);
    assert_true(s.memory.raw.n > 0);
    assert_true(s.cpu.total > 0); /* three forks */
    if (v2()) {
        assert_int_equal(s.memory.usage.usage, file_u64(NULL, "memory.current"));
    } else {
        assert_int_equal(s.memory.usage.failcnt, file_u64("memory", "memory.failcnt"));
        assert_int_equal(s.cpu.percpu.n, s.cpu.percpu_user.n);
        assert_true(s.cpuset.cpus.n > 0);
    }
    spec_stats_free(&s);
}

static void test_oom_kill_counter_and_fd(void **state)
{
    /* No swap beyond the limit, so 64 MiB in a 16 MiB cgroup is an OOM kill. */
    struct spec_memory mem = {
        .has_limit = true, .limit = 16 << 20, .has_swap = true, .swap = 16 << 20};
    struct spec_resources r = {.memory = &mem};
    ASSERT_OK(cgroup_create(path, &r, 0, &e_));
    int fd = -1;
    ASSERT_OK(cgroup_oom_watch(path, &fd, &e_));
    assert_true(fd >= 0);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 0); /* nothing yet */

    int go, ready, st;
    child = spawn_worker(&go, &ready);
    ASSERT_OK(cgroup_enter(path, child, &e_));
    assert_int_equal(write(go, "m", 1), 1);
    assert_int_equal(waitpid(child, &st, 0), child);
    child = -1;
    close(go);
    close(ready);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGKILL);
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_true(p.revents & POLLIN);
    cgroup_oom_watch_drain(fd);
    close(fd);
    struct cgroup_counters c;
    ASSERT_OK(cgroup_counters(path, &c, &e_));
    assert_int_equal(c.oom_kill, 1);
    if (v2())
        assert_true(c.oom >= 1);
}

static void test_gone_cgroup_is_an_error(void **state)
{
    struct spec_stats s;
    struct cgroup_counters c;
    aisbx_error *e = NULL;
    assert_int_equal(cgroup_stats(path, &s, &e), -1);
    assert_non_null(e);
    assert_non_null(strstr(e->msg, path));
    aisbx_error_free(&e);
    assert_int_equal(cgroup_stats("/a/../b", &s, &e), -1);
    aisbx_error_free(&e);
    assert_int_equal(cgroup_counters("relative", &c, &e), -1);
    aisbx_error_free(&e);
}

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup_stats: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stats_and_pids_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oom_kill_counter_and_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gone_cgroup_is_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
