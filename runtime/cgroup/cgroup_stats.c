/* runc's container stats from the cgroup files (the file names and unit
 * conversions of runc's cgroups library, fs/ for v1 and fs2/ for v2), the
 * floor's counters, and the OOM notification fd. Every directory is opened
 * once (O_PATH) and read through that fd. */
#include "runtime/cgroup/cgroup_stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/cgroup/cgroup_stats_parse.h"

/* cpuacct.stat counts USER_HZ ticks; the kernel ABI fixes USER_HZ at 100. */
#define USER_HZ 100ull
#define NS_PER_SEC 1000000000ull

static int check_path(const char *path, aisbx_error **err)
{
    if (!path || path[0] != '/' || strstr(path, "/../") ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return aisbx_error_make(err, EINVAL, "invalid cgroup path \"%s\"", path ? path : "");
    return 0;
}

/* Where the controllers' directories are: the v1 hierarchies are looked
 * up once per call (each lookup reads /proc/self/mountinfo). */
struct where {
    const char *path;
    bool v2;
    struct cg_hier *h;
    size_t n;
};

static int where_init(struct where *w, const char *path, aisbx_error **err)
{
    memset(w, 0, sizeof(*w));
    w->path = path;
    w->v2 = cgroup_version() == CGROUP_V2;
    if (check_path(path, err) < 0)
        return -1;
    return w->v2 ? 0 : cg_v1_hierarchies(&w->h, &w->n, err);
}

static void where_free(struct where *w)
{
    cg_v1_hierarchies_free(w->h, w->n);
    w->h = NULL;
}

/* O_PATH fd of controller's directory; -1 (and no error) when the
 * controller is not mounted (v1); -1 with err when the cgroup is gone. */
static int open_ctl(const struct where *w, const char *controller, aisbx_error **err)
{
    const struct cg_hier *x = w->v2 ? NULL : cg_v1_find(w->h, w->n, controller);
    if (!w->v2 && !x)
        return -1;
    const char *p = strcmp(w->path, "/") ? w->path : "";
    char *dir = w->v2 ? xasprintf("%s%s", CGROUP_ROOT, p) : xasprintf("%s%s", x->mount, p);
    int fd = cg_open_dir(dir, err);
    free(dir);
    return fd;
}

/* The file's text; 0 with *text NULL when the file does not exist. */
static int read_opt(int fd, const char *file, char **text, aisbx_error **err)
{
    *text = NULL;
    if (cg_read(fd, file, text) == 0)
        return 0;
    if (errno == ENOENT || errno == EOPNOTSUPP)
        return 0;
    return aisbx_error_make(err, errno, "read %s", file);
}

static int malformed(const char *file, aisbx_error **err)
{
    return aisbx_error_make(err, EINVAL, "%s: unexpected format", file);
}

/* A number file into *v; absent leaves *v unchanged. */
static int read_u64(int fd, const char *file, uint64_t *v, aisbx_error **err)
{
    char *t = NULL;
    int r = read_opt(fd, file, &t, err);
    if (r == 0 && t && cg_parse_u64(t, v) < 0)
        r = malformed(file, err);
    free(t);
    return r;
}

static int read_keyed(int fd, const char *file, struct spec_u64_map *m, aisbx_error **err)
{
    char *t = NULL;
    int r = read_opt(fd, file, &t, err);
    if (r == 0 && t && cg_parse_keyed(t, m) < 0)
        r = malformed(file, err);
    free(t);
    return r;
}

static int read_with(int fd, const char *file, int (*parse)(const char *, struct spec_u64_list *),
                     struct spec_u64_list *l, aisbx_error **err)
{
    char *t = NULL;
    int r = read_opt(fd, file, &t, err);
    if (r == 0 && t && parse(t, l) < 0)
        r = malformed(file, err);
    free(t);
    return r;
}

static void map_free(struct spec_u64_map *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].key);
    free(m->v);
    memset(m, 0, sizeof(*m));
}

static struct spec_hugetlb *hugetlb_add(struct spec_stats *s, const char *size)
{
    s->hugetlb = xrealloc(s->hugetlb, (s->n_hugetlb + 1) * sizeof(*s->hugetlb));
    struct spec_hugetlb *h = &s->hugetlb[s->n_hugetlb++];
    memset(h, 0, sizeof(*h));
    h->page_size = xstrdup(size);
    return h;
}

/* The page sizes are the kernel's own names in the file names
 * ("hugetlb.2MB.<suffix>"), which are runc's map keys too. */
static int hugetlb_stats(int fd, const char *suffix, bool v2, struct spec_stats *s,
                         aisbx_error **err)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return aisbx_error_make(err, errno, "open hugetlb cgroup directory");
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return aisbx_error_make(err, errno, "read hugetlb cgroup directory");
    }
    struct dirent *e;
    int r = 0;
    size_t sl = strlen(suffix);
    while (r == 0 && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "hugetlb.", 8) != 0 || n <= 8 + sl ||
            strcmp(e->d_name + n - sl, suffix) != 0)
            continue;
        char *size = strndup(e->d_name + 8, n - 8 - sl);
        if (!size || strchr(size, '.')) { /* hugetlb.2MB.rsvd.current */
            free(size);
            continue;
        }
        struct spec_hugetlb *h = hugetlb_add(s, size);
        char *f1 = xasprintf("hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
        char *f2 = xasprintf("hugetlb.%s.max_usage_in_bytes", size);
        char *f3 = xasprintf("hugetlb.%s.failcnt", size);
        char *f4 = xasprintf("hugetlb.%s.events", size);
        r = read_u64(fd, f1, &h->usage, err);
        if (r == 0 && !v2)
            r = read_u64(fd, f2, &h->max, err);
        if (r == 0 && !v2)
            r = read_u64(fd, f3, &h->failcnt, err);
        if (r == 0 && v2) { /* v2 has no failcnt: the "max" event count */
            struct spec_u64_map m = {0};
            r = read_keyed(fd, f4, &m, err);
            h->failcnt = spec_u64_map_get(&m, "max", NULL);
            map_free(&m);
        }
        free(f1);
        free(f2);
        free(f3);
        free(f4);
        free(size);
    }
    closedir(d);
    return r;
}

static int pids_stats(int fd, struct spec_stats *s, aisbx_error **err)
{
    int r = read_u64(fd, "pids.current", &s->pids.current, err);
    if (r == 0)
        r = read_u64(fd, "pids.max", &s->pids.limit, err);
    if (s->pids.limit == UINT64_MAX) /* "max": runc reports 0 */
        s->pids.limit = 0;
    return r;
}

/* ---- v1 ----------------------------------------------------------------- */

static int v1_cpu(const struct where *w, struct spec_stats *s, aisbx_error **err)
{
    int r = 0, fd = open_ctl(w, "cpuacct", err);
    if (fd >= 0) {
        struct spec_u64_map st = {0};
        r = read_u64(fd, "cpuacct.usage", &s->cpu.total, err);
        if (r == 0)
            r = read_with(fd, "cpuacct.usage_percpu", cg_parse_u64_list, &s->cpu.percpu, err);
        if (r == 0)
            r = read_keyed(fd, "cpuacct.stat", &st, err);
        s->cpu.user = spec_u64_map_get(&st, "user", NULL) * NS_PER_SEC / USER_HZ;
        s->cpu.kernel = spec_u64_map_get(&st, "system", NULL) * NS_PER_SEC / USER_HZ;
        map_free(&st);
        char *t = NULL;
        if (r == 0)
            r = read_opt(fd, "cpuacct.usage_all", &t, err);
        if (r == 0 && t && cg_parse_usage_all(t, &s->cpu.percpu_user, &s->cpu.percpu_kernel) < 0)
            r = malformed("cpuacct.usage_all", err);
        free(t);
        close(fd);
    }
    if (r < 0 || (fd < 0 && *err))
        return -1;
    fd = open_ctl(w, "cpu", err);
    if (fd >= 0) {
        struct spec_u64_map st = {0};
        r = read_keyed(fd, "cpu.stat", &st, err);
        s->cpu.periods = spec_u64_map_get(&st, "nr_periods", NULL);
        s->cpu.throttled_periods = spec_u64_map_get(&st, "nr_throttled", NULL);
        s->cpu.throttled_time = spec_u64_map_get(&st, "throttled_time", NULL);
        map_free(&st);
        close(fd);
    }
    return r < 0 || (fd < 0 && *err) ? -1 : 0;
}

static int v1_cpuset(const struct where *w, struct spec_stats *s, aisbx_error **err)
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
    int r = 0, fd = open_ctl(w, "cpuset", err);
    if (fd < 0)
        return *err ? -1 : 0;
    r = read_with(fd, "cpuset.cpus", cg_parse_cpu_list, &s->cpuset.cpus, err);
    if (r == 0)
        r = read_with(fd, "cpuset.mems", cg_parse_cpu_list, &s->cpuset.mems, err);
    for (size_t i = 0; r == 0 && i < sizeof(nums) / sizeof(nums[0]); i++)
        r = read_u64(fd, nums[i].file, nums[i].v, err);
    char *t = NULL;
    if (r == 0 && (r = read_opt(fd, "cpuset.sched_relax_domain_level", &t, err)) == 0 && t)
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
        r = read_u64(fd, f, dst[i], err);
        free(f);
    }
    return r;
}

static int v1_memory(const struct where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd = open_ctl(w, "memory", err);
    if (fd < 0)
        return *err ? -1 : 0;
    int r = read_keyed(fd, "memory.stat", &s->memory.raw, err);
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

static int v1_blkio(const struct where *w, struct spec_stats *s, aisbx_error **err)
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
    int fd = open_ctl(w, "blkio", err);
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
        r = read_opt(fd, files[k], &t, err);
        if (r == 0 && t && cg_parse_blkio_v1(t, &s->blkio[k]) < 0)
            r = malformed(files[k], err);
        free(t);
    }
    close(fd);
    return r;
}

static int v1_stats(const struct where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd;
    if (v1_cpu(w, s, err) < 0 || v1_cpuset(w, s, err) < 0 || v1_memory(w, s, err) < 0 ||
        v1_blkio(w, s, err) < 0)
        return -1;
    if ((fd = open_ctl(w, "pids", err)) >= 0) {
        int r = pids_stats(fd, s, err);
        close(fd);
        if (r < 0)
            return -1;
    } else if (*err) {
        return -1;
    }
    if ((fd = open_ctl(w, "hugetlb", err)) >= 0) {
        int r = hugetlb_stats(fd, ".usage_in_bytes", false, s, err);
        close(fd);
        return r;
    }
    return *err ? -1 : 0;
}

/* ---- v2 ----------------------------------------------------------------- */

/* runc's getMemoryDataV2: <prefix>.current, .max, .peak (5.19+). */
static int v2_mem_entry(int fd, const char *prefix, struct spec_memory_entry *e, aisbx_error **err)
{
    char *cur = xasprintf("%s.current", prefix), *max = xasprintf("%s.max", prefix),
         *peak = xasprintf("%s.peak", prefix);
    int r = read_u64(fd, cur, &e->usage, err);
    if (r == 0)
        r = read_u64(fd, max, &e->limit, err);
    if (r == 0)
        r = read_u64(fd, peak, &e->max, err);
    free(cur);
    free(max);
    free(peak);
    return r;
}

static int v2_stats(const struct where *w, struct spec_stats *s, aisbx_error **err)
{
    int fd = open_ctl(w, "", err);
    if (fd < 0)
        return -1;
    struct spec_u64_map st = {0};
    int r = read_keyed(fd, "cpu.stat", &st, err);
    /* Microseconds in v2; runc reports nanoseconds as v1 did. */
    s->cpu.total = spec_u64_map_get(&st, "usage_usec", NULL) * 1000;
    s->cpu.user = spec_u64_map_get(&st, "user_usec", NULL) * 1000;
    s->cpu.kernel = spec_u64_map_get(&st, "system_usec", NULL) * 1000;
    s->cpu.periods = spec_u64_map_get(&st, "nr_periods", NULL);
    s->cpu.throttled_periods = spec_u64_map_get(&st, "nr_throttled", NULL);
    s->cpu.throttled_time = spec_u64_map_get(&st, "throttled_usec", NULL) * 1000;
    map_free(&st);
    if (r == 0)
        r = read_with(fd, "cpuset.cpus.effective", cg_parse_cpu_list, &s->cpuset.cpus, err);
    if (r == 0)
        r = read_with(fd, "cpuset.mems.effective", cg_parse_cpu_list, &s->cpuset.mems, err);
    if (r == 0 && cg_has_file(fd, "memory.current")) {
        r = read_keyed(fd, "memory.stat", &s->memory.raw, err);
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
        r = pids_stats(fd, s, err);
    char *t = NULL;
    if (r == 0 && (r = read_opt(fd, "io.stat", &t, err)) == 0 && t &&
        cg_parse_io_stat(t, &s->blkio[BLKIO_SERVICE_BYTES], &s->blkio[BLKIO_SERVICED]) < 0)
        r = malformed("io.stat", err);
    free(t);
    if (r == 0)
        r = hugetlb_stats(fd, ".current", true, s, err);
    close(fd);
    return r;
}

int cgroup_stats(const char *path, struct spec_stats *out, aisbx_error **err)
{
    struct where w;
    memset(out, 0, sizeof(*out));
    if (where_init(&w, path, err) < 0)
        return -1;
    int r = w.v2 ? v2_stats(&w, out, err) : v1_stats(&w, out, err);
    where_free(&w);
    if (r < 0) {
        spec_stats_free(out);
        return aisbx_error_wrap(err, "stats of cgroup %s", path);
    }
    return 0;
}

/* ---- the floor's counters and the OOM fd -------------------------------- */

static int read_counter(int fd, const char *file, const char *key, uint64_t *v, bool *has,
                        aisbx_error **err)
{
    struct spec_u64_map m = {0};
    int r = read_keyed(fd, file, &m, err);
    if (r == 0)
        *v = spec_u64_map_get(&m, key, has);
    map_free(&m);
    return r;
}

static int counters(const struct where *w, struct cgroup_counters *c, aisbx_error **err)
{
    bool has_oom = false;
    int r = 0, fd = open_ctl(w, "pids", err);
    if (fd >= 0) {
        r = read_counter(fd, "pids.events", "max", &c->pids_max, &c->has_pids, err);
        close(fd);
    }
    if (r < 0 || (fd < 0 && *err))
        return -1;
    fd = open_ctl(w, "memory", err);
    if (fd >= 0) {
        const char *file = w->v2 ? "memory.events" : "memory.oom_control";
        r = read_counter(fd, file, "oom_kill", &c->oom_kill, &c->has_oom_kill, err);
        if (r == 0 && w->v2)
            r = read_counter(fd, file, "oom", &c->oom, &has_oom, err);
        close(fd);
    }
    return r < 0 || (fd < 0 && *err) ? -1 : 0;
}

int cgroup_counters(const char *path, struct cgroup_counters *c, aisbx_error **err)
{
    struct where w;
    memset(c, 0, sizeof(*c));
    if (where_init(&w, path, err) < 0)
        return -1;
    int r = counters(&w, c, err);
    where_free(&w);
    return r < 0 ? aisbx_error_wrap(err, "counters of cgroup %s", path) : 0;
}

static int v1_oom_eventfd(const struct where *w, int *out, aisbx_error **err)
{
    int dfd = open_ctl(w, "memory", err);
    if (dfd < 0)
        return *err ? -1 : 0;
    int ofd = openat(dfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int r = 0;
    if (ofd < 0 || efd < 0)
        r = aisbx_error_make(err, errno, "%s", ofd < 0 ? "open memory.oom_control" : "eventfd");
    /* The kernel keeps its own reference to memory.oom_control. */
    if (r == 0)
        r = cg_writef(dfd, "memory cgroup", "cgroup.event_control", err, "%d %d", efd, ofd);
    if (ofd >= 0)
        close(ofd);
    close(dfd);
    if (r < 0) {
        if (efd >= 0)
            close(efd);
        return -1;
    }
    *out = efd;
    return 0;
}

static int v2_inotify(const char *path, int *out, aisbx_error **err)
{
    char *dir = cg_v2_dir(path);
    char *mem = xasprintf("%s/memory.events", dir), *pids = xasprintf("%s/pids.events", dir);
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK), r = 0, watched = 0;
    if (fd < 0)
        r = aisbx_error_make(err, errno, "inotify_init1");
    /* Only the files that exist: a controller not enabled has none. */
    if (r == 0 && inotify_add_watch(fd, mem, IN_MODIFY) >= 0)
        watched++;
    if (r == 0 && inotify_add_watch(fd, pids, IN_MODIFY) >= 0)
        watched++;
    free(dir);
    free(mem);
    free(pids);
    if (r == 0 && !watched) {
        close(fd);
        fd = -1;
    }
    if (r < 0)
        return -1;
    *out = fd;
    return 0;
}

int cgroup_oom_watch(const char *path, int *fd, aisbx_error **err)
{
    struct where w;
    *fd = -1;
    if (where_init(&w, path, err) < 0)
        return -1;
    int r = w.v2 ? v2_inotify(path, fd, err) : v1_oom_eventfd(&w, fd, err);
    where_free(&w);
    return r;
}

void cgroup_oom_watch_drain(int fd)
{
    char buf[4096];
    while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
        ;
}
