/* runc's stats on cgroup v1 (its cgroups library's fs/ driver): one
 * directory per hierarchy, each read through its own fd. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_stats_internal.h"
#include "runtime/cgroup/cgroup_stats_parse.h"

static int v1_cpu(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    int r = 0, fd = cg_where_open(w, "cpuacct", err);
    if (fd >= 0) {
        struct spec_u64_map st = {0};
        r = cg_read_u64(fd, "cpuacct.usage", &s->cpu.total, err);
        if (r == 0)
            r = cg_read_list(fd, "cpuacct.usage_percpu", cg_parse_u64_list, &s->cpu.percpu, err);
        if (r == 0)
            r = cg_read_keyed(fd, "cpuacct.stat", &st, err);
        s->cpu.user = spec_u64_map_get(&st, "user", NULL) * NS_PER_SEC / USER_HZ;
        s->cpu.kernel = spec_u64_map_get(&st, "system", NULL) * NS_PER_SEC / USER_HZ;
        cg_u64_map_free(&st);
        char *t = NULL;
        if (r == 0)
            r = cg_read_opt(fd, "cpuacct.usage_all", &t, err);
        if (r == 0 && t && cg_parse_usage_all(t, &s->cpu.percpu_user, &s->cpu.percpu_kernel) < 0)
            r = cg_malformed("cpuacct.usage_all", err);
        free(t);
        close(fd);
    }
    if (r < 0 || (fd < 0 && *err))
        return -1;
    fd = cg_where_open(w, "cpu", err);
    if (fd >= 0) {
        struct spec_u64_map st = {0};
        r = cg_read_keyed(fd, "cpu.stat", &st, err);
        s->cpu.periods = spec_u64_map_get(&st, "nr_periods", NULL);
        s->cpu.throttled_periods = spec_u64_map_get(&st, "nr_throttled", NULL);
        s->cpu.throttled_time = spec_u64_map_get(&st, "throttled_time", NULL);
        cg_u64_map_free(&st);
        close(fd);
    }
    return r < 0 || (fd < 0 && *err) ? -1 : 0;
}

static int v1_cpuset(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    const struct {
        const char *file;
        uint64_t *v;
    } nums[] = {
        {"cpuset.cpu_exclusive", &s->cpuset.cpu_exclusive},
        {"cpuset.mem_hardwall", &s->cpuset.mem_hardwall},
        {"cpuset.mem_exclusive", &s->cpuset.mem_exclusive},
        {"cpuset.memory_migrate", &s->cpuset.memory_migrate},
        {"cpuset.memory_spread_page", &s->cpuset.memory_spread_page},
        {"cpuset.memory_spread_slab", &s->cpuset.memory_spread_slab},
        {"cpuset.memory_pressure", &s->cpuset.memory_pressure},
        {"cpuset.sched_load_balance", &s->cpuset.sched_load_balance},
    };
    int r = 0, fd = cg_where_open(w, "cpuset", err);
    if (fd < 0)
        return *err ? -1 : 0;
    r = cg_read_list(fd, "cpuset.cpus", cg_parse_cpu_list, &s->cpuset.cpus, err);
    if (r == 0)
        r = cg_read_list(fd, "cpuset.mems", cg_parse_cpu_list, &s->cpuset.mems, err);
    for (size_t i = 0; r == 0 && i < sizeof(nums) / sizeof(nums[0]); i++)
        r = cg_read_u64(fd, nums[i].file, nums[i].v, err);
    char *t = NULL;
    if (r == 0 && (r = cg_read_opt(fd, "cpuset.sched_relax_domain_level", &t, err)) == 0 && t)
        s->cpuset.sched_relax_domain_level = strtoll(t, NULL, 10);
    free(t);
    close(fd);
    return r;
}

/* runc's getMemoryData: <prefix>.usage_in_bytes etc.; a prefix the kernel
 * does not have (memsw without swap accounting) leaves the entry zero. */
static int v1_mem_entry(int fd, const char *prefix, struct spec_memory_entry *e, aisbx_error **err)
{
    const char *suffix[] = {"usage_in_bytes", "max_usage_in_bytes", "failcnt", "limit_in_bytes"};
    uint64_t *dst[] = {&e->usage, &e->max, &e->failcnt, &e->limit};
    int r = 0;
    for (size_t i = 0; r == 0 && i < 4; i++) {
        char *f = xasprintf("%s.%s", prefix, suffix[i]);
        r = cg_read_u64(fd, f, dst[i], err);
        free(f);
    }
    return r;
}

static int v1_memory(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd = cg_where_open(w, "memory", err);
    if (fd < 0)
        return *err ? -1 : 0;
    int r = cg_read_keyed(fd, "memory.stat", &s->memory.raw, err);
    s->memory.cache = spec_u64_map_get(&s->memory.raw, "cache", NULL);
    if (r == 0)
        r = v1_mem_entry(fd, "memory", &s->memory.usage, err);
    if (r == 0)
        r = v1_mem_entry(fd, "memory.memsw", &s->memory.swap, err);
    if (r == 0)
        r = v1_mem_entry(fd, "memory.kmem", &s->memory.kernel, err);
    if (r == 0)
        r = v1_mem_entry(fd, "memory.kmem.tcp", &s->memory.kernel_tcp, err);
    close(fd);
    return r;
}

/* The file exists and is not empty. */
static bool has_data(int fd, const char *file)
{
    char *t = NULL;
    bool r = cg_read(fd, file, &t) == 0 && *t;
    free(t);
    return r;
}

static int v1_blkio(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    /* runc: the CFQ files when the kernel fills them, else BFQ's, else the
     * throttling policy's (always there, bytes and ios only). */
    static const char *const cfq[BLKIO_KINDS] = {
        "blkio.io_service_bytes_recursive",
        "blkio.io_serviced_recursive",
        "blkio.io_queued_recursive",
        "blkio.io_service_time_recursive",
        "blkio.io_wait_time_recursive",
        "blkio.io_merged_recursive",
        "blkio.time_recursive",
        "blkio.sectors_recursive",
    };
    static const char *const bfq[BLKIO_KINDS] = {
        "blkio.bfq.io_service_bytes_recursive",
        "blkio.bfq.io_serviced_recursive",
        "blkio.bfq.io_queued_recursive",
        "blkio.bfq.io_service_time_recursive",
        "blkio.bfq.io_wait_time_recursive",
        "blkio.bfq.io_merged_recursive",
        "blkio.bfq.time_recursive",
        "blkio.bfq.sectors_recursive",
    };
    static const char *const thr[BLKIO_KINDS] = {
        "blkio.throttle.io_service_bytes_recursive",
        "blkio.throttle.io_serviced_recursive",
    };
    int fd = cg_where_open(w, "blkio", err);
    if (fd < 0)
        return *err ? -1 : 0;
    const char *const *files = thr;
    if (has_data(fd, cfq[BLKIO_SERVICED]))
        files = cfq;
    else if (has_data(fd, bfq[BLKIO_SERVICED]))
        files = bfq;
    char *t;
    int r = 0;
    for (size_t k = 0; r == 0 && k < BLKIO_KINDS; k++) {
        if (!files[k])
            continue;
        t = NULL;
        r = cg_read_opt(fd, files[k], &t, err);
        if (r == 0 && t && cg_parse_blkio_v1(t, &s->blkio[k]) < 0)
            r = cg_malformed(files[k], err);
        free(t);
    }
    close(fd);
    return r;
}

int cg_stats_v1(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd;
    if (v1_cpu(w, s, err) < 0 || v1_cpuset(w, s, err) < 0 || v1_memory(w, s, err) < 0 ||
        v1_blkio(w, s, err) < 0)
        return -1;
    if ((fd = cg_where_open(w, "pids", err)) >= 0) {
        int r = cg_pids_stats(fd, s, err);
        close(fd);
        if (r < 0)
            return -1;
    } else if (*err) {
        return -1;
    }
    if ((fd = cg_where_open(w, "hugetlb", err)) >= 0) {
        int r = cg_hugetlb_stats(fd, ".usage_in_bytes", false, s, err);
        close(fd);
        return r;
    }
    return *err ? -1 : 0;
}
