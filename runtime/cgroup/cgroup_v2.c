/* The cgroup v2 driver: one directory under the unified mount. Controllers
 * are enabled in every ancestor's cgroup.subtree_control; values are
 * converted from the v1-style spec fields with runc's formulas. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/log.h"

char *cg_v2_dir(const char *path)
{
    return xasprintf("%s%s", CGROUP_ROOT, strcmp(path, "/") ? path : "");
}

static int missing(const char *what, aisbx_error **err)
{
    return aisbx_error_make(err, EOPNOTSUPP, "%s requested but not supported by this host", what);
}

/* runc's numToStr: 0 is "unset", -1 is "max". */
static void num_str(int64_t v, char *buf, size_t n)
{
    if (v == 0)
        buf[0] = '\0';
    else if (v < 0)
        snprintf(buf, n, "max");
    else
        snprintf(buf, n, "%" PRId64, v);
}

static int set_pids(int fd, const char *dir, const struct spec_pids *p, aisbx_error **err)
{
    if (!p || !p->has_limit || p->limit == 0)
        return 0;
    if (!cg_has_file(fd, "pids.max"))
        return missing("pids limit", err);
    if (p->limit < 0)
        return cg_write(fd, dir, "pids.max", "max", err);
    return cg_writef(fd, dir, "pids.max", err, "%" PRId64, p->limit);
}

/* runc's ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap. */
static int swap_v2(int64_t swap, int64_t mem, int64_t *out, aisbx_error **err)
{
    if (mem == -1 && swap == 0) {
        *out = -1;
        return 0;
    }
    if (swap == -1 || swap == 0) {
        *out = swap;
        return 0;
    }
    if (mem == 0 || mem == -1)
        return aisbx_error_make(err, EINVAL, "unable to set swap limit without memory limit");
    if (mem < 0)
        return aisbx_error_make(err, EINVAL, "invalid memory value %" PRId64, mem);
    if (swap < mem)
        return aisbx_error_make(err, EINVAL, "memory+swap limit should be >= memory limit");
    *out = swap - mem;
    return 0;
}

static int set_memory(int fd, const char *dir, const struct spec_memory *m, bool update,
                      aisbx_error **err)
{
    if (!m)
        return 0;
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0, sw = 0;
    int64_t res = m->has_reservation ? m->reservation : 0;
    if (!limit && !swap && !res)
        return 0; /* swappiness, disableOOMKiller: no v2 files, ignored as runc does */
    if (!cg_has_file(fd, "memory.max"))
        return missing("memory limits", err);
    int64_t conv_limit = limit;
    if (update && limit == 0 && swap > 0 && cg_read_int64(fd, "memory.max", &conv_limit) < 0)
        return aisbx_error_make(err, errno, "read %s/memory.max", dir);
    if (swap_v2(swap, conv_limit, &sw, err) < 0)
        return -1;
    char buf[32];
    num_str(sw, buf, sizeof(buf));
    if (!*buf && sw == 0 && swap > 0)
        snprintf(buf, sizeof(buf), "0"); /* memory == memory+swap: no swap */
    if (*buf) {
        aisbx_error *e = NULL;
        if (cg_write(fd, dir, "memory.swap.max", buf, &e) < 0) {
            /* No swap accounting: "max" and "0" ask for nothing more. */
            if (!(e->errnum == ENOENT && (strcmp(buf, "max") == 0 || strcmp(buf, "0") == 0)))
                return cg_error_pass(err, e);
            aisbx_error_free(&e);
        }
    }
    if (limit > 0) {
        int64_t cur = 0;
        if (cg_read_int64(fd, "memory.current", &cur) == 0 && cur > limit)
            return aisbx_error_make(err, EBUSY,
                                    "unable to set memory limit to %" PRId64
                                    " (current usage: %" PRId64 ")",
                                    limit, cur);
    }
    num_str(limit, buf, sizeof(buf));
    if (*buf && cg_write(fd, dir, "memory.max", buf, err) < 0)
        return -1;
    num_str(res, buf, sizeof(buf));
    if (*buf && cg_write(fd, dir, "memory.low", buf, err) < 0)
        return -1;
    return 0;
}

static int set_cpu(int fd, const char *dir, const struct spec_cpu *p, bool update,
                   aisbx_error **err)
{
    if ((p->has_realtime_period && p->realtime_period) ||
        (p->has_realtime_runtime && p->realtime_runtime))
        return missing("cpu realtime (not available on cgroup v2)", err);
    bool idle = p->has_idle && (!update || p->idle), burst = p->has_burst && (!update || p->burst);
    bool shares = p->has_shares && p->shares, quota = p->has_quota && p->quota,
         period = p->has_period && p->period;
    bool cpus = p->cpus && *p->cpus, mems = p->mems && *p->mems;
    if ((shares || quota || period || burst || idle) && !cg_has_file(fd, "cpu.max"))
        return missing("cpu limits", err);
    if ((cpus || mems) && !cg_has_file(fd, "cpuset.cpus"))
        return missing("cpuset", err);
    if (shares) {
        uint64_t s = p->shares < 2 ? 2 : p->shares > 262144 ? 262144 : p->shares;
        if (cg_writef(fd, dir, "cpu.weight", err, "%" PRIu64, 1 + ((s - 2) * 9999) / 262142) < 0)
            return -1;
    }
    if (idle) {
        if (!cg_has_file(fd, "cpu.idle")) {
            if (p->idle)
                return missing("cpu idle", err);
        } else if (cg_writef(fd, dir, "cpu.idle", err, "%" PRId64, p->idle) < 0) {
            return -1;
        }
    }
    if (quota || period) {
        char q[32] = "max";
        if (quota && p->quota > 0) {
            snprintf(q, sizeof(q), "%" PRId64, p->quota);
        } else if (!quota && update) {
            /* Only the period changes: keep the current quota. */
            char *cur = NULL;
            if (cg_read(fd, "cpu.max", &cur) == 0) {
                snprintf(q, sizeof(q), "%.*s", (int)strcspn(cur, " "), cur);
                free(cur);
            }
        }
        int r = period ? cg_writef(fd, dir, "cpu.max", err, "%s %" PRIu64, q, p->period)
                       : cg_write(fd, dir, "cpu.max", q, err);
        if (r < 0)
            return -1;
    }
    if (burst) {
        if (!cg_has_file(fd, "cpu.max.burst")) {
            if (p->burst)
                return missing("cpu burst", err);
        } else if (cg_writef(fd, dir, "cpu.max.burst", err, "%" PRIu64, p->burst) < 0) {
            return -1;
        }
    }
    if (cpus && cg_write(fd, dir, "cpuset.cpus", p->cpus, err) < 0)
        return -1;
    if (mems && cg_write(fd, dir, "cpuset.mems", p->mems, err) < 0)
        return -1;
    return 0;
}

static int write_io_max(int fd, const char *dir, const char *key,
                        const struct spec_throttle_list *l, aisbx_error **err)
{
    for (size_t i = 0; i < l->n; i++)
        if (cg_writef(fd, dir, "io.max", err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, l->v[i].major,
                      l->v[i].minor, key, l->v[i].rate) < 0)
            return -1;
    return 0;
}

/* runc's ConvertBlkIOToIOWeightValue: [10, 1000] -> [1, 10000]. */
static uint64_t io_weight(uint16_t w)
{
    return 1 + ((uint64_t)(w < 10 ? 10 : w) - 10) * 9999 / 990;
}

static int set_io(int fd, const char *dir, const struct spec_blkio *b, aisbx_error **err)
{
    bool weight = b->has_weight && b->weight;
    bool any = weight || b->n_weight_device || b->throttle_read_bps.n || b->throttle_write_bps.n ||
               b->throttle_read_iops.n || b->throttle_write_iops.n;
    if (!any)
        return 0;
    bool bfq = cg_has_file(fd, "io.bfq.weight");
    if ((weight || b->n_weight_device) && !bfq && !cg_has_file(fd, "io.weight"))
        return missing("block io weight", err);
    if (weight) {
        int r = bfq ? cg_writef(fd, dir, "io.bfq.weight", err, "%u", b->weight)
                    : cg_writef(fd, dir, "io.weight", err, "%" PRIu64, io_weight(b->weight));
        if (r < 0)
            return -1;
    }
    for (size_t i = 0; i < b->n_weight_device; i++) {
        const struct spec_weight_device *w = &b->weight_device[i];
        if (!w->has_weight)
            continue; /* leaf weights do not exist on v2 */
        int r = bfq ? cg_writef(fd, dir, "io.bfq.weight", err, "%" PRId64 ":%" PRId64 " %u",
                                w->major, w->minor, w->weight)
                    : cg_writef(fd, dir, "io.weight", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                                w->major, w->minor, io_weight(w->weight));
        if (r < 0)
            return -1;
    }
    bool thr = b->throttle_read_bps.n || b->throttle_write_bps.n || b->throttle_read_iops.n ||
               b->throttle_write_iops.n;
    if (thr && !cg_has_file(fd, "io.max"))
        return missing("block io throttling", err);
    if (write_io_max(fd, dir, "rbps", &b->throttle_read_bps, err) < 0 ||
        write_io_max(fd, dir, "wbps", &b->throttle_write_bps, err) < 0 ||
        write_io_max(fd, dir, "riops", &b->throttle_read_iops, err) < 0 ||
        write_io_max(fd, dir, "wiops", &b->throttle_write_iops, err) < 0)
        return -1;
    return 0;
}

static int set_hugetlb(int fd, const char *dir, const struct spec_resources *r, aisbx_error **err)
{
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
        if (!h->page_size || strchr(h->page_size, '/'))
            return aisbx_error_make(err, EINVAL, "invalid hugepage size '%s'",
                                    h->page_size ? h->page_size : "");
        char *f = xasprintf("hugetlb.%s.max", h->page_size);
        int ret = 0;
        if (!cg_has_file(fd, f))
            ret = h->limit ? missing("hugetlb limit", err) : 0; /* k8s sends 0 for every size */
        else
            ret = cg_writef(fd, dir, f, err, "%" PRIu64, h->limit);
        free(f);
        if (ret < 0)
            return -1;
        f = xasprintf("hugetlb.%s.rsvd.max", h->page_size);
        if (cg_has_file(fd, f))
            ret = cg_writef(fd, dir, f, err, "%" PRIu64, h->limit);
        free(f);
        if (ret < 0)
            return -1;
    }
    return 0;
}

static int set_rdma(int fd, const char *dir, const struct spec_resources *r, aisbx_error **err)
{
    for (size_t i = 0; i < r->n_rdma; i++) {
        const struct spec_rdma *d = &r->rdma[i];
        if (!d->has_hca_handles && !d->has_hca_objects)
            continue;
        if (!cg_has_file(fd, "rdma.max"))
            return missing("rdma limits", err);
        char h[32] = "", o[32] = "";
        if (d->has_hca_handles)
            snprintf(h, sizeof(h), " hca_handle=%u", d->hca_handles);
        if (d->has_hca_objects)
            snprintf(o, sizeof(o), " hca_object=%u", d->hca_objects);
        if (cg_writef(fd, dir, "rdma.max", err, "%s%s%s", d->device, h, o) < 0)
            return -1;
    }
    return 0;
}

static int set_unified(int fd, const char *dir, const struct spec_kvlist *u, aisbx_error **err)
{
    for (size_t i = 0; i < u->n; i++) {
        const char *k = u->v[i].key, *v = u->v[i].value ? u->v[i].value : "";
        if (!k || !*k || strchr(k, '/') || strcmp(k, "..") == 0 || strcmp(k, ".") == 0)
            return aisbx_error_make(err, EINVAL, "invalid unified cgroup key '%s'", k ? k : "");
        if (!cg_has_file(fd, k))
            return aisbx_error_make(err, ENOENT,
                                    "unified cgroup key '%s': no such file in %s (controller "
                                    "not enabled?)",
                                    k, dir);
        if (cg_write(fd, dir, k, v, err) < 0)
            return -1;
    }
    return 0;
}

static int apply(int fd, const char *dir, const struct spec_resources *r, bool update,
                 aisbx_error **err)
{
    if (!r)
        return 0;
    if (r->network &&
        ((r->network->has_class_id && r->network->class_id) || r->network->n_priorities))
        return missing("network classID/priorities (cgroup v1 only)", err);
    if (set_pids(fd, dir, r->pids, err) < 0 || set_memory(fd, dir, r->memory, update, err) < 0)
        return -1;
    if (r->cpu && set_cpu(fd, dir, r->cpu, update, err) < 0)
        return -1;
    if (r->block_io && set_io(fd, dir, r->block_io, err) < 0)
        return -1;
    if (set_hugetlb(fd, dir, r, err) < 0 || set_rdma(fd, dir, r, err) < 0)
        return -1;
    if (!update && r->n_devices && cg_v2_devices_apply(fd, r->devices, r->n_devices, err) < 0)
        return -1;
    /* Last, so that an explicit unified value wins over a converted one. */
    return set_unified(fd, dir, &r->unified, err);
}

/* Enables every controller the parent offers in dir's subtree_control. A
 * level holding processes refuses domain controllers (the no-internal-
 * process rule): then each is tried alone and failures are left for the
 * resource writes to report, as runc does. */
static void enable_controllers(const char *dir)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    char *avail = NULL;
    if (cg_read(fd, "cgroup.controllers", &avail) == 0 && *avail) {
        char *all = xstrdup(""), *save = NULL;
        for (char *c = strtok_r(avail, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
            char *n = xasprintf("%s%s+%s", all, *all ? " " : "", c);
            free(all);
            all = n;
        }
        aisbx_error *e = NULL;
        if (cg_write(fd, dir, "cgroup.subtree_control", all, &e) < 0) {
            aisbx_error_free(&e);
            char *save2 = NULL;
            for (char *c = strtok_r(all, " ", &save2); c; c = strtok_r(NULL, " ", &save2)) {
                cg_write(fd, dir, "cgroup.subtree_control", c, &e);
                aisbx_error_free(&e);
            }
        }
        free(all);
    }
    free(avail);
    close(fd);
}

static int mkdir_with_controllers(const char *path, struct cg_dirs *created, aisbx_error **err)
{
    char *cur = xstrdup(CGROUP_ROOT), *copy = xstrdup(path), *save = NULL;
    int ret = 0;
    for (char *c = strtok_r(copy, "/", &save); c && ret == 0; c = strtok_r(NULL, "/", &save)) {
        enable_controllers(cur);
        char *next = xasprintf("%s/%s", cur, c);
        ret = cg_mkdir_p(cur, c, created, err);
        free(cur);
        cur = next;
    }
    free(cur);
    free(copy);
    return ret;
}

/* What create does once the directory exists, and all that --systemd-cgroup
 * needs in the directory systemd made: the limits, then the pid. */
static int v2_adopt(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    char *dir = cg_v2_dir(path);
    int fd = cg_open_dir(dir, err), ret = -1;
    if (fd >= 0 && apply(fd, dir, r, false, err) == 0 &&
        (pid <= 0 || cg_writef(fd, dir, "cgroup.procs", err, "%d", (int)pid) == 0))
        ret = 0;
    if (fd >= 0)
        close(fd);
    free(dir);
    return ret;
}

static int v2_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    struct cg_dirs created = {0};
    int ret = mkdir_with_controllers(path, &created, err) == 0 ? v2_adopt(path, r, pid, err) : -1;
    if (ret < 0)
        cg_dirs_rollback(&created);
    cg_dirs_free(&created);
    return ret;
}

/* Runs f on an open fd of the cgroup's directory. */
#define WITH_DIR(path, body)                                                                       \
    char *dir = cg_v2_dir(path);                                                                   \
    int fd = cg_open_dir(dir, err), ret = -1;                                                      \
    if (fd >= 0) {                                                                                 \
        ret = (body);                                                                              \
        close(fd);                                                                                 \
    }                                                                                              \
    free(dir);                                                                                     \
    return ret < 0 ? -1 : 0

static int v2_enter(const char *path, pid_t pid, aisbx_error **err)
{
    WITH_DIR(path, cg_writef(fd, dir, "cgroup.procs", err, "%d", (int)pid));
}

static int v2_update(const char *path, const struct spec_resources *r, aisbx_error **err)
{
    WITH_DIR(path, apply(fd, dir, r, true, err));
}

static int events_frozen(int fd, const char *dir, bool *frozen, aisbx_error **err)
{
    char *ev = NULL;
    if (cg_read(fd, "cgroup.events", &ev) < 0)
        return aisbx_error_make(err, errno, "read %s/cgroup.events", dir);
    char *p = strstr(ev, "frozen ");
    *frozen = p && p[7] == '1';
    free(ev);
    return 0;
}

static int freeze_wait(int fd, const char *dir, bool freeze, aisbx_error **err)
{
    if (!cg_has_file(fd, "cgroup.freeze"))
        return missing("cgroup freezer", err);
    if (cg_write(fd, dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
        return -1;
    for (int i = 0; i < 1000; i++) {
        bool frozen = false;
        if (events_frozen(fd, dir, &frozen, err) < 0)
            return -1;
        if (frozen == freeze)
            return 0;
        struct timespec ts = {0, (i < 100 ? 1 : 10) * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (freeze)
        cg_write(fd, dir, "cgroup.freeze", "0", NULL);
    return aisbx_error_make(err, ETIMEDOUT, "%s did not become %s", dir,
                            freeze ? "frozen" : "thawed");
}

static int v2_freeze(const char *path, bool freeze, aisbx_error **err)
{
    WITH_DIR(path, freeze_wait(fd, dir, freeze, err));
}

static int read_freeze(int fd, const char *dir, bool *frozen, aisbx_error **err)
{
    char *v = NULL;
    if (cg_read(fd, "cgroup.freeze", &v) < 0) {
        *frozen = false;
        return errno == ENOENT ? 0 : aisbx_error_make(err, errno, "read %s/cgroup.freeze", dir);
    }
    *frozen = strcmp(v, "1") == 0;
    free(v);
    return 0;
}

static int v2_is_frozen(const char *path, bool *frozen, aisbx_error **err)
{
    WITH_DIR(path, read_freeze(fd, dir, frozen, err));
}

static int write_kill(int fd, const char *dir, aisbx_error **err)
{
    if (!cg_has_file(fd, "cgroup.kill"))
        return aisbx_error_make(err, ENOENT, "%s/cgroup.kill: not supported by this kernel", dir);
    return cg_write(fd, dir, "cgroup.kill", "1", err);
}

static int v2_kill(const char *path, aisbx_error **err)
{
    WITH_DIR(path, write_kill(fd, dir, err));
}

static int v2_kill_all(const char *path, int sig, aisbx_error **err)
{
    if (sig == SIGKILL) {
        aisbx_error *e = NULL;
        if (v2_kill(path, &e) == 0)
            return 0;
        if (e->errnum != ENOENT) {
            cg_error_pass(err, e);
            return aisbx_error_wrap(err, "kill cgroup %s", path);
        }
        aisbx_error_free(&e);
    }
    char *dir = cg_v2_dir(path);
    int ret = cg_signal_pids(dir, sig, err);
    free(dir);
    return ret;
}

static int v2_destroy(const char *path, aisbx_error **err)
{
    char *dir = cg_v2_dir(path);
    int ret = cg_rmdir_tree(dir, err);
    free(dir);
    return ret;
}

static char *v2_procs_dir(const char *path, aisbx_error **err)
{
    return cg_v2_dir(path);
}

static char *v2_dir(const char *controller, const char *path)
{
    return cg_v2_dir(path);
}

const struct cg_driver cg_v2 = {
    .create = v2_create,
    .adopt = v2_adopt,
    .enter = v2_enter,
    .update = v2_update,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .kill_all = v2_kill_all,
    .destroy = v2_destroy,
    .procs_dir = v2_procs_dir,
    .dir = v2_dir,
};
