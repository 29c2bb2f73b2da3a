/* runc's stats on cgroup v2 (its cgroups library's fs2/ driver): the one
 * directory, its values converted to v1's units and tables as runc does. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_stats_internal.h"
#include "runtime/cgroup/cgroup_stats_parse.h"

/* runc's getMemoryDataV2: <prefix>.current, .max, .peak (5.19+). */
static int v2_mem_entry(int fd, const char *prefix, struct spec_memory_entry *e, aisbx_error **err)
{
    char *cur = xasprintf("%s.current", prefix), *max = xasprintf("%s.max", prefix),
         *peak = xasprintf("%s.peak", prefix);
    int r = cg_read_u64(fd, cur, &e->usage, err);
    if (r == 0)
        r = cg_read_u64(fd, max, &e->limit, err);
    if (r == 0)
        r = cg_read_u64(fd, peak, &e->max, err);
    free(cur);
    free(max);
    free(peak);
    return r;
}

int cg_stats_v2(const struct cg_where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd = cg_where_open(w, "", err);
    if (fd < 0)
        return -1;
    struct spec_u64_map st = {0};
    int r = cg_read_keyed(fd, "cpu.stat", &st, err);
    /* Microseconds in v2; runc reports nanoseconds as v1 did. */
    s->cpu.total = spec_u64_map_get(&st, "usage_usec", NULL) * 1000;
    s->cpu.user = spec_u64_map_get(&st, "user_usec", NULL) * 1000;
    s->cpu.kernel = spec_u64_map_get(&st, "system_usec", NULL) * 1000;
    s->cpu.periods = spec_u64_map_get(&st, "nr_periods", NULL);
    s->cpu.throttled_periods = spec_u64_map_get(&st, "nr_throttled", NULL);
    s->cpu.throttled_time = spec_u64_map_get(&st, "throttled_usec", NULL) * 1000;
    cg_u64_map_free(&st);
    if (r == 0)
        r = cg_read_list(fd, "cpuset.cpus.effective", cg_parse_cpu_list, &s->cpuset.cpus, err);
    if (r == 0)
        r = cg_read_list(fd, "cpuset.mems.effective", cg_parse_cpu_list, &s->cpuset.mems, err);
    if (r == 0 && cg_has_file(fd, "memory.current")) {
        r = cg_read_keyed(fd, "memory.stat", &s->memory.raw, err);
        s->memory.cache = spec_u64_map_get(&s->memory.raw, "file", NULL);
        if (r == 0)
            r = v2_mem_entry(fd, "memory", &s->memory.usage, err);
        struct spec_memory_entry sw = {0};
        if (r == 0 && cg_has_file(fd, "memory.swap.current") &&
            (r = v2_mem_entry(fd, "memory.swap", &sw, err)) == 0) {
            /* runc: v1 reported memory+swap, so v2's swap is added to the
             * memory figures; no combined peak exists. */
            sw.usage += s->memory.usage.usage;
            if (sw.limit != UINT64_MAX)
                sw.limit += s->memory.usage.limit;
            sw.max = 0;
            s->memory.swap = sw;
        }
    }
    if (r == 0 && cg_has_file(fd, "pids.current"))
        r = cg_pids_stats(fd, s, err);
    char *t = NULL;
    if (r == 0 && (r = cg_read_opt(fd, "io.stat", &t, err)) == 0 && t &&
        cg_parse_io_stat(t, &s->blkio[BLKIO_SERVICE_BYTES], &s->blkio[BLKIO_SERVICED]) < 0)
        r = cg_malformed("io.stat", err);
    free(t);
    if (r == 0)
        r = cg_hugetlb_stats(fd, ".current", true, s, err);
    close(fd);
    return r;
}
