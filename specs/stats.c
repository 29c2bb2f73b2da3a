/* runc's event and stats JSON (types/events.go). Go's encoder is the
 * reference: struct members in declaration order, map keys sorted,
 * `omitempty` members left out when zero, `omitzero` structs left out when
 * every member is zero, nil slices as null. */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The lists only grow by one: room doubles when n reaches a power of two,
 * so a long cpu list costs O(n), not O(n^2). */
static bool full(size_t n)
{
    return (n & (n - 1)) == 0;
}

static size_t room(size_t n)
{
    return n ? 2 * n : 1;
}

void spec_u64_list_push(struct spec_u64_list *l, uint64_t v)
{
    if (full(l->n))
        l->v = xrealloc(l->v, room(l->n) * sizeof(*l->v));
    l->v[l->n++] = v;
}

void spec_u64_map_set(struct spec_u64_map *m, const char *key, uint64_t v)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].key, key) == 0) {
            m->v[i].value = v;
            return;
        }
    if (full(m->n))
        m->v = xrealloc(m->v, room(m->n) * sizeof(*m->v));
    m->v[m->n].key = xstrdup(key);
    m->v[m->n++].value = v;
}

uint64_t spec_u64_map_get(const struct spec_u64_map *m, const char *key, bool *found)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].key, key) == 0) {
            if (found)
                *found = true;
            return m->v[i].value;
        }
    if (found)
        *found = false;
    return 0;
}

void spec_blkio_push(struct spec_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
                     uint64_t value)
{
    if (full(l->n))
        l->v = xrealloc(l->v, room(l->n) * sizeof(*l->v));
    struct spec_blkio_entry *e = &l->v[l->n++];
    memset(e, 0, sizeof(*e));
    e->major = major;
    e->minor = minor;
    e->value = value;
    strncpy(e->op, op ? op : "", sizeof(e->op) - 1);
}

void spec_stats_free(struct spec_stats *s)
{
    if (!s)
        return;
    free(s->cpu.percpu.v);
    free(s->cpu.percpu_kernel.v);
    free(s->cpu.percpu_user.v);
    free(s->cpuset.cpus.v);
    free(s->cpuset.mems.v);
    for (size_t i = 0; i < s->memory.raw.n; i++)
        free(s->memory.raw.v[i].key);
    free(s->memory.raw.v);
    for (size_t k = 0; k < BLKIO_KINDS; k++)
        free(s->blkio[k].v);
    for (size_t i = 0; i < s->n_hugetlb; i++)
        free(s->hugetlb[i].page_size);
    free(s->hugetlb);
    memset(s, 0, sizeof(*s));
}

/* ---- generation ------------------------------------------------------ */

static void kv_u64_omitempty(struct json_gen *g, const char *key, uint64_t v)
{
    if (v)
        json_gen_kv_u64(g, key, v);
}

static void kv_list_omitempty(struct json_gen *g, const char *key, const struct spec_u64_list *l)
{
    if (!l->n)
        return;
    json_gen_key(g, key);
    json_gen_array_open(g);
    for (size_t i = 0; i < l->n; i++)
        json_gen_u64(g, l->v[i]);
    json_gen_array_close(g);
}

static void gen_cpu(struct json_gen *g, const struct spec_stats *s)
{
    json_gen_key(g, "cpu");
    json_gen_map_open(g);
    if (s->cpu.total || s->cpu.kernel || s->cpu.user || s->cpu.percpu.n || s->cpu.percpu_kernel.n ||
        s->cpu.percpu_user.n) {
        json_gen_key(g, "usage");
        json_gen_map_open(g);
        kv_u64_omitempty(g, "total", s->cpu.total);
        kv_list_omitempty(g, "percpu", &s->cpu.percpu);
        kv_list_omitempty(g, "percpu_kernel", &s->cpu.percpu_kernel);
        kv_list_omitempty(g, "percpu_user", &s->cpu.percpu_user);
        json_gen_kv_u64(g, "kernel", s->cpu.kernel);
        json_gen_kv_u64(g, "user", s->cpu.user);
        json_gen_map_close(g);
    }
    if (s->cpu.periods || s->cpu.throttled_periods || s->cpu.throttled_time) {
        json_gen_key(g, "throttling");
        json_gen_map_open(g);
        kv_u64_omitempty(g, "periods", s->cpu.periods);
        kv_u64_omitempty(g, "throttledPeriods", s->cpu.throttled_periods);
        kv_u64_omitempty(g, "throttledTime", s->cpu.throttled_time);
        json_gen_map_close(g);
    }
    json_gen_map_close(g);
}

static void gen_cpuset(struct json_gen *g, const struct spec_stats *s)
{
    json_gen_key(g, "cpuset");
    json_gen_map_open(g);
    kv_list_omitempty(g, "cpus", &s->cpuset.cpus);
    json_gen_kv_u64(g, "cpu_exclusive", s->cpuset.cpu_exclusive);
    kv_list_omitempty(g, "mems", &s->cpuset.mems);
    json_gen_kv_u64(g, "mem_hardwall", s->cpuset.mem_hardwall);
    json_gen_kv_u64(g, "mem_exclusive", s->cpuset.mem_exclusive);
    json_gen_kv_u64(g, "memory_migrate", s->cpuset.memory_migrate);
    json_gen_kv_u64(g, "memory_spread_page", s->cpuset.memory_spread_page);
    json_gen_kv_u64(g, "memory_spread_slab", s->cpuset.memory_spread_slab);
    json_gen_kv_u64(g, "memory_pressure", s->cpuset.memory_pressure);
    json_gen_kv_u64(g, "sched_load_balance", s->cpuset.sched_load_balance);
    json_gen_kv_i64(g, "sched_relax_domain_level", s->cpuset.sched_relax_domain_level);
    json_gen_map_close(g);
}

static void gen_memory_entry(struct json_gen *g, const char *key, const struct spec_memory_entry *e)
{
    if (!e->limit && !e->usage && !e->max && !e->failcnt)
        return; /* omitzero */
    json_gen_key(g, key);
    json_gen_map_open(g);
    json_gen_kv_u64(g, "limit", e->limit);
    kv_u64_omitempty(g, "usage", e->usage);
    kv_u64_omitempty(g, "max", e->max);
    json_gen_kv_u64(g, "failcnt", e->failcnt);
    json_gen_map_close(g);
}

static int cmp_kv(const void *a, const void *b)
{
    return strcmp(((const struct spec_u64_kv *)a)->key, ((const struct spec_u64_kv *)b)->key);
}

static int cmp_hugetlb(const void *a, const void *b)
{
    return strcmp(((const struct spec_hugetlb *)a)->page_size,
                  ((const struct spec_hugetlb *)b)->page_size);
}

static void gen_memory(struct json_gen *g, const struct spec_stats *s)
{
    json_gen_key(g, "memory");
    json_gen_map_open(g);
    kv_u64_omitempty(g, "cache", s->memory.cache);
    gen_memory_entry(g, "usage", &s->memory.usage);
    gen_memory_entry(g, "swap", &s->memory.swap);
    gen_memory_entry(g, "kernel", &s->memory.kernel);
    gen_memory_entry(g, "kernelTCP", &s->memory.kernel_tcp);
    if (s->memory.raw.n) {
        /* Go prints map keys sorted. */
        struct spec_u64_kv *v = xmalloc0(s->memory.raw.n * sizeof(*v));
        memcpy(v, s->memory.raw.v, s->memory.raw.n * sizeof(*v));
        qsort(v, s->memory.raw.n, sizeof(*v), cmp_kv);
        json_gen_key(g, "raw");
        json_gen_map_open(g);
        for (size_t i = 0; i < s->memory.raw.n; i++)
            json_gen_kv_u64(g, v[i].key, v[i].value);
        json_gen_map_close(g);
        free(v);
    }
    json_gen_map_close(g);
}

static void gen_blkio(struct json_gen *g, const struct spec_stats *s)
{
    static const char *const keys[BLKIO_KINDS] = {
        [BLKIO_SERVICE_BYTES] = "ioServiceBytesRecursive",
        [BLKIO_SERVICED] = "ioServicedRecursive",
        [BLKIO_QUEUED] = "ioQueueRecursive",
        [BLKIO_SERVICE_TIME] = "ioServiceTimeRecursive",
        [BLKIO_WAIT_TIME] = "ioWaitTimeRecursive",
        [BLKIO_MERGED] = "ioMergedRecursive",
        [BLKIO_TIME] = "ioTimeRecursive",
        [BLKIO_SECTORS] = "sectorsRecursive",
    };
    json_gen_key(g, "blkio");
    json_gen_map_open(g);
    for (size_t k = 0; k < BLKIO_KINDS; k++) {
        const struct spec_blkio_list *l = &s->blkio[k];
        if (!l->n)
            continue;
        json_gen_key(g, keys[k]);
        json_gen_array_open(g);
        for (size_t i = 0; i < l->n; i++) {
            json_gen_map_open(g);
            kv_u64_omitempty(g, "major", l->v[i].major);
            kv_u64_omitempty(g, "minor", l->v[i].minor);
            if (*l->v[i].op)
                json_gen_kv_string(g, "op", l->v[i].op);
            kv_u64_omitempty(g, "value", l->v[i].value);
            json_gen_map_close(g);
        }
        json_gen_array_close(g);
    }
    json_gen_map_close(g);
}

static void gen_hugetlb(struct json_gen *g, const struct spec_stats *s)
{
    json_gen_key(g, "hugetlb");
    json_gen_map_open(g);
    struct spec_hugetlb *v = xmalloc0((s->n_hugetlb + 1) * sizeof(*v));
    if (s->n_hugetlb)
        memcpy(v, s->hugetlb, s->n_hugetlb * sizeof(*v));
    qsort(v, s->n_hugetlb, sizeof(*v), cmp_hugetlb);
    for (size_t i = 0; i < s->n_hugetlb; i++) {
        json_gen_key(g, v[i].page_size);
        json_gen_map_open(g);
        kv_u64_omitempty(g, "usage", v[i].usage);
        kv_u64_omitempty(g, "max", v[i].max);
        json_gen_kv_u64(g, "failcnt", v[i].failcnt);
        json_gen_map_close(g);
    }
    free(v);
    json_gen_map_close(g);
}

int spec_event_stats_generate(const char *id, const struct spec_stats *s, char **out, size_t *len,
                              aisbx_error **err)
{
    struct json_gen *g = json_gen_new(false);
    json_gen_map_open(g);
    json_gen_kv_string(g, "type", "stats");
    json_gen_kv_string(g, "id", id);
    json_gen_key(g, "data");
    json_gen_map_open(g);
    gen_cpu(g, s);
    gen_cpuset(g, s);
    gen_memory(g, s);
    json_gen_key(g, "pids");
    json_gen_map_open(g);
    kv_u64_omitempty(g, "current", s->pids.current);
    kv_u64_omitempty(g, "limit", s->pids.limit);
    json_gen_map_close(g);
    gen_blkio(g, s);
    gen_hugetlb(g, s);
    /* No Intel RDT and no network statistics: runc prints these two for a
     * container without either exactly so. */
    json_gen_key(g, "intel_rdt");
    json_gen_map_open(g);
    json_gen_map_close(g);
    json_gen_key(g, "network_interfaces");
    json_gen_null(g);
    json_gen_map_close(g);
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}

int spec_event_count_generate(const char *type, const char *id, bool with_count, uint64_t count,
                              char **out, size_t *len, aisbx_error **err)
{
    struct json_gen *g = json_gen_new(false);
    json_gen_map_open(g);
    json_gen_kv_string(g, "type", type);
    json_gen_kv_string(g, "id", id);
    if (with_count) {
        json_gen_key(g, "data");
        json_gen_map_open(g);
        json_gen_kv_u64(g, "count", count);
        json_gen_map_close(g);
    }
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}

int spec_event_overlay_generate(const char *id, char *const *changes, size_t n, char **out,
                                size_t *len, aisbx_error **err)
{
    struct json_gen *g = json_gen_new(false);
    json_gen_map_open(g);
    json_gen_kv_string(g, "type", "overlay");
    json_gen_kv_string(g, "id", id);
    json_gen_key(g, "data");
    json_gen_map_open(g);
    json_gen_kv_strings(g, "changes", changes, n);
    json_gen_map_close(g);
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}
