/* LinuxResources (linux.resources, or `update --resources`) -> C structs. */
#include <string.h>

#include "config_internal.h"

/* Optional scalar member into a value + has flag. */
#define OPT(getter, obj, key, field, hasf)                                                         \
    do {                                                                                           \
        int r_ = getter(obj, key, 0, &(field), err);                                               \
        if (r_ < 0)                                                                                \
            return -1;                                                                             \
        if (r_)                                                                                    \
            (hasf) = true;                                                                         \
    } while (0)

static int parse_device_cgroup(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_device_cgroup *d = elem;
    if (json_get_bool(e, "allow", JSON_REQUIRED, &d->allow, err) < 0 ||
        json_get_string(e, "type", 0, &d->type, err) < 0)
        return -1;
    OPT(json_get_i64, e, "major", d->major, d->has_major);
    OPT(json_get_i64, e, "minor", d->minor, d->has_minor);
    return json_get_string(e, "access", 0, &d->access, err) < 0 ? -1 : 0;
}

static int parse_memory(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "memory", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_memory *mem = res->memory = xmalloc0(sizeof(*mem));
    OPT(json_get_i64, &m, "limit", mem->limit, mem->has_limit);
    OPT(json_get_i64, &m, "reservation", mem->reservation, mem->has_reservation);
    OPT(json_get_i64, &m, "swap", mem->swap, mem->has_swap);
    OPT(json_get_i64, &m, "kernel", mem->kernel, mem->has_kernel);
    OPT(json_get_i64, &m, "kernelTCP", mem->kernel_tcp, mem->has_kernel_tcp);
    OPT(json_get_u64, &m, "swappiness", mem->swappiness, mem->has_swappiness);
    OPT(json_get_bool, &m, "disableOOMKiller", mem->disable_oom_killer,
        mem->has_disable_oom_killer);
    OPT(json_get_bool, &m, "useHierarchy", mem->use_hierarchy, mem->has_use_hierarchy);
    OPT(json_get_bool, &m, "checkBeforeUpdate", mem->check_before_update,
        mem->has_check_before_update);
    return 0;
}

static int parse_cpu(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "cpu", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_cpu *c = res->cpu = xmalloc0(sizeof(*c));
    OPT(json_get_u64, &m, "shares", c->shares, c->has_shares);
    OPT(json_get_i64, &m, "quota", c->quota, c->has_quota);
    OPT(json_get_u64, &m, "burst", c->burst, c->has_burst);
    OPT(json_get_u64, &m, "period", c->period, c->has_period);
    OPT(json_get_i64, &m, "realtimeRuntime", c->realtime_runtime, c->has_realtime_runtime);
    OPT(json_get_u64, &m, "realtimePeriod", c->realtime_period, c->has_realtime_period);
    OPT(json_get_i64, &m, "idle", c->idle, c->has_idle);
    if (json_get_string(&m, "cpus", 0, &c->cpus, err) < 0 ||
        json_get_string(&m, "mems", 0, &c->mems, err) < 0)
        return -1;
    return 0;
}

static int parse_weight_device(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_weight_device *w = elem;
    if (json_get_i64(e, "major", JSON_REQUIRED, &w->major, err) < 0 ||
        json_get_i64(e, "minor", JSON_REQUIRED, &w->minor, err) < 0)
        return -1;
    OPT(json_get_u16, e, "weight", w->weight, w->has_weight);
    OPT(json_get_u16, e, "leafWeight", w->leaf_weight, w->has_leaf_weight);
    return 0;
}

static int parse_throttle_device(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_throttle_device *t = elem;
    if (json_get_i64(e, "major", JSON_REQUIRED, &t->major, err) < 0 ||
        json_get_i64(e, "minor", JSON_REQUIRED, &t->minor, err) < 0 ||
        json_get_u64(e, "rate", JSON_REQUIRED, &t->rate, err) < 0)
        return -1;
    return 0;
}

static int parse_throttle(const struct json_at *o, const char *key, struct spec_throttle_list *l,
                          aisbx_error **err)
{
    return spec_parse_array(o, key, 0, sizeof(*l->v), parse_throttle_device, &l->v, &l->n, err);
}

static int parse_blkio(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "blockIO", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_blkio *b = res->block_io = xmalloc0(sizeof(*b));
    OPT(json_get_u16, &m, "weight", b->weight, b->has_weight);
    OPT(json_get_u16, &m, "leafWeight", b->leaf_weight, b->has_leaf_weight);
    if (spec_parse_array(&m, "weightDevice", 0, sizeof(*b->weight_device), parse_weight_device,
                         &b->weight_device, &b->n_weight_device, err) < 0 ||
        parse_throttle(&m, "throttleReadBpsDevice", &b->throttle_read_bps, err) < 0 ||
        parse_throttle(&m, "throttleWriteBpsDevice", &b->throttle_write_bps, err) < 0 ||
        parse_throttle(&m, "throttleReadIOPSDevice", &b->throttle_read_iops, err) < 0 ||
        parse_throttle(&m, "throttleWriteIOPSDevice", &b->throttle_write_iops, err) < 0)
        return -1;
    return 0;
}

static int parse_hugepage(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_hugepage_limit *h = elem;
    if (json_get_string(e, "pageSize", JSON_REQUIRED, &h->page_size, err) < 0 ||
        json_get_u64(e, "limit", JSON_REQUIRED, &h->limit, err) < 0)
        return -1;
    return 0;
}

static int parse_net_priority(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_net_priority *p = elem;
    if (json_get_string(e, "name", JSON_REQUIRED, &p->name, err) < 0 ||
        json_get_u32(e, "priority", JSON_REQUIRED, &p->priority, err) < 0)
        return -1;
    return 0;
}

static int parse_network(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "network", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_network_resources *n = res->network = xmalloc0(sizeof(*n));
    OPT(json_get_u32, &m, "classID", n->class_id, n->has_class_id);
    return spec_parse_array(&m, "priorities", 0, sizeof(*n->priorities), parse_net_priority,
                            &n->priorities, &n->n_priorities, err) < 0
               ? -1
               : 0;
}

static int parse_pids(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "pids", 0, &m, err);
    if (r <= 0)
        return r;
    struct spec_pids *p = res->pids = xmalloc0(sizeof(*p));
    OPT(json_get_i64, &m, "limit", p->limit, p->has_limit);
    return 0;
}

/* rdma is a map keyed by device name. */
static int parse_rdma(const struct json_at *o, struct spec_resources *res, aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, "rdma", 0, &m, err);
    if (r <= 0)
        return r;
    size_t n;
    size_t *idx = spec_object_unique_keys(&m, &n);
    res->rdma = xmalloc0(n * sizeof(*res->rdma));
    for (size_t i = 0; i < n; i++) {
        const char *dev;
        struct json_at e = json_object_entry(&m, idx[i], &dev);
        struct spec_rdma *d = &res->rdma[res->n_rdma++];
        d->device = xstrdup(dev);
        if (json_expect_object(&e, err) < 0 ||
            (r = json_get_u32(&e, "hcaHandles", 0, &d->hca_handles, err)) < 0)
            goto fail;
        d->has_hca_handles = r;
        if ((r = json_get_u32(&e, "hcaObjects", 0, &d->hca_objects, err)) < 0)
            goto fail;
        d->has_hca_objects = r;
    }
    free(idx);
    return 0;
fail:
    free(idx);
    return -1;
}

static int parse_resources_fields(const struct json_at *o, struct spec_resources *r,
                                  aisbx_error **err)
{
    if (spec_parse_array(o, "devices", 0, sizeof(*r->devices), parse_device_cgroup, &r->devices,
                         &r->n_devices, err) < 0 ||
        parse_memory(o, r, err) < 0 || parse_cpu(o, r, err) < 0 || parse_pids(o, r, err) < 0 ||
        parse_blkio(o, r, err) < 0 ||
        spec_parse_array(o, "hugepageLimits", 0, sizeof(*r->hugepage_limits), parse_hugepage,
                         &r->hugepage_limits, &r->n_hugepage_limits, err) < 0 ||
        parse_network(o, r, err) < 0 || parse_rdma(o, r, err) < 0 ||
        spec_parse_string_map(o, "unified", &r->unified, err) < 0)
        return -1;
    return 0;
}

int spec_parse_resources_at(const struct json_at *at, struct spec_resources **out,
                            aisbx_error **err)
{
    *out = NULL;
    if (json_expect_object(at, err) < 0)
        return -1;
    struct spec_resources *r = xmalloc0(sizeof(*r));
    if (parse_resources_fields(at, r, err) < 0) {
        spec_resources_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

int spec_resources_parse(const char *buf, size_t len, struct spec_resources **out,
                         aisbx_error **err)
{
    json_node *tree;
    *out = NULL;
    if (json_parse(buf, len, SPEC_MAX_CONFIG_BYTES, "resources", &tree, err) < 0)
        return -1;
    struct json_at root = json_root(tree, "resources");
    int r = spec_parse_resources_at(&root, out, err);
    json_free(tree);
    return r;
}
