/* specs/: the process object (exec --process), LinuxResources (update
 * --resources), the state file, the policy file, features and helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "specs/config.h"
#include "specs/features.h"
#include "specs/policy.h"
#include "specs/state.h"

#define ERR_IS(call, want)                                                                         \
    do {                                                                                           \
        aisbx_error *e_ = NULL;                                                                    \
        err_ = &e_;                                                                                \
        assert_int_equal((call), -1);                                                              \
        assert_non_null(e_);                                                                       \
        assert_string_equal(e_->msg, (want));                                                      \
        aisbx_error_free(&e_);                                                                     \
    } while (0)
static aisbx_error **err_;

static const char PROC[] =
    "{\"terminal\":true,\"consoleSize\":{\"height\":50,\"width\":120},\"user\":{\"uid\":1000,"
    "\"gid\":1000,\"additionalGids\":[4,24]},\"args\":[\"/bin/sh\",\"-c\",\"echo hi\"],\"env\":"
    "[\"PATH=/bin\"],\"cwd\":\"/root\",\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":"
    "[]},\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":0}],"
    "\"noNewPrivileges\":true,\"oomScoreAdj\":100,\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\","
    "\"priority\":7},\"scheduler\":{\"policy\":\"SCHED_BATCH\"},\"execCPUAffinity\":{\"final\":"
    "\"1\"},\"unknownKey\":[1]}";

static void test_process(void **state)
{
    struct spec_process *p = NULL, *p2 = NULL;
    aisbx_error *err = NULL;
    char *a, *b;
    size_t n;
    assert_int_equal(spec_process_parse(PROC, strlen(PROC), &p, &err), 0);
    assert_true(p->terminal);
    assert_int_equal(p->console_size.width, 120);
    assert_int_equal(p->user.n_additional_gids, 2);
    assert_string_equal(p->args.v[2], "echo hi");
    assert_true(p->capabilities->has_effective);
    assert_false(p->capabilities->has_permitted);
    assert_true(p->rlimits[0].hard == UINT64_MAX);
    assert_string_equal(p->io_priority->class_, "IOPRIO_CLASS_IDLE");
    assert_false(p->scheduler->has_nice);
    assert_null(p->exec_cpu_affinity->initial);
    assert_int_equal(spec_process_generate(p, false, &a, &n, &err), 0);
    assert_int_equal(spec_process_parse(a, n, &p2, &err), 0);
    assert_int_equal(spec_process_generate(p2, true, &b, &n, &err), 0);
    spec_process_free(p2);
    free(a);
    assert_int_equal(spec_process_parse(b, n, &p2, &err), 0);
    assert_true(p2->rlimits[0].hard == UINT64_MAX);
    assert_true(p2->capabilities->has_effective);
    assert_int_equal(p2->capabilities->effective.n, 0);
    /* the dup generates the same document */
    struct spec_process *d = spec_process_dup(p2);
    char *c;
    assert_int_equal(spec_process_generate(d, true, &c, &n, &err), 0);
    assert_string_equal(b, c);
    free(b);
    free(c);
    spec_process_free(d);
    spec_process_free(p2);
    spec_process_free(p);
}

static void test_process_errors(void **state)
{
    struct spec_process *p = NULL;
    const char *s;
    s = "[]";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_), "process: expected object");
    s = "{\"user\":{\"uid\":0,\"gid\":0}}";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_), "process.cwd: missing required key");
    s = "{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":\"ls\"}";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_), "process.args: expected array of strings");
    s = "{\"cwd\":\"/\",\"user\":{\"uid\":\"0\",\"gid\":0}}";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_),
           "process.user.uid: expected unsigned 32-bit integer");
    s = "{\"cwd\":\"/\"";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_),
           "process: invalid JSON: parse error: premature EOF (near '{\"cwd\":\"/\"')");
    assert_null(p);
}

/* A process.json may omit "user" (runc reads it as 0:0); a present but
 * partial user is still an error. */
static void test_process_user_optional(void **state)
{
    struct spec_process *p = NULL;
    aisbx_error *err = NULL;
    const char *s = "{\"cwd\":\"/\",\"args\":[\"true\"]}";
    assert_int_equal(spec_process_parse(s, strlen(s), &p, &err), 0);
    assert_int_equal(p->user.uid, 0);
    assert_int_equal(p->user.gid, 0);
    spec_process_free(p);
    p = NULL;
    s = "{\"cwd\":\"/\",\"user\":{\"gid\":0}}";
    ERR_IS(spec_process_parse(s, strlen(s), &p, err_), "process.user.uid: missing required key");
}

static const char RES[] =
    "{\"memory\":{\"limit\":1073741824,\"swap\":-1},\"cpu\":{\"shares\":18446744073709551615,"
    "\"quota\":-1},\"pids\":{\"limit\":-1},\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,"
    "\"minor\":16,\"rate\":18446744073709551615}]},\"hugepageLimits\":[{\"pageSize\":\"1GB\","
    "\"limit\":0}],\"network\":{\"classID\":7},\"rdma\":{\"b\":{\"hcaObjects\":1},\"a\":{}},"
    "\"unified\":{\"pids.max\":\"10\"},\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":-1,"
    "\"minor\":-1,\"access\":\"m\"}]}";

static void test_resources(void **state)
{
    struct spec_resources *r = NULL, *r2 = NULL;
    aisbx_error *err = NULL;
    char *a, *b;
    size_t n;
    assert_int_equal(spec_resources_parse(RES, strlen(RES), &r, &err), 0);
    assert_int_equal(r->memory->swap, -1);
    assert_true(r->cpu->shares == UINT64_MAX);
    assert_int_equal(r->pids->limit, -1);
    assert_true(r->block_io->throttle_read_bps.v[0].rate == UINT64_MAX);
    assert_int_equal(r->n_rdma, 2);
    assert_string_equal(r->rdma[0].device, "a"); /* sorted like Go */
    assert_false(r->rdma[0].has_hca_handles);
    assert_true(r->rdma[1].has_hca_objects);
    assert_true(r->devices[0].has_major);
    assert_int_equal(r->devices[0].major, -1);
    assert_int_equal(spec_resources_generate(r, false, &a, &n, &err), 0);
    assert_non_null(strstr(a, "\"shares\":18446744073709551615"));
    assert_int_equal(spec_resources_parse(a, n, &r2, &err), 0);
    assert_int_equal(spec_resources_generate(r2, false, &b, &n, &err), 0);
    assert_string_equal(a, b);
    free(b);
    struct spec_resources *d = spec_resources_dup(r2);
    assert_int_equal(spec_resources_generate(d, false, &b, &n, &err), 0);
    assert_string_equal(a, b);
    spec_resources_free(d);
    free(a);
    free(b);
    spec_resources_free(r);
    spec_resources_free(r2);

    const char *s = "{\"pids\":{\"limit\":\"max\"}}";
    ERR_IS(spec_resources_parse(s, strlen(s), &r, err_), "resources.pids.limit: expected integer");
    s = "{\"memory\":[]}";
    ERR_IS(spec_resources_parse(s, strlen(s), &r, err_), "resources.memory: expected object");
    s = "{\"cpu\":{\"period\":-100000}}";
    ERR_IS(spec_resources_parse(s, strlen(s), &r, err_),
           "resources.cpu.period: expected unsigned 64-bit integer");
    s = "1";
    ERR_IS(spec_resources_parse(s, strlen(s), &r, err_), "resources: expected object");
    assert_null(r);
}

static struct spec_state *sample_state(void)
{
    struct spec_state *s = xmalloc0(sizeof(*s));
    s->oci_version = xstrdup("1.2.0");
    s->id = xstrdup("c1");
    s->status = xstrdup("running");
    s->bundle = xstrdup("/b");
    s->rootfs = xstrdup("/b/rootfs");
    s->created = xstrdup("2024-01-02T03:04:05.123456789Z");
    s->owner = xstrdup("");
    s->pid = 4242;
    s->pid_start_time = UINT64_MAX;
    s->cgroup_path = xstrdup("/sys/fs/cgroup/pids/aisbx/c1");
    s->systemd_cgroup = true;
    s->use_terminal = true;
    return s;
}

static void test_state(void **state)
{
    struct spec_state *s = sample_state(), *s2 = NULL;
    aisbx_error *err = NULL;
    char *out;
    size_t n;
    assert_int_equal(spec_state_generate(s, false, false, &out, &n, &err), 0);
    assert_string_equal(out, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"pid\":4242,\"status\":"
                             "\"running\",\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":"
                             "\"2024-01-02T03:04:05.123456789Z\",\"owner\":\"\"}");
    free(out);
    spec_kvlist_set(&s->annotations, "k", "v");
    assert_int_equal(spec_state_generate(s, true, true, &out, &n, &err), 0);
    assert_non_null(strstr(out, "\"aisbx.pidStartTime\": 18446744073709551615"));
    assert_non_null(strstr(out, "\"annotations\": {\n    \"k\": \"v\"\n  }"));
    assert_int_equal(spec_state_parse(out, n, &s2, &err), 0);
    free(out);
    assert_int_equal(s2->pid, 4242);
    assert_true(s2->pid_start_time == UINT64_MAX);
    assert_string_equal(s2->cgroup_path, "/sys/fs/cgroup/pids/aisbx/c1");
    assert_true(s2->systemd_cgroup);
    assert_true(s2->use_terminal);
    assert_string_equal(s2->created, "2024-01-02T03:04:05.123456789Z");
    assert_string_equal(spec_kvlist_get(&s2->annotations, "k"), "v");
    spec_state_free(s2);

    /* list: runc's array, "[]" when empty */
    struct spec_state *arr[2] = {s, s};
    assert_int_equal(spec_state_list_generate(arr, 0, false, &out, &n, &err), 0);
    assert_string_equal(out, "[]");
    free(out);
    assert_int_equal(spec_state_list_generate(arr, 2, false, &out, &n, &err), 0);
    assert_int_equal(out[0], '[');
    assert_null(strstr(out, "aisbx."));
    assert_non_null(strstr(out, "},{"));
    free(out);
    spec_state_free(s);

    /* public form parses too, with internal fields defaulted */
    const char *pub = "{\"id\":\"x\",\"pid\":0,\"status\":\"stopped\",\"extra\":1}";
    assert_int_equal(spec_state_parse(pub, strlen(pub), &s2, &err), 0);
    assert_string_equal(s2->cgroup_path, "");
    assert_int_equal(s2->pid_start_time, 0);
    spec_state_free(s2);
    const char *bad = "{\"pid\":1}";
    ERR_IS(spec_state_parse(bad, strlen(bad), &s2, err_), "id: missing required key");
    bad = "{\"id\":\"x\",\"pid\":\"1\"}";
    ERR_IS(spec_state_parse(bad, strlen(bad), &s2, err_), "pid: expected 32-bit integer");
    bad = "{\"id\":\"x\",\"pid\":-5}";
    ERR_IS(spec_state_parse(bad, strlen(bad), &s2, err_), "pid: expected a non-negative pid");
    bad = "{\"id\":\"x\",\"aisbx.pidStartTime\":-1}";
    ERR_IS(spec_state_parse(bad, strlen(bad), &s2, err_),
           "[\"aisbx.pidStartTime\"]: expected unsigned 64-bit integer");
    bad = "{\"id\":\"x\",\"aisbx.systemdCgroup\":\"yes\"}";
    ERR_IS(spec_state_parse(bad, strlen(bad), &s2, err_),
           "[\"aisbx.systemdCgroup\"]: expected boolean");
}

static void test_policy(void **state)
{
    struct spec_policy *p = NULL;
    aisbx_error *err = NULL;
    const char *s = "{\"pids_max\":512,\"memory_max\":2147483648,\"nofile_max\":"
                    "18446744073709551615,\"tmpfs_max\":67108864,\"tmp_exec\":true,"
                    "\"devpts_max\":32,\"capabilities\":[\"CAP_CHOWN\",\"CAP_KILL\"]}";
    assert_int_equal(spec_policy_parse(s, strlen(s), &p, &err), 0);
    assert_true(p->has_pids_max && p->pids_max == 512);
    assert_true(p->has_memory_max && p->memory_max == 2147483648LL);
    assert_true(p->has_nofile_max && p->nofile_max == UINT64_MAX);
    assert_true(p->has_tmpfs_max && p->tmpfs_max == 67108864);
    assert_true(p->has_tmp_exec && p->tmp_exec);
    assert_true(p->has_devpts_max && p->devpts_max == 32);
    assert_true(p->has_capabilities);
    assert_true(spec_strlist_contains(&p->capabilities, "CAP_KILL"));
    spec_policy_free(p);

    assert_int_equal(spec_policy_parse("{}", 2, &p, &err), 0);
    assert_false(p->has_pids_max || p->has_memory_max || p->has_nofile_max || p->has_tmpfs_max ||
                 p->has_tmp_exec || p->has_capabilities || p->has_devpts_max);
    spec_policy_free(p);

    s = "{\"pids_maxx\":1}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "pids_maxx: unknown key");
    s = "{\"pids_max\":1,\"capabilites\":[]}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "capabilites: unknown key");
    s = "{\"pids_max\":\"1\"}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "pids_max: expected integer");
    s = "{\"memory_max\":1.5}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "memory_max: expected integer");
    s = "{\"nofile_max\":-1}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_),
           "nofile_max: expected unsigned 64-bit integer");
    s = "{\"tmpfs_max\":true}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_),
           "tmpfs_max: expected unsigned 64-bit integer");
    s = "{\"tmp_exec\":\"no\"}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "tmp_exec: expected boolean");
    s = "{\"capabilities\":\"CAP_KILL\"}";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "capabilities: expected array of strings");
    s = "[]";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_), "(root): expected object");
    s = "{";
    ERR_IS(spec_policy_parse(s, strlen(s), &p, err_),
           "policy: invalid JSON: parse error: premature EOF (near '{')");
    assert_null(p);
}

static void test_features(void **state)
{
    struct spec_features f = {0};
    aisbx_error *err = NULL;
    char *out;
    size_t n;
    assert_int_equal(spec_features_generate(&f, false, &out, &n, &err), 0);
    assert_string_equal(out, "{}");
    free(out);
    f.oci_version_min = xstrdup("1.0.0");
    f.oci_version_max = xstrdup("1.2.0");
    spec_strlist_push(&f.hooks, "prestart");
    spec_strlist_push(&f.mount_options, "ro");
    f.has_linux = true;
    spec_strlist_push(&f.linux_.namespaces, "pid");
    spec_strlist_push(&f.linux_.capabilities, "CAP_CHOWN");
    f.linux_.cgroup.v1 = SPEC_TRUE;
    f.linux_.cgroup.v2 = SPEC_TRUE;
    f.linux_.cgroup.systemd = SPEC_FALSE;
    f.linux_.seccomp.enabled = SPEC_TRUE;
    spec_strlist_push(&f.linux_.seccomp.actions, "SCMP_ACT_ERRNO");
    spec_strlist_push(&f.linux_.seccomp.operators, "SCMP_CMP_EQ");
    spec_strlist_push(&f.linux_.seccomp.archs, "SCMP_ARCH_X86_64");
    spec_strlist_push(&f.linux_.seccomp.known_flags, "SECCOMP_FILTER_FLAG_LOG");
    spec_strlist_push(&f.linux_.seccomp.supported_flags, "SECCOMP_FILTER_FLAG_LOG");
    f.linux_.apparmor_enabled = SPEC_FALSE;
    f.linux_.selinux_enabled = SPEC_FALSE;
    f.linux_.intel_rdt_enabled = SPEC_FALSE;
    f.linux_.idmap_mounts_enabled = SPEC_TRUE;
    spec_kvlist_set(&f.annotations, "org.aisbx.version", "0.1.0");
    spec_strlist_push(&f.potentially_unsafe_config_annotations, "bundle");
    assert_int_equal(spec_features_generate(&f, false, &out, &n, &err), 0);
    assert_string_equal(
        out, "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\",\"hooks\":[\"prestart\"],"
             "\"mountOptions\":[\"ro\"],\"linux\":{\"namespaces\":[\"pid\"],\"capabilities\":"
             "[\"CAP_CHOWN\"],\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},\"seccomp\":"
             "{\"enabled\":true,\"actions\":[\"SCMP_ACT_ERRNO\"],\"operators\":[\"SCMP_CMP_EQ\"],"
             "\"archs\":[\"SCMP_ARCH_X86_64\"],\"knownFlags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
             "\"supportedFlags\":[\"SECCOMP_FILTER_FLAG_LOG\"]},\"apparmor\":{\"enabled\":false},"
             "\"selinux\":{\"enabled\":false},\"intelRdt\":{\"enabled\":false},\"mountExtensions\":"
             "{\"idmap\":{\"enabled\":true}}},\"annotations\":{\"org.aisbx.version\":\"0.1.0\"},"
             "\"potentiallyUnsafeConfigAnnotations\":[\"bundle\"]}");
    free(out);
    spec_features_clear(&f);
}

static void test_helpers(void **state)
{
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        assert_int_equal(spec_ns_type_from_name(spec_ns_type_name((enum spec_ns_type)t)), t);
    assert_string_equal(spec_ns_type_name(SPEC_NS_NETWORK), "network");
    assert_string_equal(spec_ns_type_name(SPEC_NS_TIME), "time");
    assert_int_equal(spec_ns_type_from_name("net"), -1);
    assert_int_equal(spec_ns_type_from_name(NULL), -1);

    struct spec_strlist l = {0};
    assert_false(spec_strlist_contains(&l, "a"));
    spec_strlist_push(&l, "a");
    spec_strlist_push(&l, "b");
    assert_int_equal(l.n, 2);
    assert_null(l.v[2]);
    assert_true(spec_strlist_contains(&l, "b"));
    assert_false(spec_strlist_contains(&l, "c"));
    spec_strlist_free(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);

    struct spec_kvlist kv = {0};
    assert_null(spec_kvlist_get(&kv, "a"));
    spec_kvlist_set(&kv, "a", "1");
    spec_kvlist_set(&kv, "b", "2");
    spec_kvlist_set(&kv, "a", "3");
    assert_int_equal(kv.n, 2);
    assert_string_equal(spec_kvlist_get(&kv, "a"), "3");
    spec_kvlist_free(&kv);
    assert_int_equal(kv.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_process),
        cmocka_unit_test(test_process_errors),
        cmocka_unit_test(test_process_user_optional),
        cmocka_unit_test(test_resources),
        cmocka_unit_test(test_state),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
