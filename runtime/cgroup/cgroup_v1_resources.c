/* cgroup v1 limits: one write per spec field into the hierarchy that
 * carries its controller, with runc's rules (zero means "not set", memory
 * and memory+swap written in the order the kernel accepts) and device rules
 * written to devices.allow/deny in the config's order. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/log.h"

/* ---- resources ---------------------------------------------------------- */

/* An open cgroup directory of one controller; fd -1 if not mounted. */
struct ctl {
    char *dir;
    int fd;
};

static int ctl_open(const struct cg_hier *h, size_t n, const char *controller, const char *path,
                    struct ctl *c, aisbx_error **err)
{
    c->dir = NULL;
    c->fd = -1;
    const struct cg_hier *x = cg_v1_find(h, n, controller);
    if (!x)
        return 0;
    c->dir = xasprintf("%s%s", x->mount, path);
    c->fd = cg_open_dir(c->dir, err);
    return c->fd < 0 ? -1 : 0;
}

static void ctl_close(struct ctl *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->dir);
    c->dir = NULL;
    c->fd = -1;
}

static int missing(const char *what, aisbx_error **err)
{
    return aisbx_error_make(err, EOPNOTSUPP, "%s requested but not supported by this host", what);
}

static int set_pids(struct ctl *c, const struct spec_pids *p, aisbx_error **err)
{
    if (!p || !p->has_limit || p->limit == 0)
        return 0;
    if (c->fd < 0)
        return missing("pids limit", err);
    if (p->limit < 0)
        return cg_write(c->fd, c->dir, "pids.max", "max", err);
    return cg_writef(c->fd, c->dir, "pids.max", err, "%" PRId64, p->limit);
}

static int write_mem_limit(struct ctl *c, int64_t limit, aisbx_error **err)
{
    aisbx_error *e = NULL;
    if (cg_writef(c->fd, c->dir, "memory.limit_in_bytes", &e, "%" PRId64, limit) == 0)
        return 0;
    if (e->errnum == EBUSY) {
        int64_t usage = 0, peak = 0;
        cg_read_int64(c->fd, "memory.usage_in_bytes", &usage);
        cg_read_int64(c->fd, "memory.max_usage_in_bytes", &peak);
        aisbx_error_free(&e);
        return aisbx_error_make(err, EBUSY,
                                "unable to set memory limit to %" PRId64 " (current usage: %" PRId64
                                ", peak usage: %" PRId64 ")",
                                limit, usage, peak);
    }
    return cg_error_pass(err, e);
}

static int write_memsw(struct ctl *c, int64_t swap, int64_t limit, aisbx_error **err)
{
    if (!cg_has_file(c->fd, "memory.memsw.limit_in_bytes")) {
        /* memory+swap equal to memory (or unlimited) asks for nothing the
         * host lacks: swap accounting off means no swap limit to set. */
        if (swap == -1 || swap == limit)
            return 0;
        return missing("memory swap limit", err);
    }
    return cg_writef(c->fd, c->dir, "memory.memsw.limit_in_bytes", err, "%" PRId64, swap);
}

static bool memory_requested(const struct spec_memory *m, bool update)
{
    return (m->has_limit && m->limit) || (m->has_reservation && m->reservation) ||
           (m->has_swap && m->swap) || (m->has_swappiness && (!update || m->swappiness)) ||
           (m->has_disable_oom_killer && m->disable_oom_killer) ||
           (m->has_kernel_tcp && m->kernel_tcp);
}

static int set_memory(struct ctl *c, const struct spec_memory *m, bool update, aisbx_error **err)
{
    if (!m || !memory_requested(m, update))
        return 0;
    if (c->fd < 0)
        return missing("memory limits", err);
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
    if (limit == -1 && swap == 0 && cg_has_file(c->fd, "memory.memsw.limit_in_bytes"))
        swap = -1;
    /* Order the two writes so the kernel's limit <= memsw check holds at
     * every step (runc's setMemoryAndSwap). */
    bool swap_first = false;
    if (limit != 0 && swap != 0) {
        int64_t cur = 0;
        if (cg_read_int64(c->fd, "memory.limit_in_bytes", &cur) < 0)
            return aisbx_error_make(err, errno, "read %s/memory.limit_in_bytes", c->dir);
        swap_first = swap == -1 || (uint64_t)cur < (uint64_t)swap;
    }
    if (swap_first && write_memsw(c, swap, limit, err) < 0)
        return -1;
    if (limit != 0 && write_mem_limit(c, limit, err) < 0)
        return -1;
    if (!swap_first && swap != 0 && write_memsw(c, swap, limit, err) < 0)
        return -1;
    if (m->has_reservation && m->reservation &&
        cg_writef(c->fd, c->dir, "memory.soft_limit_in_bytes", err, "%" PRId64, m->reservation) < 0)
        return -1;
    if (m->has_swappiness && (!update || m->swappiness) && m->swappiness != UINT64_MAX) {
        if (m->swappiness > 100)
            return aisbx_error_make(err, EINVAL,
                                    "invalid memory swappiness %" PRIu64 " (valid range 0-100)",
                                    m->swappiness);
        if (cg_writef(c->fd, c->dir, "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
            return -1;
    }
    if (m->has_disable_oom_killer && m->disable_oom_killer &&
        cg_write(c->fd, c->dir, "memory.oom_control", "1", err) < 0)
        return -1;
    if (m->has_kernel_tcp && m->kernel_tcp &&
        cg_writef(c->fd, c->dir, "memory.kmem.tcp.limit_in_bytes", err, "%" PRId64, m->kernel_tcp) <
            0)
        return -1;
    /* memory.kernel is deprecated and ignored, as runc does. */
    return 0;
}

static int set_cpu(struct ctl *c, const struct spec_cpu *p, bool update, aisbx_error **err)
{
    bool idle = p->has_idle && (!update || p->idle), burst = p->has_burst && (!update || p->burst);
    if (!((p->has_shares && p->shares) || (p->has_quota && p->quota) ||
          (p->has_period && p->period) || burst || idle ||
          (p->has_realtime_period && p->realtime_period) ||
          (p->has_realtime_runtime && p->realtime_runtime)))
        return 0;
    if (c->fd < 0)
        return missing("cpu limits", err);
    if (p->has_shares && p->shares &&
        cg_writef(c->fd, c->dir, "cpu.shares", err, "%" PRIu64, p->shares) < 0)
        return -1;
    /* A new period can be refused while the old quota does not fit it:
     * then write the quota first (runc does the same). */
    bool period_later = false;
    if (p->has_period && p->period) {
        aisbx_error *e = NULL;
        if (cg_writef(c->fd, c->dir, "cpu.cfs_period_us", &e, "%" PRIu64, p->period) < 0) {
            if (e->errnum != EINVAL || !(p->has_quota && p->quota))
                return cg_error_pass(err, e);
            aisbx_error_free(&e);
            period_later = true;
        }
    }
    if (p->has_quota && p->quota &&
        cg_writef(c->fd, c->dir, "cpu.cfs_quota_us", err, "%" PRId64, p->quota) < 0)
        return -1;
    if (period_later &&
        cg_writef(c->fd, c->dir, "cpu.cfs_period_us", err, "%" PRIu64, p->period) < 0)
        return -1;
    if (burst) {
        if (!cg_has_file(c->fd, "cpu.cfs_burst_us")) {
            if (p->burst)
                return missing("cpu burst", err);
        } else if (cg_writef(c->fd, c->dir, "cpu.cfs_burst_us", err, "%" PRIu64, p->burst) < 0) {
            return -1;
        }
    }
    if (p->has_realtime_period && p->realtime_period &&
        cg_writef(c->fd, c->dir, "cpu.rt_period_us", err, "%" PRIu64, p->realtime_period) < 0)
        return -1;
    if (p->has_realtime_runtime && p->realtime_runtime &&
        cg_writef(c->fd, c->dir, "cpu.rt_runtime_us", err, "%" PRId64, p->realtime_runtime) < 0)
        return -1;
    if (idle) {
        if (!cg_has_file(c->fd, "cpu.idle")) {
            if (p->idle)
                return missing("cpu idle", err);
        } else if (cg_writef(c->fd, c->dir, "cpu.idle", err, "%" PRId64, p->idle) < 0) {
            return -1;
        }
    }
    return 0;
}

static int set_cpuset(struct ctl *c, const struct spec_cpu *p, aisbx_error **err)
{
    bool cpus = p->cpus && *p->cpus, mems = p->mems && *p->mems;
    if (!cpus && !mems)
        return 0;
    if (c->fd < 0)
        return missing("cpuset", err);
    if (cpus && cg_write(c->fd, c->dir, "cpuset.cpus", p->cpus, err) < 0)
        return -1;
    if (mems && cg_write(c->fd, c->dir, "cpuset.mems", p->mems, err) < 0)
        return -1;
    return 0;
}

static int write_throttle(struct ctl *c, const char *file, const struct spec_throttle_list *l,
                          aisbx_error **err)
{
    for (size_t i = 0; i < l->n; i++)
        if (cg_writef(c->fd, c->dir, file, err, "%" PRId64 ":%" PRId64 " %" PRIu64, l->v[i].major,
                      l->v[i].minor, l->v[i].rate) < 0)
            return -1;
    return 0;
}

static int set_blkio(struct ctl *c, const struct spec_blkio *b, aisbx_error **err)
{
    bool any = (b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) ||
               b->n_weight_device || b->throttle_read_bps.n || b->throttle_write_bps.n ||
               b->throttle_read_iops.n || b->throttle_write_iops.n;
    if (!any)
        return 0;
    if (c->fd < 0)
        return missing("block io limits", err);
    /* CFQ's blkio.weight is gone from recent kernels; BFQ has its own. */
    const char *wfile = cg_has_file(c->fd, "blkio.weight")       ? "blkio.weight"
                        : cg_has_file(c->fd, "blkio.bfq.weight") ? "blkio.bfq.weight"
                                                                 : NULL;
    if (b->has_weight && b->weight) {
        if (!wfile)
            return missing("block io weight", err);
        if (cg_writef(c->fd, c->dir, wfile, err, "%u", b->weight) < 0)
            return -1;
    }
    if (b->has_leaf_weight && b->leaf_weight) {
        if (!cg_has_file(c->fd, "blkio.leaf_weight"))
            return missing("block io leaf weight", err);
        if (cg_writef(c->fd, c->dir, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->n_weight_device; i++) {
        const struct spec_weight_device *w = &b->weight_device[i];
        if (w->has_weight) {
            if (!wfile)
                return missing("block io weight", err);
            char *f = xasprintf("%s_device", wfile);
            int r = cg_writef(c->fd, c->dir, f, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                              w->minor, w->weight);
            free(f);
            if (r < 0)
                return -1;
        }
        if (w->has_leaf_weight &&
            cg_writef(c->fd, c->dir, "blkio.leaf_weight_device", err, "%" PRId64 ":%" PRId64 " %u",
                      w->major, w->minor, w->leaf_weight) < 0)
            return -1;
    }
    if (write_throttle(c, "blkio.throttle.read_bps_device", &b->throttle_read_bps, err) < 0 ||
        write_throttle(c, "blkio.throttle.write_bps_device", &b->throttle_write_bps, err) < 0 ||
        write_throttle(c, "blkio.throttle.read_iops_device", &b->throttle_read_iops, err) < 0 ||
        write_throttle(c, "blkio.throttle.write_iops_device", &b->throttle_write_iops, err) < 0)
        return -1;
    return 0;
}

static int set_hugetlb(struct ctl *c, const struct spec_resources *r, aisbx_error **err)
{
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
        if (!h->page_size || strchr(h->page_size, '/'))
            return aisbx_error_make(err, EINVAL, "invalid hugepage size '%s'",
                                    h->page_size ? h->page_size : "");
        if (c->fd < 0) {
            /* Kubernetes sends a 0 limit for every size it knows. */
            if (h->limit == 0)
                continue;
            return missing("hugetlb limit", err);
        }
        char *f = xasprintf("hugetlb.%s.limit_in_bytes", h->page_size);
        int ret = cg_writef(c->fd, c->dir, f, err, "%" PRIu64, h->limit);
        free(f);
        if (ret < 0)
            return -1;
        f = xasprintf("hugetlb.%s.rsvd.limit_in_bytes", h->page_size);
        if (cg_has_file(c->fd, f))
            ret = cg_writef(c->fd, c->dir, f, err, "%" PRIu64, h->limit);
        free(f);
        if (ret < 0)
            return -1;
    }
    return 0;
}

static int set_network(struct ctl *cls, struct ctl *prio, const struct spec_network_resources *n,
                       aisbx_error **err)
{
    if (!n)
        return 0;
    if (n->has_class_id && n->class_id) {
        if (cls->fd < 0)
            return missing("network class id", err);
        if (cg_writef(cls->fd, cls->dir, "net_cls.classid", err, "%u", n->class_id) < 0)
            return -1;
    }
    for (size_t i = 0; i < n->n_priorities; i++) {
        if (prio->fd < 0)
            return missing("network priorities", err);
        if (cg_writef(prio->fd, prio->dir, "net_prio.ifpriomap", err, "%s %u",
                      n->priorities[i].name, n->priorities[i].priority) < 0)
            return -1;
    }
    return 0;
}

static int set_rdma(struct ctl *c, const struct spec_resources *r, aisbx_error **err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        const struct spec_rdma *d = &r->rdma[i];
        if (!d->has_hca_handles && !d->has_hca_objects)
            continue;
        if (c->fd < 0)
            return missing("rdma limits", err);
        char h[32] = "", o[32] = "";
        if (d->has_hca_handles)
            snprintf(h, sizeof(h), " hca_handle=%u", d->hca_handles);
        if (d->has_hca_objects)
            snprintf(o, sizeof(o), " hca_object=%u", d->hca_objects);
        if (cg_writef(c->fd, c->dir, "rdma.max", err, "%s%s%s", d->device, h, o) < 0)
            return -1;
    }
    return 0;
}

static int set_devices(struct ctl *c, const struct spec_resources *r, aisbx_error **err)
{
    if (!r->n_devices)
        return 0;
    if (c->fd < 0)
        return missing("device rules", err);
    for (size_t i = 0; i < r->n_devices; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];
        char maj[24] = "*", min[24] = "*";
        if (d->has_major && d->major >= 0)
            snprintf(maj, sizeof(maj), "%" PRId64, d->major);
        if (d->has_minor && d->minor >= 0)
            snprintf(min, sizeof(min), "%" PRId64, d->minor);
        const char *type = d->type && *d->type ? d->type : "a";
        const char *acc = d->access && *d->access ? d->access : "rwm";
        if (strlen(type) != 1 || !strchr("acb", type[0]) || strspn(acc, "rwm") != strlen(acc))
            return aisbx_error_make(err, EINVAL, "invalid device rule type '%s' access '%s'", type,
                                    acc);
        if (cg_writef(c->fd, c->dir, d->allow ? "devices.allow" : "devices.deny", err,
                      "%s %s:%s %s", type, maj, min, acc) < 0)
            return -1;
    }
    return 0;
}

enum {
    C_PIDS,
    C_MEM,
    C_CPU,
    C_CPUSET,
    C_BLKIO,
    C_HUGETLB,
    C_NETCLS,
    C_NETPRIO,
    C_RDMA,
    C_DEV,
    C_N
};
static const char *const ctl_names[C_N] = {"pids",    "memory",  "cpu",      "cpuset", "blkio",
                                           "hugetlb", "net_cls", "net_prio", "rdma",   "devices"};

int cg_v1_apply(const char *path, const struct spec_resources *r, bool update, aisbx_error **err)
{
    if (!r)
        return 0;
    /* runc's words (ErrV1NoUnified), which its users' scripts match */
    if (r->unified.n)
        return aisbx_error_make_exact(err, EINVAL,
                                      "invalid configuration: cannot use unified on cgroup v1");
    struct cg_hier *h = NULL;
    size_t n = 0;
    struct ctl c[C_N];
    int ret = -1, i;
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return -1;
    for (i = 0; i < C_N; i++)
        c[i].fd = -1, c[i].dir = NULL;
    for (i = 0; i < C_N; i++)
        if (ctl_open(h, n, ctl_names[i], path, &c[i], err) < 0)
            goto out;
    if (set_pids(&c[C_PIDS], r->pids, err) < 0 || set_memory(&c[C_MEM], r->memory, update, err) < 0)
        goto out;
    if (r->cpu &&
        (set_cpu(&c[C_CPU], r->cpu, update, err) < 0 || set_cpuset(&c[C_CPUSET], r->cpu, err) < 0))
        goto out;
    if (r->block_io && set_blkio(&c[C_BLKIO], r->block_io, err) < 0)
        goto out;
    if (set_hugetlb(&c[C_HUGETLB], r, err) < 0 ||
        set_network(&c[C_NETCLS], &c[C_NETPRIO], r->network, err) < 0 ||
        set_rdma(&c[C_RDMA], r, err) < 0)
        goto out;
    if (!update && set_devices(&c[C_DEV], r, err) < 0)
        goto out;
    ret = 0;
out:
    for (i = 0; i < C_N; i++)
        ctl_close(&c[i]);
    cg_v1_hierarchies_free(h, n);
    return ret;
}
