/* `aisbx events`: runc's event object ({"type","id","data"}) and the stats
 * it carries, in runc's schema (runc's types/events.go: the field names,
 * which members are omitted when zero and which are always printed), plus
 * the sandbox's own event types. The values come from runtime/cgroup/. */
#ifndef AISBX_SPECS_STATS_H
#define AISBX_SPECS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct spec_u64_list {
    uint64_t *v;
    size_t n;
};

/* One "key value" pair of a flat keyed file (memory.stat). */
struct spec_u64_kv {
    char *key;
    uint64_t value;
};
struct spec_u64_map {
    struct spec_u64_kv *v;
    size_t n;
};

struct spec_blkio_entry {
    uint64_t major, minor, value;
    char op[16]; /* "Read", "Write", "Sync", "Async", "Discard", "Total", "" */
};
struct spec_blkio_list {
    struct spec_blkio_entry *v;
    size_t n;
};
/* The order of runc's Blkio members. */
enum spec_blkio_kind {
    BLKIO_SERVICE_BYTES,
    BLKIO_SERVICED,
    BLKIO_QUEUED,
    BLKIO_SERVICE_TIME,
    BLKIO_WAIT_TIME,
    BLKIO_MERGED,
    BLKIO_TIME,
    BLKIO_SECTORS,
    BLKIO_KINDS
};

struct spec_memory_entry {
    uint64_t limit, usage, max, failcnt;
};

struct spec_hugetlb {
    char *page_size; /* "2MB", the key of runc's map */
    uint64_t usage, max, failcnt;
};

struct spec_stats {
    struct {
        uint64_t total, kernel, user; /* nanoseconds */
        struct spec_u64_list percpu, percpu_kernel, percpu_user;
        uint64_t periods, throttled_periods, throttled_time;
    } cpu;
    struct {
        struct spec_u64_list cpus, mems;
        uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate, memory_spread_page,
            memory_spread_slab, memory_pressure, sched_load_balance;
        int64_t sched_relax_domain_level;
    } cpuset;
    struct {
        uint64_t cache;
        struct spec_memory_entry usage, swap, kernel, kernel_tcp;
        struct spec_u64_map raw;
    } memory;
    struct {
        uint64_t current, limit; /* limit 0: unlimited ("max"), as runc */
    } pids;
    struct spec_blkio_list blkio[BLKIO_KINDS];
    struct spec_hugetlb *hugetlb;
    size_t n_hugetlb;
};

void spec_stats_free(struct spec_stats *s);
/* Appends to a list / map (heap, grows). */
void spec_u64_list_push(struct spec_u64_list *l, uint64_t v);
void spec_u64_map_set(struct spec_u64_map *m, const char *key, uint64_t v);
/* 0 when absent (*found false), as runc reads a missing memory.stat key. */
uint64_t spec_u64_map_get(const struct spec_u64_map *m, const char *key, bool *found);
void spec_blkio_push(struct spec_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
                     uint64_t value);

/* {"type":"stats","id":ID,"data":{...}} on one line, no newline. */
int spec_event_stats_generate(const char *id, const struct spec_stats *s, char **out, size_t *len,
                              aisbx_error **err);
/* {"type":TYPE,"id":ID} (runc's "oom"), or with "data":{"count":N} when
 * with_count (the sandbox's "pids-limit" and "oom-kill"). */
int spec_event_count_generate(const char *type, const char *id, bool with_count, uint64_t count,
                              char **out, size_t *len, aisbx_error **err);
/* {"type":"overlay","id":ID,"data":{"changes":[...]}}: create's change
 * list, one "rule: field: old -> new" string each. */
int spec_event_overlay_generate(const char *id, char *const *changes, size_t n, char **out,
                                size_t *len, aisbx_error **err);

#endif
