/* cgroup: path resolution and the host's cgroup version. */
#include "tests/cgroup_helpers.h"

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

int main(void)
{
    if (geteuid() != 0) {
        fprintf(stderr, "test_cgroup_paths: needs root\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resolve_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
