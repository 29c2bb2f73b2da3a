/* The `linux` section and LinuxResources -> JSON. */
#include "config_internal.h"

#define KV_OPT_U64(g, key, has, v)                                                                 \
    do {                                                                                           \
        if (has)                                                                                   \
            json_gen_kv_u64(g, key, v);                                                            \
    } while (0)
#define KV_OPT_I64(g, key, has, v)                                                                 \
    do {                                                                                           \
        if (has)                                                                                   \
            json_gen_kv_i64(g, key, v);                                                            \
    } while (0)
#define KV_OPT_BOOL(g, key, has, v)                                                                \
    do {                                                                                           \
        if (has)                                                                                   \
            json_gen_kv_bool(g, key, v);                                                           \
    } while (0)

/* ---- resources ------------------------------------------------------------ */

static void gen_memory(struct json_gen *g, const struct spec_memory *m)
{
    json_gen_key(g, "memory");
    json_gen_map_open(g);
    KV_OPT_I64(g, "limit", m->has_limit, m->limit);
    KV_OPT_I64(g, "reservation", m->has_reservation, m->reservation);
    KV_OPT_I64(g, "swap", m->has_swap, m->swap);
    KV_OPT_I64(g, "kernel", m->has_kernel, m->kernel);
    KV_OPT_I64(g, "kernelTCP", m->has_kernel_tcp, m->kernel_tcp);
    KV_OPT_U64(g, "swappiness", m->has_swappiness, m->swappiness);
    KV_OPT_BOOL(g, "disableOOMKiller", m->has_disable_oom_killer, m->disable_oom_killer);
    KV_OPT_BOOL(g, "useHierarchy", m->has_use_hierarchy, m->use_hierarchy);
    KV_OPT_BOOL(g, "checkBeforeUpdate", m->has_check_before_update, m->check_before_update);
    json_gen_map_close(g);
}

static void gen_cpu(struct json_gen *g, const struct spec_cpu *c)
{
    json_gen_key(g, "cpu");
    json_gen_map_open(g);
    KV_OPT_U64(g, "shares", c->has_shares, c->shares);
    KV_OPT_I64(g, "quota", c->has_quota, c->quota);
    KV_OPT_U64(g, "burst", c->has_burst, c->burst);
    KV_OPT_U64(g, "period", c->has_period, c->period);
    KV_OPT_I64(g, "realtimeRuntime", c->has_realtime_runtime, c->realtime_runtime);
    KV_OPT_U64(g, "realtimePeriod", c->has_realtime_period, c->realtime_period);
    json_gen_kv_string(g, "cpus", c->cpus);
    json_gen_kv_string(g, "mems", c->mems);
    KV_OPT_I64(g, "idle", c->has_idle, c->idle);
    json_gen_map_close(g);
}

static void gen_throttle(struct json_gen *g, const char *key, const struct spec_throttle_list *l)
{
    if (!l->v)
        return;
    json_gen_key(g, key);
    json_gen_array_open(g);
    for (size_t i = 0; i < l->n; i++) {
        json_gen_map_open(g);
        json_gen_kv_i64(g, "major", l->v[i].major);
        json_gen_kv_i64(g, "minor", l->v[i].minor);
        json_gen_kv_u64(g, "rate", l->v[i].rate);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}

static void gen_blkio(struct json_gen *g, const struct spec_blkio *b)
{
    json_gen_key(g, "blockIO");
    json_gen_map_open(g);
    KV_OPT_U64(g, "weight", b->has_weight, b->weight);
    KV_OPT_U64(g, "leafWeight", b->has_leaf_weight, b->leaf_weight);
    if (b->weight_device) {
        json_gen_key(g, "weightDevice");
        json_gen_array_open(g);
        for (size_t i = 0; i < b->n_weight_device; i++) {
            const struct spec_weight_device *w = &b->weight_device[i];
            json_gen_map_open(g);
            json_gen_kv_i64(g, "major", w->major);
            json_gen_kv_i64(g, "minor", w->minor);
            KV_OPT_U64(g, "weight", w->has_weight, w->weight);
            KV_OPT_U64(g, "leafWeight", w->has_leaf_weight, w->leaf_weight);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    gen_throttle(g, "throttleReadBpsDevice", &b->throttle_read_bps);
    gen_throttle(g, "throttleWriteBpsDevice", &b->throttle_write_bps);
    gen_throttle(g, "throttleReadIOPSDevice", &b->throttle_read_iops);
    gen_throttle(g, "throttleWriteIOPSDevice", &b->throttle_write_iops);
    json_gen_map_close(g);
}

static void gen_network(struct json_gen *g, const struct spec_network_resources *n)
{
    json_gen_key(g, "network");
    json_gen_map_open(g);
    KV_OPT_U64(g, "classID", n->has_class_id, n->class_id);
    if (n->priorities) {
        json_gen_key(g, "priorities");
        json_gen_array_open(g);
        for (size_t i = 0; i < n->n_priorities; i++) {
            json_gen_map_open(g);
            json_gen_kv_string(g, "name", n->priorities[i].name);
            json_gen_kv_u64(g, "priority", n->priorities[i].priority);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    json_gen_map_close(g);
}

static void gen_device_cgroups(struct json_gen *g, const struct spec_resources *r)
{
    if (!r->devices)
        return;
    json_gen_key(g, "devices");
    json_gen_array_open(g);
    for (size_t i = 0; i < r->n_devices; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];
        json_gen_map_open(g);
        json_gen_kv_bool(g, "allow", d->allow);
        json_gen_kv_string(g, "type", d->type);
        KV_OPT_I64(g, "major", d->has_major, d->major);
        KV_OPT_I64(g, "minor", d->has_minor, d->minor);
        json_gen_kv_string(g, "access", d->access);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}

void spec_gen_resources(struct json_gen *g, const struct spec_resources *r)
{
    json_gen_map_open(g);
    gen_device_cgroups(g, r);
    if (r->memory)
        gen_memory(g, r->memory);
    if (r->cpu)
        gen_cpu(g, r->cpu);
    if (r->pids) {
        json_gen_key(g, "pids");
        json_gen_map_open(g);
        KV_OPT_I64(g, "limit", r->pids->has_limit, r->pids->limit);
        json_gen_map_close(g);
    }
    if (r->block_io)
        gen_blkio(g, r->block_io);
    if (r->hugepage_limits) {
        json_gen_key(g, "hugepageLimits");
        json_gen_array_open(g);
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
            json_gen_map_open(g);
            json_gen_kv_string(g, "pageSize", r->hugepage_limits[i].page_size);
            json_gen_kv_u64(g, "limit", r->hugepage_limits[i].limit);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    if (r->network)
        gen_network(g, r->network);
    if (r->rdma) {
        json_gen_key(g, "rdma");
        json_gen_map_open(g);
        for (size_t i = 0; i < r->n_rdma; i++) {
            const struct spec_rdma *d = &r->rdma[i];
            json_gen_key(g, d->device ? d->device : "");
            json_gen_map_open(g);
            KV_OPT_U64(g, "hcaHandles", d->has_hca_handles, d->hca_handles);
            KV_OPT_U64(g, "hcaObjects", d->has_hca_objects, d->hca_objects);
            json_gen_map_close(g);
        }
        json_gen_map_close(g);
    }
    spec_gen_kvlist(g, "unified", &r->unified);
    json_gen_map_close(g);
}

/* ---- linux ------------------------------------------------------------------- */

static void gen_seccomp(struct json_gen *g, const struct spec_seccomp *s)
{
    json_gen_key(g, "seccomp");
    json_gen_map_open(g);
    json_gen_kv_string(g, "defaultAction", s->default_action);
    KV_OPT_U64(g, "defaultErrnoRet", s->has_default_errno_ret, s->default_errno_ret);
    if (s->architectures.v)
        json_gen_kv_strings(g, "architectures", s->architectures.v, s->architectures.n);
    if (s->flags.v)
        json_gen_kv_strings(g, "flags", s->flags.v, s->flags.n);
    json_gen_kv_string(g, "listenerPath", s->listener_path);
    json_gen_kv_string(g, "listenerMetadata", s->listener_metadata);
    if (s->syscalls) {
        json_gen_key(g, "syscalls");
        json_gen_array_open(g);
        for (size_t i = 0; i < s->n_syscalls; i++) {
            const struct spec_seccomp_syscall *sc = &s->syscalls[i];
            json_gen_map_open(g);
            json_gen_kv_strings(g, "names", sc->names.v, sc->names.n);
            json_gen_kv_string(g, "action", sc->action);
            KV_OPT_U64(g, "errnoRet", sc->has_errno_ret, sc->errno_ret);
            if (sc->args) {
                json_gen_key(g, "args");
                json_gen_array_open(g);
                for (size_t j = 0; j < sc->n_args; j++) {
                    const struct spec_seccomp_arg *a = &sc->args[j];
                    json_gen_map_open(g);
                    json_gen_kv_u64(g, "index", a->index);
                    json_gen_kv_u64(g, "value", a->value);
                    KV_OPT_U64(g, "valueTwo", a->has_value_two, a->value_two);
                    json_gen_kv_string(g, "op", a->op);
                    json_gen_map_close(g);
                }
                json_gen_array_close(g);
            }
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    json_gen_map_close(g);
}

static void gen_devices(struct json_gen *g, const struct spec_linux *l)
{
    if (!l->devices)
        return;
    json_gen_key(g, "devices");
    json_gen_array_open(g);
    for (size_t i = 0; i < l->n_devices; i++) {
        const struct spec_device *d = &l->devices[i];
        json_gen_map_open(g);
        json_gen_kv_string(g, "path", d->path);
        json_gen_kv_string(g, "type", d->type);
        json_gen_kv_i64(g, "major", d->major);
        json_gen_kv_i64(g, "minor", d->minor);
        KV_OPT_U64(g, "fileMode", d->has_file_mode, d->file_mode);
        KV_OPT_U64(g, "uid", d->has_uid, d->uid);
        KV_OPT_U64(g, "gid", d->has_gid, d->gid);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}

static void gen_small_objects(struct json_gen *g, const struct spec_linux *l)
{
    if (l->intel_rdt) {
        const struct spec_intel_rdt *r = l->intel_rdt;
        json_gen_key(g, "intelRdt");
        json_gen_map_open(g);
        json_gen_kv_string(g, "closID", r->clos_id);
        json_gen_kv_string(g, "l3CacheSchema", r->l3_cache_schema);
        json_gen_kv_string(g, "memBwSchema", r->mem_bw_schema);
        KV_OPT_BOOL(g, "enableCMT", r->has_enable_cmt, r->enable_cmt);
        KV_OPT_BOOL(g, "enableMBM", r->has_enable_mbm, r->enable_mbm);
        json_gen_map_close(g);
    }
    if (l->personality) {
        json_gen_key(g, "personality");
        json_gen_map_open(g);
        json_gen_kv_string(g, "domain", l->personality->domain);
        if (l->personality->flags.v)
            json_gen_kv_strings(g, "flags", l->personality->flags.v, l->personality->flags.n);
        json_gen_map_close(g);
    }
    if (l->time_offsets) {
        json_gen_key(g, "timeOffsets");
        json_gen_map_open(g);
        for (size_t i = 0; i < l->n_time_offsets; i++) {
            const struct spec_time_offset *t = &l->time_offsets[i];
            json_gen_key(g, t->clock ? t->clock : "");
            json_gen_map_open(g);
            json_gen_kv_i64(g, "secs", t->secs);
            json_gen_kv_u64(g, "nanosecs", t->nanosecs);
            json_gen_map_close(g);
        }
        json_gen_map_close(g);
    }
}

void spec_gen_linux(struct json_gen *g, const struct spec_linux *l)
{
    json_gen_map_open(g);
    spec_gen_id_mappings(g, "uidMappings", l->uid_mappings, l->n_uid_mappings);
    spec_gen_id_mappings(g, "gidMappings", l->gid_mappings, l->n_gid_mappings);
    spec_gen_kvlist(g, "sysctl", &l->sysctl);
    if (l->resources) {
        json_gen_key(g, "resources");
        spec_gen_resources(g, l->resources);
    }
    json_gen_kv_string(g, "cgroupsPath", l->cgroups_path);
    if (l->namespaces) {
        json_gen_key(g, "namespaces");
        json_gen_array_open(g);
        for (size_t i = 0; i < l->n_namespaces; i++) {
            json_gen_map_open(g);
            json_gen_kv_string(g, "type", spec_ns_type_name(l->namespaces[i].type));
            json_gen_kv_string(g, "path", l->namespaces[i].path);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    gen_devices(g, l);
    if (l->seccomp)
        gen_seccomp(g, l->seccomp);
    json_gen_kv_string(g, "rootfsPropagation", l->rootfs_propagation);
    if (l->masked_paths.v || l->has_masked_paths)
        json_gen_kv_strings(g, "maskedPaths", l->masked_paths.v, l->masked_paths.n);
    if (l->readonly_paths.v || l->has_readonly_paths)
        json_gen_kv_strings(g, "readonlyPaths", l->readonly_paths.v, l->readonly_paths.n);
    json_gen_kv_string(g, "mountLabel", l->mount_label);
    gen_small_objects(g, l);
    json_gen_map_close(g);
}
