/* `events`: the cgroup file parsers (runtime/cgroup/cgroup_stats_parse.h)
 * fed the kernel's own formats, runc's JSON shape of the events
 * (specs/stats.h) and the verdict's wording (runtime/lifecycle/verdict.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/cgroup/cgroup_stats_parse.h"
#include "runtime/lifecycle/verdict.h"
#include "specs/json.h"
#include "specs/stats.h"

static void test_u64(void **state)
{
    uint64_t v = 7;
    assert_int_equal(cg_parse_u64("1073741824\n", &v), 0);
    assert_int_equal(v, 1073741824);
    assert_int_equal(cg_parse_u64("max", &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(cg_parse_u64("18446744073709551615", &v), 0);
    assert_true(v == UINT64_MAX);
    const char *bad[] = {"", "-1", "12a", " 1", "18446744073709551616", "maxx"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = 7;
        errno = 0;
        assert_int_equal(cg_parse_u64(bad[i], &v), -1);
        assert_int_equal(errno, EINVAL);
        assert_int_equal(v, 7);
    }
}

static void map_free(struct spec_u64_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].key);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

/* pids.events (v1 and v2), memory.events (v2), memory.oom_control (v1). */
static void test_keyed_counters(void **state)
{
    struct spec_u64_map m = {0};
    bool found = false;
    assert_int_equal(cg_parse_keyed("max 312\n", &m), 0);
    assert_int_equal(spec_u64_map_get(&m, "max", &found), 312);
    assert_true(found);
    map_free(&m);
    /* 6.x kernels: pids.events has "max.imposed" too. */
    assert_int_equal(cg_parse_keyed("max 5\nmax.imposed 9\n", &m), 0);
    assert_int_equal(spec_u64_map_get(&m, "max", NULL), 5);
    assert_int_equal(spec_u64_map_get(&m, "max.imposed", NULL), 9);
    map_free(&m);
    assert_int_equal(
        cg_parse_keyed("low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n", &m), 0);
    assert_int_equal(spec_u64_map_get(&m, "oom_kill", NULL), 1);
    assert_int_equal(spec_u64_map_get(&m, "oom", NULL), 2);
    assert_int_equal(spec_u64_map_get(&m, "max", NULL), 17);
    assert_int_equal(spec_u64_map_get(&m, "absent", &found), 0);
    assert_false(found);
    map_free(&m);
    assert_int_equal(cg_parse_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", &m), 0);
    assert_int_equal(spec_u64_map_get(&m, "oom_kill", NULL), 3);
    map_free(&m);
    /* memory.stat: many keys; empty file is no keys. */
    assert_int_equal(cg_parse_keyed("cache 4096\nrss 8192\ntotal_cache 4096\n", &m), 0);
    assert_int_equal(m.n, 3);
    map_free(&m);
    assert_int_equal(cg_parse_keyed("", &m), 0);
    assert_int_equal(m.n, 0);
    const char *bad[] = {"max\n", "max 1 2\n", "max x\n", "max -1\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cg_parse_keyed(bad[i], &m), -1);
        map_free(&m);
    }
}

static void test_lists(void **state)
{
    struct spec_u64_list l = {0};
    assert_int_equal(cg_parse_u64_list("3295308 1122113 \n", &l), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0], 3295308);
    assert_int_equal(l.v[1], 1122113);
    free(l.v);
    memset(&l, 0, sizeof(l));
    assert_int_equal(cg_parse_u64_list("1 x 2", &l), -1);
    assert_int_equal(l.n, 0); /* nothing half-added */
    assert_int_equal(cg_parse_cpu_list("0-3,8,10-11\n", &l), 0);
    uint64_t want[] = {0, 1, 2, 3, 8, 10, 11};
    assert_int_equal(l.n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(l.v[i], want[i]);
    free(l.v);
    memset(&l, 0, sizeof(l));
    assert_int_equal(cg_parse_cpu_list("", &l), 0); /* an empty cpuset */
    assert_int_equal(l.n, 0);
    const char *bad[] = {"3-1", "a", "1-", "-1", "0-99999999", "1,,2x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cg_parse_cpu_list(bad[i], &l), -1);
        assert_int_equal(l.n, 0);
    }
}

static void test_usage_all(void **state)
{
    struct spec_u64_list u = {0}, k = {0};
    assert_int_equal(cg_parse_usage_all("cpu user system\n0 5629 2172\n1 5958 2383\n", &u, &k), 0);
    assert_int_equal(u.n, 2);
    assert_int_equal(u.v[1], 5958);
    assert_int_equal(k.v[0], 2172);
    free(u.v);
    free(k.v);
    memset(&u, 0, sizeof(u));
    memset(&k, 0, sizeof(k));
    assert_int_equal(cg_parse_usage_all("0 1 2\n", &u, &k), -1); /* no header */
    assert_int_equal(cg_parse_usage_all("cpu user system\n0 1\n", &u, &k), -1);
    assert_int_equal(u.n + k.n, 0);
}

static void test_blkio_v1(void **state)
{
    struct spec_blkio_list l = {0};
    assert_int_equal(cg_parse_blkio_v1("8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n"
                                       "8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n",
                                       &l),
                     0);
    assert_int_equal(l.n, 6);
    assert_int_equal(l.v[0].major, 8);
    assert_int_equal(l.v[0].minor, 0);
    assert_string_equal(l.v[0].op, "Read");
    assert_int_equal(l.v[1].value, 8192);
    free(l.v);
    memset(&l, 0, sizeof(l));
    /* blkio.time_recursive / sectors_recursive: no op column. */
    assert_int_equal(cg_parse_blkio_v1("253:1 77\n", &l), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].minor, 1);
    assert_string_equal(l.v[0].op, "");
    assert_int_equal(l.v[0].value, 77);
    free(l.v);
    memset(&l, 0, sizeof(l));
    assert_int_equal(cg_parse_blkio_v1("", &l), 0);
    assert_int_equal(cg_parse_blkio_v1("8-0 Read 1\n", &l), -1);
    assert_int_equal(cg_parse_blkio_v1("8:0 Read x\n", &l), -1);
    assert_int_equal(l.n, 0);
}

static void test_io_stat(void **state)
{
    struct spec_blkio_list b = {0}, o = {0};
    assert_int_equal(
        cg_parse_io_stat("8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 "
                         "dios=0\n254:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n",
                         &b, &o),
        0);
    assert_int_equal(b.n, 4);
    assert_int_equal(o.n, 4);
    assert_int_equal(b.v[0].major, 8);
    assert_int_equal(b.v[0].minor, 16);
    assert_string_equal(b.v[0].op, "Read");
    assert_int_equal(b.v[0].value, 1459200);
    assert_string_equal(b.v[1].op, "Write");
    assert_int_equal(b.v[1].value, 314773504);
    assert_string_equal(o.v[1].op, "Write");
    assert_int_equal(o.v[1].value, 353);
    assert_int_equal(o.v[2].major, 254);
    free(b.v);
    free(o.v);
    memset(&b, 0, sizeof(b));
    memset(&o, 0, sizeof(o));
    assert_int_equal(cg_parse_io_stat("8:16 rbytes\n", &b, &o), -1);
    assert_int_equal(cg_parse_io_stat("x rbytes=1\n", &b, &o), -1);
    assert_int_equal(b.n + o.n, 0);
}

/* The emitted JSON parses, and has runc's members: omitted when Go's
 * omitempty/omitzero would omit them, present when it would not. */
static void test_stats_json(void **state)
{
    struct spec_stats s = {0};
    char *out = NULL;
    size_t len = 0;
    aisbx_error *e = NULL;
    s.pids.current = 3;
    s.memory.usage.limit = 1073741824;
    s.memory.usage.usage = 700416;
    spec_u64_map_set(&s.memory.raw, "rss", 53248);
    spec_u64_map_set(&s.memory.raw, "cache", 0);
    spec_blkio_push(&s.blkio[BLKIO_SERVICE_BYTES], 8, 0, "Read", 4096);
    assert_int_equal(spec_event_stats_generate("c1", &s, &out, &len, &e), 0);
    assert_null(strchr(out, '\n'));
    assert_non_null(strstr(out, "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{},"));
    assert_non_null(strstr(out, "\"pids\":{\"current\":3}"));
    assert_non_null(strstr(out, "\"usage\":{\"limit\":1073741824,\"usage\":700416,\"failcnt\":0}"));
    assert_null(strstr(out, "\"swap\""));                                /* omitzero */
    assert_non_null(strstr(out, "\"raw\":{\"cache\":0,\"rss\":53248}")); /* sorted */
    assert_non_null(strstr(out, "\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\","
                                "\"value\":4096}]"));
    assert_non_null(strstr(out, "\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}}"));
    json_node *tree = NULL;
    assert_int_equal(json_parse(out, len, 1 << 20, "event", &tree, &e), 0);
    json_free(tree);
    free(out);
    spec_stats_free(&s);
}

static void test_count_events(void **state)
{
    char *out = NULL;
    size_t len = 0;
    aisbx_error *e = NULL;
    assert_int_equal(spec_event_count_generate("oom", "x", false, 0, &out, &len, &e), 0);
    assert_string_equal(out, "{\"type\":\"oom\",\"id\":\"x\"}");
    free(out);
    assert_int_equal(spec_event_count_generate("pids-limit", "x", true, 312, &out, &len, &e), 0);
    assert_string_equal(out, "{\"type\":\"pids-limit\",\"id\":\"x\",\"data\":{\"count\":312}}");
    free(out);
    char *ch[] = {"pids: linux.resources.pids.limit: (absent) -> 256", "a \"quoted\" one"};
    assert_int_equal(spec_event_overlay_generate("x", ch, 2, &out, &len, &e), 0);
    assert_string_equal(out, "{\"type\":\"overlay\",\"id\":\"x\",\"data\":{\"changes\":[\"pids: "
                             "linux.resources.pids.limit: (absent) -> 256\",\"a \\\"quoted\\\" "
                             "one\"]}}");
    free(out);
}

static void test_verdict_text(void **state)
{
    struct cgroup_counters c = {
        .pids_max = 312, .oom_kill = 1, .has_pids = true, .has_oom_kill = true};
    char *t = verdict_text(&c, 137);
    assert_string_equal(t, "pids cap hit 312 times; 1 OOM kill; exit status 137");
    free(t);
    c.pids_max = 1;
    c.oom_kill = 0;
    t = verdict_text(&c, -1);
    assert_string_equal(t, "pids cap hit 1 time; 0 OOM kills");
    free(t);
    c.has_pids = false; /* no pids.events on this kernel: left out, not "0" */
    t = verdict_text(&c, 0);
    assert_string_equal(t, "0 OOM kills; exit status 0");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_u64),          cmocka_unit_test(test_keyed_counters),
        cmocka_unit_test(test_lists),        cmocka_unit_test(test_usage_all),
        cmocka_unit_test(test_blkio_v1),     cmocka_unit_test(test_io_stat),
        cmocka_unit_test(test_stats_json),   cmocka_unit_test(test_count_events),
        cmocka_unit_test(test_verdict_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
