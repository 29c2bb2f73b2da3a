/* Shared by the tests/test_specs_config_*.c files (one binary each, so the
 * helpers are static inline here).
 * specs/ config.json parsing, generation, dup and free: every section with a
 * valid example, malformed ones naming the exact JSON path, the size and
 * depth limits, unknown keys, and exact uint64 round-trips. */
#ifndef AISBX_TESTS_SPECS_CONFIG_HELPERS_H
#define AISBX_TESTS_SPECS_CONFIG_HELPERS_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "specs/config.h"

/* Every section of the spec, with u64 values above INT64_MAX. */
static const char FULL[] =
    "{\"ociVersion\":\"1.1.0\",\"process\":{\"user\":{\"uid\":65535,\"gid\":65535,"
    "\"additionalGids\":[65535],"
    "\"umask\":18,\"username\":\"u\"},\"args\":[\"/pause\"],\"env\":[\"PATH=/usr/local/sbin:/usr/"
    "local/bin:/"
    "usr/sbin:/usr/bin:/sbin:/bin\"],\"cwd\":\"/"
    "\",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"],\"effecti"
    "ve\":[\"CAP_CHOWN\"],\"permitted\":[\"CAP_CHOWN\"],\"inheritable\":[],\"ambient\":[\"CAP_"
    "CHOWN\"]},\"noN"
    "ewPrivileges\":true,\"oomScoreAdj\":-998,\"consoleSize\":{\"height\":24,\"width\":80},"
    "\"ioPriority\":"
    "{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":4},\"scheduler\":{\"policy\":\"SCHED_DEADLINE\","
    "\"nice\":-5,"
    "\"priority\":0,\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"],\"runtime\":10000000,\"deadline\":"
    "20000000,\""
    "period\":18446744073709551615},\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0-3\"},"
    "\"rlimits\":[{"
    "\"type\":\"RLIMIT_NOFILE\",\"hard\":18446744073709551615,\"soft\":1048576}],"
    "\"apparmorProfile\":\"doc"
    "ker-default\",\"selinuxLabel\":\"system_u:system_r:container_t:s0\",\"terminal\":true,"
    "\"commandLin"
    "e\":\"cmd\"},\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"mounts\":[{\"destination\":\"/"
    "dev/shm\",\"ty"
    "pe\":\"bind\",\"source\":\"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/x/"
    "shm\",\"options\":"
    "[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\"]},{\"destination\":\"/"
    "data\",\"type\":\"bind\",\"source\":\"/"
    "srv/"
    "data\",\"options\":[\"rbind\",\"idmap\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":"
    "100000,\"siz"
    "e\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}],"
    "\"hooks\":{\"crea"
    "teRuntime\":[{\"path\":\"/usr/bin/"
    "nvidia-ctk\",\"args\":[\"nvidia-ctk\",\"hook\"],\"env\":[\"A=b\"],\"time"
    "out\":5}],\"poststop\":[{\"path\":\"/bin/true\"}],\"prestart\":[{\"path\":\"/usr/bin/"
    "dockerd\",\"args\":["
    "\"libnetwork-setkey\",\"-exec-root=/var/run/"
    "docker\",\"abc\",\"def\"]}],\"createContainer\":[{\"path\""
    ":\"/hook/cc\"}],\"startContainer\":[{\"path\":\"/hook/"
    "sc\",\"timeout\":1}],\"poststart\":[{\"path\":\"/ho"
    "ok/"
    "ps\",\"args\":[\"ps\"]}]},\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\","
    "\"io.ku"
    "bernetes.cri.sandbox-id\":\"x\"},\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":"
    "100000,\"si"
    "ze\":65536}],\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"resources\":{\"d"
    "evices\":[{\"allow\":false,\"access\":\"rwm\"}],\"cpu\":{\"shares\":2,\"burst\":1000,"
    "\"realtimeRuntime\":"
    "-1,\"realtimePeriod\":1000000,\"mems\":\"0\",\"idle\":1,\"quota\":50000,\"period\":100000,"
    "\"cpus\":\"0-1\""
    "},\"memory\":{\"limit\":-1,\"reservation\":1024,\"kernel\":-1,\"kernelTCP\":4096,"
    "\"swappiness\":60,\"us"
    "eHierarchy\":true,\"checkBeforeUpdate\":true,\"swap\":1073741824,\"disableOOMKiller\":true},"
    "\"huge"
    "pageLimits\":[{\"pageSize\":\"2MB\",\"limit\":18446744073709551615}],\"network\":{\"classID\":"
    "1048577"
    ",\"priorities\":[{\"name\":\"eth0\",\"priority\":500}]},\"rdma\":{\"mlx5_1\":{\"hcaHandles\":"
    "3,\"hcaObjec"
    "ts\":10000}},\"unified\":{\"memory.high\":\"max\",\"io.weight\":\"default "
    "100\"},\"blockIO\":{\"leafWeig"
    "ht\":300,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":500,\"leafWeight\":300}],"
    "\"throttleWrit"
    "eBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],\"throttleReadIOPSDevice\":[{"
    "\"major\":8,\"m"
    "inor\":0,\"rate\":100}],\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}],"
    "\"weight\""
    ":500,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":18446744073709551615}]},"
    "\"pids\":{"
    "\"limit\":100}},\"cgroupsPath\":\"/kubepods/besteffort/podx/"
    "y\",\"namespaces\":[{\"type\":\"pid\"},{\"t"
    "ype\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"/var/"
    "run/netns/cni-x"
    "\"},{\"type\":\"user\"},{\"type\":\"time\"},{\"type\":\"cgroup\"}],\"timeOffsets\":{"
    "\"monotonic\":{\"secs\":-"
    "3600,\"nanosecs\":5},\"boottime\":{\"secs\":86400}},\"devices\":[{\"path\":\"/dev/"
    "fuse\",\"type\":\"c\",\"m"
    "ajor\":10,\"minor\":229,\"fileMode\":438,\"uid\":0,\"gid\":0}],\"rootfsPropagation\":"
    "\"rslave\",\"mountL"
    "abel\":\"system_u:object_r:container_file_t:s0\",\"intelRdt\":{\"closID\":\"guaranteed\","
    "\"l3CacheSc"
    "hema\":\"L3:0=ff\",\"memBwSchema\":\"MB:0=70\",\"enableCMT\":true,\"enableMBM\":false},"
    "\"personality\":"
    "{\"domain\":\"LINUX32\",\"flags\":[]},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\","
    "\"defaultErrnoR"
    "et\":1,\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
    "\"syscalls\":[{\"n"
    "ames\":[\"accept\",\"accept4\",\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":["
    "\"personalit"
    "y\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]"
    "},{\"names\":"
    "[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,"
    "\"op\":\"SCMP"
    "_CMP_EQ\"}]},{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
    "\"value\":211406"
    "0288,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},{\"names\":[\"socket\"],\"action\":"
    "\"SCMP_ACT_ERRN"
    "O\",\"errnoRet\":38,\"args\":[{\"index\":0,\"value\":18446744073709551615,\"valueTwo\":"
    "18446744073709"
    "551615,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}],\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
    "\"listenerP"
    "ath\":\"/run/"
    "seccomp-agent.sock\",\"listenerMetadata\":\"meta\"},\"maskedPaths\":[],\"readonlyPaths\""
    ":[\"/proc/"
    "sys\"],\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\",\"net.ipv4.ping_group_ra"
    "nge\":\"0 2147483647\"}},\"hostname\":\"pod\",\"domainname\":\"cluster.local\"}";

static inline struct spec_config *parse_ok(const char *json)
{
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    int r = spec_config_parse(json, strlen(json), &c, &err);
    if (r < 0)
        fail_msg("unexpected error: %s", err->msg);
    assert_non_null(c);
    return c;
}

/* Parse must fail with exactly `msg`. */
static inline void parse_fails(const char *json, const char *msg)
{
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_parse(json, strlen(json), &c, &err), -1);
    assert_null(c);
    assert_non_null(err);
    if (strcmp(err->msg, msg) != 0)
        fail_msg("for %s\n  got      \"%s\"\n  expected \"%s\"", json, err->msg, msg);
    aisbx_error_free(&err);
}

static inline char *gen(const struct spec_config *c, bool pretty)
{
    char *out = NULL;
    size_t len = 0;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_generate(c, pretty, &out, &len, &err), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

#endif
