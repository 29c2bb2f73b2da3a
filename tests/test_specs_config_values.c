/* specs/ config.json: every section of the full example parses to the
 * exact values. */
#include "tests/specs_config_helpers.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
