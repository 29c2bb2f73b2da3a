/* specs/ config.json parsing, generation, dup and free: every section with a
 * valid example, malformed ones naming the exact JSON path, the size and
 * depth limits, unknown keys, and exact uint64 round-trips. */
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

static struct spec_config *parse_ok(const char *json)
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
static void parse_fails(const char *json, const char *msg)
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

static char *gen(const struct spec_config *c, bool pretty)
{
    char *out = NULL;
    size_t len = 0;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_generate(c, pretty, &out, &len, &err), 0);
    assert_int_equal(strlen(out), len);
    return out;
}

static void test_full_values(void **state)
{
    struct spec_config *c = parse_ok(FULL);
    assert_string_equal(c->oci_version, "1.1.0");
    assert_string_equal(c->hostname, "pod");
    assert_string_equal(c->domainname, "cluster.local");
    assert_string_equal(c->root->path, "rootfs");
    assert_true(c->root->readonly);

    struct spec_process *p = c->process;
    assert_true(p->terminal);
    assert_true(p->has_console_size);
    assert_int_equal(p->console_size.height, 24);
    assert_int_equal(p->console_size.width, 80);
    assert_int_equal(p->user.uid, 65535);
    assert_true(p->user.has_umask);
    assert_int_equal(p->user.umask, 18);
    assert_int_equal(p->user.n_additional_gids, 1);
    assert_int_equal(p->user.additional_gids[0], 65535);
    assert_string_equal(p->user.username, "u");
    assert_string_equal(p->args.v[0], "/pause");
    assert_null(p->args.v[1]);
    assert_string_equal(p->command_line, "cmd");
    assert_string_equal(p->cwd, "/");
    assert_true(p->capabilities->has_bounding);
    assert_true(p->capabilities->has_inheritable);
    assert_int_equal(p->capabilities->inheritable.n, 0);
    assert_string_equal(p->capabilities->ambient.v[0], "CAP_CHOWN");
    assert_int_equal(p->n_rlimits, 1);
    assert_string_equal(p->rlimits[0].type, "RLIMIT_NOFILE");
    assert_true(p->rlimits[0].hard == UINT64_MAX);
    assert_int_equal(p->rlimits[0].soft, 1048576);
    assert_true(p->no_new_privileges);
    assert_string_equal(p->apparmor_profile, "docker-default");
    assert_true(p->has_oom_score_adj);
    assert_int_equal(p->oom_score_adj, -998);
    assert_string_equal(p->selinux_label, "system_u:system_r:container_t:s0");
    assert_string_equal(p->io_priority->class_, "IOPRIO_CLASS_BE");
    assert_int_equal(p->io_priority->priority, 4);
    assert_string_equal(p->scheduler->policy, "SCHED_DEADLINE");
    assert_true(p->scheduler->has_nice);
    assert_int_equal(p->scheduler->nice, -5);
    assert_true(p->scheduler->period == UINT64_MAX);
    assert_int_equal(p->scheduler->runtime, 10000000);
    assert_string_equal(p->scheduler->flags.v[0], "SCHED_FLAG_RESET_ON_FORK");
    assert_string_equal(p->exec_cpu_affinity->initial, "0");
    assert_string_equal(p->exec_cpu_affinity->final, "0-3");

    assert_int_equal(c->n_mounts, 2);
    assert_string_equal(c->mounts[1].destination, "/data");
    assert_string_equal(c->mounts[1].options.v[1], "idmap");
    assert_int_equal(c->mounts[1].n_uid_mappings, 1);
    assert_int_equal(c->mounts[1].uid_mappings[0].host_id, 100000);
    assert_int_equal(c->mounts[1].gid_mappings[0].size, 65536);

    assert_int_equal(c->hooks->prestart.n, 1);
    assert_string_equal(c->hooks->prestart.v[0].args.v[0], "libnetwork-setkey");
    assert_string_equal(c->hooks->create_runtime.v[0].path, "/usr/bin/nvidia-ctk");
    assert_true(c->hooks->create_runtime.v[0].has_timeout);
    assert_int_equal(c->hooks->create_runtime.v[0].timeout, 5);
    assert_string_equal(c->hooks->create_runtime.v[0].env.v[0], "A=b");
    assert_string_equal(c->hooks->create_container.v[0].path, "/hook/cc");
    assert_string_equal(c->hooks->start_container.v[0].path, "/hook/sc");
    assert_string_equal(c->hooks->poststart.v[0].path, "/hook/ps");
    assert_string_equal(c->hooks->poststop.v[0].path, "/bin/true");
    assert_string_equal(spec_kvlist_get(&c->annotations, "io.kubernetes.cri.sandbox-id"), "x");

    struct spec_linux *l = c->linux_;
    assert_int_equal(l->n_uid_mappings, 1);
    assert_int_equal(l->gid_mappings[0].container_id, 0);
    assert_string_equal(l->cgroups_path, "/kubepods/besteffort/podx/y");
    assert_int_equal(l->n_namespaces, 8);
    assert_int_equal(l->namespaces[4].type, SPEC_NS_NETWORK);
    assert_string_equal(l->namespaces[4].path, "/var/run/netns/cni-x");
    assert_int_equal(l->namespaces[6].type, SPEC_NS_TIME);
    assert_int_equal(l->n_time_offsets, 2);
    /* maps come back sorted by key, as Go prints them */
    assert_string_equal(l->time_offsets[0].clock, "boottime");
    assert_int_equal(l->time_offsets[0].secs, 86400);
    assert_string_equal(l->time_offsets[1].clock, "monotonic");
    assert_int_equal(l->time_offsets[1].secs, -3600);
    assert_int_equal(l->time_offsets[1].nanosecs, 5);
    assert_int_equal(l->n_devices, 1);
    assert_string_equal(l->devices[0].path, "/dev/fuse");
    assert_int_equal(l->devices[0].major, 10);
    assert_true(l->devices[0].has_file_mode);
    assert_int_equal(l->devices[0].file_mode, 438);
    assert_string_equal(l->rootfs_propagation, "rslave");
    assert_string_equal(l->mount_label, "system_u:object_r:container_file_t:s0");
    assert_string_equal(l->intel_rdt->clos_id, "guaranteed");
    assert_string_equal(l->intel_rdt->l3_cache_schema, "L3:0=ff");
    assert_string_equal(l->intel_rdt->mem_bw_schema, "MB:0=70");
    assert_true(l->intel_rdt->has_enable_cmt && l->intel_rdt->enable_cmt);
    assert_true(l->intel_rdt->has_enable_mbm && !l->intel_rdt->enable_mbm);
    assert_string_equal(l->personality->domain, "LINUX32");
    assert_true(l->has_masked_paths);
    assert_int_equal(l->masked_paths.n, 0);
    assert_string_equal(l->readonly_paths.v[0], "/proc/sys");
    assert_string_equal(spec_kvlist_get(&l->sysctl, "net.ipv4.ping_group_range"), "0 2147483647");

    struct spec_seccomp *s = l->seccomp;
    assert_string_equal(s->default_action, "SCMP_ACT_ERRNO");
    assert_true(s->has_default_errno_ret);
    assert_int_equal(s->default_errno_ret, 1);
    assert_int_equal(s->architectures.n, 3);
    assert_string_equal(s->flags.v[0], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
    assert_string_equal(s->listener_path, "/run/seccomp-agent.sock");
    assert_string_equal(s->listener_metadata, "meta");
    assert_int_equal(s->n_syscalls, 5);
    assert_int_equal(s->syscalls[2].args[0].value, 4294967295u);
    assert_false(s->syscalls[2].args[0].has_value_two);
    assert_true(s->syscalls[3].args[0].has_value_two);
    assert_int_equal(s->syscalls[3].args[0].value_two, 0);
    assert_true(s->syscalls[4].has_errno_ret);
    assert_int_equal(s->syscalls[4].errno_ret, 38);
    assert_true(s->syscalls[4].args[0].value == UINT64_MAX);
    assert_true(s->syscalls[4].args[0].value_two == UINT64_MAX);
    assert_string_equal(s->syscalls[4].args[0].op, "SCMP_CMP_MASKED_EQ");

    struct spec_resources *r = l->resources;
    assert_int_equal(r->n_devices, 1);
    assert_false(r->devices[0].allow);
    assert_string_equal(r->devices[0].access, "rwm");
    assert_true(r->memory->has_limit);
    assert_int_equal(r->memory->limit, -1);
    assert_int_equal(r->memory->reservation, 1024);
    assert_int_equal(r->memory->swap, 1073741824);
    assert_int_equal(r->memory->kernel, -1);
    assert_int_equal(r->memory->kernel_tcp, 4096);
    assert_int_equal(r->memory->swappiness, 60);
    assert_true(r->memory->has_disable_oom_killer && r->memory->disable_oom_killer);
    assert_true(r->memory->has_use_hierarchy && r->memory->use_hierarchy);
    assert_true(r->memory->has_check_before_update && r->memory->check_before_update);
    assert_int_equal(r->cpu->shares, 2);
    assert_int_equal(r->cpu->quota, 50000);
    assert_int_equal(r->cpu->burst, 1000);
    assert_int_equal(r->cpu->period, 100000);
    assert_int_equal(r->cpu->realtime_runtime, -1);
    assert_int_equal(r->cpu->realtime_period, 1000000);
    assert_string_equal(r->cpu->cpus, "0-1");
    assert_string_equal(r->cpu->mems, "0");
    assert_int_equal(r->cpu->idle, 1);
    assert_true(r->pids->has_limit);
    assert_int_equal(r->pids->limit, 100);
    assert_int_equal(r->block_io->weight, 500);
    assert_int_equal(r->block_io->leaf_weight, 300);
    assert_int_equal(r->block_io->weight_device[0].major, 8);
    assert_int_equal(r->block_io->weight_device[0].weight, 500);
    assert_int_equal(r->block_io->weight_device[0].leaf_weight, 300);
    assert_true(r->block_io->throttle_read_bps.v[0].rate == UINT64_MAX);
    assert_int_equal(r->block_io->throttle_write_bps.v[0].rate, 1048576);
    assert_int_equal(r->block_io->throttle_read_iops.v[0].rate, 100);
    assert_int_equal(r->block_io->throttle_write_iops.v[0].rate, 100);
    assert_string_equal(r->hugepage_limits[0].page_size, "2MB");
    assert_true(r->hugepage_limits[0].limit == UINT64_MAX);
    assert_int_equal(r->network->class_id, 1048577);
    assert_string_equal(r->network->priorities[0].name, "eth0");
    assert_int_equal(r->network->priorities[0].priority, 500);
    assert_int_equal(r->n_rdma, 1);
    assert_string_equal(r->rdma[0].device, "mlx5_1");
    assert_int_equal(r->rdma[0].hca_handles, 3);
    assert_int_equal(r->rdma[0].hca_objects, 10000);
    assert_string_equal(spec_kvlist_get(&r->unified, "io.weight"), "default 100");
    spec_config_free(c);
}

/* parse -> generate -> parse -> generate is a fixed point, in both
 * layouts, and the digits of the u64 maxima survive. */
static void test_roundtrip(void **state)
{
    struct spec_config *c = parse_ok(FULL);
    for (int pretty = 0; pretty <= 1; pretty++) {
        char *a = gen(c, pretty);
        assert_non_null(strstr(a, "18446744073709551615"));
        struct spec_config *c2 = parse_ok(a);
        char *b = gen(c2, pretty);
        assert_string_equal(a, b);
        assert_true(c2->linux_->seccomp->syscalls[4].args[0].value == UINT64_MAX);
        assert_true(c2->linux_->seccomp->syscalls[4].args[0].value_two == UINT64_MAX);
        assert_true(c2->process->rlimits[0].hard == UINT64_MAX);
        assert_true(c2->linux_->resources->hugepage_limits[0].limit == UINT64_MAX);
        assert_true(c2->linux_->resources->block_io->throttle_read_bps.v[0].rate == UINT64_MAX);
        free(a);
        free(b);
        spec_config_free(c2);
    }
    spec_config_free(c);
}

static void test_dup_is_deep(void **state)
{
    struct spec_config *c = parse_ok(FULL);
    struct spec_config *d = spec_config_dup(c);
    char *a = gen(c, false), *b = gen(d, false);
    assert_string_equal(a, b);
    /* Changing the copy leaves the original alone. */
    free(d->process->args.v[0]);
    d->process->args.v[0] = xstrdup("/other");
    d->linux_->resources->pids->limit = 1;
    spec_strlist_push(&d->process->capabilities->bounding, "CAP_SYS_ADMIN");
    spec_kvlist_set(&d->annotations, "k", "v");
    char *a2 = gen(c, false);
    assert_string_equal(a, a2);
    spec_config_free(d);
    char *a3 = gen(c, false);
    assert_string_equal(a, a3);
    free(a);
    free(a2);
    free(a3);
    free(b);
    spec_config_free(c);
    assert_null(spec_config_dup(NULL));
    assert_null(spec_process_dup(NULL));
    assert_null(spec_resources_dup(NULL));
}

static void test_minimal(void **state)
{
    struct spec_config *c = parse_ok("{\"ociVersion\":\"1.0.0\"}");
    assert_null(c->process);
    assert_null(c->root);
    assert_null(c->linux_);
    assert_int_equal(c->n_mounts, 0);
    char *a = gen(c, false);
    assert_string_equal(a, "{\"ociVersion\":\"1.0.0\"}");
    free(a);
    spec_config_free(c);
    /* null is absent, as in Go */
    c = parse_ok("{\"ociVersion\":\"1.0.0\",\"process\":null,\"linux\":null,\"mounts\":null}");
    assert_null(c->process);
    spec_config_free(c);
}

static void test_unknown_keys_ignored(void **state)
{
    struct spec_config *c = parse_ok(
        "{\"ociVersion\":\"1.2.0\",\"future\":{\"a\":[1,2,{\"b\":null}]},\"windows\":{},"
        "\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":1,\"gid\":2,\"x\":true},\"new\":1},"
        "\"linux\":{\"netDevices\":{\"eth0\":{}},\"memoryPolicy\":{},\"resources\":{\"x\":1,"
        "\"pids\":{\"limit\":5,\"y\":\"z\"}},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
        "\"z\":[]}},\"mounts\":[{\"destination\":\"/x\",\"w\":1}]}");
    assert_int_equal(c->process->user.gid, 2);
    assert_int_equal(c->linux_->resources->pids->limit, 5);
    assert_string_equal(c->mounts[0].destination, "/x");
    spec_config_free(c);
}

static void test_duplicate_keys_last_wins(void **state)
{
    struct spec_config *c = parse_ok("{\"ociVersion\":\"1\",\"hostname\":\"a\",\"hostname\":\"b\","
                                     "\"annotations\":{\"k\":\"1\",\"j\":\"x\",\"k\":\"2\"}}");
    assert_string_equal(c->hostname, "b");
    assert_int_equal(c->annotations.n, 2);
    assert_string_equal(spec_kvlist_get(&c->annotations, "k"), "2");
    spec_config_free(c);
}

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

static void test_parse_file(void **state)
{
    char path[] = "/tmp/aisbx-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, FULL, strlen(FULL)), (ssize_t)strlen(FULL));
    close(fd);
    struct spec_config *c = NULL;
    aisbx_error *err = NULL;
    assert_int_equal(spec_config_parse_file(path, &c, &err), 0);
    assert_string_equal(c->hostname, "pod");
    spec_config_free(c);
    /* errors carry the file name */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "{}", 2), 2);
    close(fd);
    assert_int_equal(spec_config_parse_file(path, &c, &err), -1);
    char *want = xasprintf("%s: ociVersion: missing required key", path);
    assert_string_equal(err->msg, want);
    free(want);
    aisbx_error_free(&err);
    unlink(path);
    assert_int_equal(spec_config_parse_file(path, &c, &err), -1);
    assert_int_equal(err->errnum, ENOENT);
    aisbx_error_free(&err);
    assert_int_equal(spec_config_parse_file("/tmp", &c, &err), -1);
    aisbx_error_free(&err);
}

static void test_generate_omits_absent(void **state)
{
    struct spec_config *c = xmalloc0(sizeof(*c));
    c->process = xmalloc0(sizeof(*c->process));
    c->process->cwd = xstrdup("/");
    spec_strlist_push(&c->process->args, "true");
    c->linux_ = xmalloc0(sizeof(*c->linux_));
    c->linux_->resources = xmalloc0(sizeof(*c->linux_->resources));
    c->linux_->resources->pids = xmalloc0(sizeof(struct spec_pids));
    c->linux_->resources->pids->has_limit = true;
    c->linux_->resources->pids->limit = 256;
    char *a = gen(c, false);
    assert_string_equal(a, "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
                           "\"args\":[\"true\"],\"cwd\":\"/\"},\"linux\":{\"resources\":"
                           "{\"pids\":{\"limit\":256}}}}");
    free(a);
    spec_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_values),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_dup_is_deep),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_unknown_keys_ignored),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_errors_name_the_path),
        cmocka_unit_test(test_malformed_json_one_line),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_parse_file),
        cmocka_unit_test(test_generate_omits_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
