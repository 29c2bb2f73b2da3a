/* specs/ config.json: malformed configs naming the exact JSON path,
 * invalid JSON, and the size and depth limits. */
#include "tests/specs_config_helpers.h"

#define V "{\"ociVersion\":\"1.2.0\","
#define P V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
#define L V "\"linux\":{"
#define R L "\"resources\":{"

static const struct {
    const char *json, *msg;
} bad[] = {
    /* top level */
    {"{}", "ociVersion: missing required key"},
    {"[]", "(root): expected object"},
    {"{\"ociVersion\":1}", "ociVersion: expected string"},
    {V "\"hostname\":[]}", "hostname: expected string"},
    {V "\"domainname\":1}", "domainname: expected string"},
    {V "\"annotations\":[]}", "annotations: expected object"},
    {V "\"annotations\":{\"a\":1}}", "annotations.a: expected string"},
    {V "\"annotations\":{\"a.b/c\":true}}", "annotations[\"a.b/c\"]: expected string"},
    /* root */
    {V "\"root\":{}}", "root.path: missing required key"},
    {V "\"root\":\"/\"}", "root: expected object"},
    {V "\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}", "root.readonly: expected boolean"},
    /* mounts */
    {V "\"mounts\":{}}", "mounts: expected array"},
    {V "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{}]}",
     "mounts[2].destination: missing required key"},
    {V "\"mounts\":[1]}", "mounts[0]: expected object"},
    {V "\"mounts\":[{\"destination\":\"/a\",\"options\":\"ro\"}]}",
     "mounts[0].options: expected array of strings"},
    {V "\"mounts\":[{\"destination\":\"/a\",\"type\":5}]}", "mounts[0].type: expected string"},
    {V "\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1}]}]}",
     "mounts[0].uidMappings[0].size: missing required key"},
    {V "\"mounts\":[{\"destination\":\"/a\",\"gidMappings\":[{\"containerID\":-1,\"hostID\":1,"
       "\"size\":1}]}]}",
     "mounts[0].gidMappings[0].containerID: expected unsigned 32-bit integer"},
    /* hooks */
    {V "\"hooks\":{\"prestart\":[{}]}}", "hooks.prestart[0].path: missing required key"},
    {V "\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":\"5\"}]}}",
     "hooks.poststop[0].timeout: expected 32-bit integer"},
    {V "\"hooks\":{\"createRuntime\":[{\"path\":\"/x\",\"args\":[1]}]}}",
     "hooks.createRuntime[0].args: expected array of strings"},
    {V "\"hooks\":{\"startContainer\":{}}}", "hooks.startContainer: expected array"},
    {V "\"hooks\":[]}", "hooks: expected object"},
    /* process */
    {V "\"process\":{\"user\":{\"uid\":0,\"gid\":0}}}", "process.cwd: missing required key"},
    {V "\"process\":{\"cwd\":\"/\"}}", "process.user: missing required key"},
    {V "\"process\":{\"cwd\":\"/\",\"user\":{\"gid\":0}}}",
     "process.user.uid: missing required key"},
    {V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":4294967296,\"gid\":0}}}",
     "process.user.uid: expected unsigned 32-bit integer"},
    {V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1,\"gid\":0}}}",
     "process.user.uid: expected unsigned 32-bit integer"},
    {V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1.5,\"gid\":0}}}",
     "process.user.uid: expected unsigned 32-bit integer"},
    {V "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1e3,\"gid\":0}}}",
     "process.user.uid: expected unsigned 32-bit integer"},
    {P "\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[1,\"2\"]}}}",
     "process.user.additionalGids[1]: expected unsigned 32-bit integer"},
    {P "\"user\":{\"uid\":0,\"gid\":0,\"umask\":true}}}",
     "process.user.umask: expected unsigned 32-bit integer"},
    {P "\"args\":\"sh\"}}", "process.args: expected array of strings"},
    {P "\"args\":[\"sh\",null]}}", "process.args: expected array of strings"},
    {P "\"env\":{}}}", "process.env: expected array of strings"},
    {P "\"terminal\":1}}", "process.terminal: expected boolean"},
    {P "\"consoleSize\":{\"height\":1}}}", "process.consoleSize.width: missing required key"},
    {P "\"capabilities\":{\"bounding\":\"CAP_KILL\"}}}",
     "process.capabilities.bounding: expected array of strings"},
    {P "\"capabilities\":[]}}", "process.capabilities: expected object"},
    {P "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]}}",
     "process.rlimits[0].soft: missing required key"},
    {P "\"rlimits\":[{\"hard\":1,\"soft\":1}]}}", "process.rlimits[0].type: missing required key"},
    {P "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":-1,\"soft\":0}]}}",
     "process.rlimits[0].hard: expected unsigned 64-bit integer"},
    {P "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551616,\"soft\":0}]}}",
     "process.rlimits[0].hard: expected unsigned 64-bit integer"},
    {P "\"noNewPrivileges\":\"true\"}}", "process.noNewPrivileges: expected boolean"},
    {P "\"oomScoreAdj\":2147483648}}", "process.oomScoreAdj: expected 32-bit integer"},
    {P "\"apparmorProfile\":1}}", "process.apparmorProfile: expected string"},
    {P "\"selinuxLabel\":1}}", "process.selinuxLabel: expected string"},
    {P "\"ioPriority\":{\"priority\":1}}}", "process.ioPriority.class: missing required key"},
    {P "\"scheduler\":{\"nice\":1}}}", "process.scheduler.policy: missing required key"},
    {P "\"scheduler\":{\"policy\":\"SCHED_RR\",\"runtime\":-5}}}",
     "process.scheduler.runtime: expected unsigned 64-bit integer"},
    {P "\"execCPUAffinity\":{\"initial\":0}}}", "process.execCPUAffinity.initial: expected string"},
    {V "\"process\":[]}", "process: expected object"},
    /* linux */
    {V "\"linux\":[]}", "linux: expected object"},
    {L "\"namespaces\":[{\"type\":\"pid\"},{}]}}",
     "linux.namespaces[1].type: missing required key"},
    {L "\"namespaces\":[{\"type\":\"bogus\"}]}}",
     "linux.namespaces[0].type: unknown namespace type \"bogus\""},
    {L "\"namespaces\":[{\"type\":\"pid\",\"path\":1}]}}",
     "linux.namespaces[0].path: expected string"},
    {L "\"uidMappings\":[{\"hostID\":0,\"size\":1}]}}",
     "linux.uidMappings[0].containerID: missing required key"},
    {L "\"gidMappings\":[{\"containerID\":0,\"size\":1}]}}",
     "linux.gidMappings[0].hostID: missing required key"},
    {L "\"devices\":[{\"type\":\"c\"}]}}", "linux.devices[0].path: missing required key"},
    {L "\"devices\":[{\"path\":\"/dev/x\"}]}}", "linux.devices[0].type: missing required key"},
    {L "\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":\"1\"}]}}",
     "linux.devices[0].major: expected integer"},
    {L "\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"fileMode\":-1}]}}",
     "linux.devices[0].fileMode: expected unsigned 32-bit integer"},
    {L "\"cgroupsPath\":1}}", "linux.cgroupsPath: expected string"},
    {L "\"sysctl\":{\"a\":1}}}", "linux.sysctl.a: expected string"},
    {L "\"rootfsPropagation\":1}}", "linux.rootfsPropagation: expected string"},
    {L "\"maskedPaths\":[1]}}", "linux.maskedPaths: expected array of strings"},
    {L "\"readonlyPaths\":\"/proc\"}}", "linux.readonlyPaths: expected array of strings"},
    {L "\"mountLabel\":{}}}", "linux.mountLabel: expected string"},
    {L "\"intelRdt\":{\"closID\":1}}}", "linux.intelRdt.closID: expected string"},
    {L "\"intelRdt\":{\"enableCMT\":1}}}", "linux.intelRdt.enableCMT: expected boolean"},
    {L "\"personality\":{}}}", "linux.personality.domain: missing required key"},
    {L "\"personality\":{\"domain\":\"LINUX\",\"flags\":[1]}}}",
     "linux.personality.flags: expected array of strings"},
    {L "\"timeOffsets\":[]}}", "linux.timeOffsets: expected object"},
    {L "\"timeOffsets\":{\"monotonic\":{\"secs\":\"1\"}}}}",
     "linux.timeOffsets.monotonic.secs: expected integer"},
    {L "\"timeOffsets\":{\"boottime\":{\"nanosecs\":-1}}}}",
     "linux.timeOffsets.boottime.nanosecs: expected unsigned 32-bit integer"},
    {L "\"timeOffsets\":{\"boottime\":5}}}", "linux.timeOffsets.boottime: expected object"},
    /* seccomp */
    {L "\"seccomp\":{}}}", "linux.seccomp.defaultAction: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"defaultErrnoRet\":-1}}}",
     "linux.seccomp.defaultErrnoRet: expected unsigned 32-bit integer"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"architectures\":\"x86\"}}}",
     "linux.seccomp.architectures: expected array of strings"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"flags\":[true]}}}",
     "linux.seccomp.flags: expected array of strings"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"listenerPath\":1}}}",
     "linux.seccomp.listenerPath: expected string"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"action\":\"B\"}]}}}",
     "linux.seccomp.syscalls[0].names: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"]}]}}}",
     "linux.seccomp.syscalls[0].action: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"errnoRet\":\"1\"}]}}}",
     "linux.seccomp.syscalls[0].errnoRet: expected unsigned 32-bit integer"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"args\":[{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
     "linux.seccomp.syscalls[0].args[0].index: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
     "linux.seccomp.syscalls[0].args[0].value: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"args\":[{\"index\":0,\"value\":1}]}]}}}",
     "linux.seccomp.syscalls[0].args[0].op: missing required key"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"args\":[{\"index\":0,\"value\":-1,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
     "linux.seccomp.syscalls[0].args[0].value: expected unsigned 64-bit integer"},
    {L "\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"B\","
       "\"args\":[{\"index\":0,\"value\":1,\"valueTwo\":18446744073709551616,\"op\":\"X\"}]}]}}}",
     "linux.seccomp.syscalls[0].args[0].valueTwo: expected unsigned 64-bit integer"},
    /* linux.resources */
    {L "\"resources\":[]}}", "linux.resources: expected object"},
    {R "\"pids\":{\"limit\":\"100\"}}}}", "linux.resources.pids.limit: expected integer"},
    {R "\"pids\":{\"limit\":9223372036854775808}}}}",
     "linux.resources.pids.limit: expected integer"},
    {R "\"devices\":[{\"access\":\"rwm\"}]}}}",
     "linux.resources.devices[0].allow: missing required key"},
    {R "\"devices\":[{\"allow\":true,\"major\":\"x\"}]}}}",
     "linux.resources.devices[0].major: expected integer"},
    {R "\"memory\":{\"limit\":1.5}}}}", "linux.resources.memory.limit: expected integer"},
    {R "\"memory\":{\"swappiness\":-1}}}}",
     "linux.resources.memory.swappiness: expected unsigned 64-bit integer"},
    {R "\"memory\":{\"disableOOMKiller\":0}}}}",
     "linux.resources.memory.disableOOMKiller: expected boolean"},
    {R "\"memory\":{\"kernelTCP\":\"1\"}}}}", "linux.resources.memory.kernelTCP: expected integer"},
    {R "\"cpu\":{\"shares\":-2}}}}",
     "linux.resources.cpu.shares: expected unsigned 64-bit integer"},
    {R "\"cpu\":{\"quota\":\"max\"}}}}", "linux.resources.cpu.quota: expected integer"},
    {R "\"cpu\":{\"cpus\":1}}}}", "linux.resources.cpu.cpus: expected string"},
    {R "\"cpu\":{\"realtimePeriod\":-1}}}}",
     "linux.resources.cpu.realtimePeriod: expected unsigned 64-bit integer"},
    {R "\"blockIO\":{\"weight\":65536}}}}",
     "linux.resources.blockIO.weight: expected unsigned 16-bit integer"},
    {R "\"blockIO\":{\"weightDevice\":[{\"major\":8}]}}}}",
     "linux.resources.blockIO.weightDevice[0].minor: missing required key"},
    {R "\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0}]}}}}",
     "linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing required key"},
    {R "\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":-1}]}}}}",
     "linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: expected unsigned 64-bit integer"},
    {R "\"hugepageLimits\":[{\"limit\":1}]}}}",
     "linux.resources.hugepageLimits[0].pageSize: missing required key"},
    {R "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":-1}]}}}",
     "linux.resources.hugepageLimits[0].limit: expected unsigned 64-bit integer"},
    {R "\"network\":{\"classID\":-1}}}}",
     "linux.resources.network.classID: expected unsigned 32-bit integer"},
    {R "\"network\":{\"priorities\":[{\"name\":\"eth0\"}]}}}}",
     "linux.resources.network.priorities[0].priority: missing required key"},
    {R "\"rdma\":[]}}}", "linux.resources.rdma: expected object"},
    {R "\"rdma\":{\"mlx\":{\"hcaHandles\":\"3\"}}}}}",
     "linux.resources.rdma.mlx.hcaHandles: expected unsigned 32-bit integer"},
    {R "\"unified\":{\"memory.max\":1}}}}",
     "linux.resources.unified[\"memory.max\"]: expected string"},
};

static void test_errors_name_the_path(void **state)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        parse_fails(bad[i].json, bad[i].msg);
}

static void test_malformed_json_one_line(void **state)
{
    const char *cases[] = {"",
                           "{",
                           "{\"ociVersion\":\"1\",}",
                           "{\"a\" 1}",
                           "{\"ociVersion\":\"1\"} x",
                           "nul",
                           "{\"a\":\"\\q\"}",
                           "{\"a\":\"\xff\"}"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spec_config *c = NULL;
        aisbx_error *err = NULL;
        assert_int_equal(spec_config_parse(cases[i], strlen(cases[i]), &c, &err), -1);
        assert_non_null(strstr(err->msg, "config: invalid JSON: "));
        assert_null(strchr(err->msg, '\n'));
        aisbx_error_free(&err);
    }
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_parse("{\"ociVersion\":\"1\"} x", 20, &c, &err), -1);
    assert_string_equal(err->msg, "config: invalid JSON: parse error: trailing garbage "
                                  "(near '{\"ociVersion\":\"1\"} x')");
    aisbx_error_free(&err);
    /* an embedded NUL must not truncate the document silently */
    assert_int_equal(spec_config_parse("{\"ociVersion\":\"1\"}\0junk", 23, &c, &err), -1);
    assert_string_equal(err->msg, "config: NUL byte at offset 18");
    aisbx_error_free(&err);
}

static void test_size_limit(void **state)
{
    size_t n = SPEC_MAX_CONFIG_BYTES + 1;
    char *buf = malloc(n);
    memset(buf, ' ', n);
    memcpy(buf, "{\"ociVersion\":\"1\"}", 18);
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_parse(buf, n, &c, &err), -1);
    assert_non_null(strstr(err->msg, "more than the limit of 4194304"));
    aisbx_error_free(&err);
    /* exactly at the limit is fine */
    assert_int_equal(spec_config_parse(buf, n - 1, &c, &err), 0);
    spec_config_free(c);
    free(buf);
}

static char *nested(int depth)
{
    size_t n = (size_t)depth * 2 + 64;
    char *s = malloc(n), *p = s;
    p += sprintf(p, "{\"ociVersion\":\"1\",\"x\":");
    for (int i = 1; i < depth; i++)
        *p++ = '[';
    /* brackets inside strings do not count */
    p += sprintf(p, "\"[[[[\"");
    for (int i = 1; i < depth; i++)
        *p++ = ']';
    *p++ = '}';
    *p = '\0';
    return s;
}

/* process.env entries are NAME=VALUE (runc refuses the rest too). */
static void test_env_check(void **state)
{
    (void)state;
    const char *good[] = {"A=1", "PATH=/bin", "E=", "X==y"};
    const char *badenv[][2] = {{"FOO", "\"FOO\" (want NAME=VALUE)"},
                               {"=x", "\"=x\" (empty name)"},
                               {"", "\"\" (want NAME=VALUE)"}};
    struct spec_strlist l = {0};
    aisbx_error *err = NULL;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        spec_strlist_push(&l, good[i]);
    assert_int_equal(spec_env_check(&l, &err), 0);
    assert_int_equal(spec_env_check(NULL, &err), 0);
    for (size_t i = 0; i < sizeof(badenv) / sizeof(badenv[0]); i++) {
        struct spec_strlist b = {0};
        spec_strlist_push(&b, "OK=1");
        spec_strlist_push(&b, badenv[i][0]);
        assert_int_equal(spec_env_check(&b, &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err->msg, "invalid environment variable: "));
        assert_non_null(strstr(err->msg, badenv[i][1]));
        aisbx_error_free(&err);
        spec_strlist_free(&b);
    }
    spec_strlist_free(&l);
}

static void test_depth_limit(void **state)
{
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    char *ok = nested(64), *deep = nested(65);
    assert_int_equal(spec_config_parse(ok, strlen(ok), &c, &err), 0);
    spec_config_free(c);
    assert_int_equal(spec_config_parse(deep, strlen(deep), &c, &err), -1);
    assert_string_equal(err->msg, "config: JSON nested deeper than 64 levels");
    aisbx_error_free(&err);
    free(ok);
    free(deep);
    /* 100k levels: refused before yajl, no stack blow-up */
    size_t n = 200000;
    char *huge = malloc(n);
    memset(huge, '[', n);
    assert_int_equal(spec_config_parse(huge, n, &c, &err), -1);
    aisbx_error_free(&err);
    free(huge);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_name_the_path),
        cmocka_unit_test(test_malformed_json_one_line),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_env_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
