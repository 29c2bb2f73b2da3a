/* Inside the cgroup statistics code only (cgroup_stats*.c and tests/):
 * where a cgroup's controller directories are, and the file readers the
 * v1 and v2 readers share.
 *
 * Calls only go down: cgroup_stats.c -> {cgroup_stats_v1.c,
 * cgroup_stats_v2.c} -> cgroup_stats_files.c -> cgroup_stats_parse.c. */
#ifndef AISBX_RUNTIME_CGROUP_STATS_INTERNAL_H
#define AISBX_RUNTIME_CGROUP_STATS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "specs/error.h"
#include "specs/stats.h"

/* cpuacct.stat counts USER_HZ ticks; the kernel ABI fixes USER_HZ at 100. */
#define USER_HZ 100ull
#define NS_PER_SEC 1000000000ull

/* Where the controllers' directories are: the v1 hierarchies are looked
 * up once per call (each lookup reads /proc/self/mountinfo). */
struct cg_where {
    const char *path;
    bool v2;
    struct cg_hier *h;
    size_t n;
};
/* Checks path (absolute, no ".."); v1: reads the hierarchies. */
int cg_where_init(struct cg_where *w, const char *path, aisbx_error **err);
void cg_where_free(struct cg_where *w);
/* O_PATH fd of controller's directory; -1 (and no error) when the
 * controller is not mounted (v1); -1 with err when the cgroup is gone. */
int cg_where_open(const struct cg_where *w, const char *controller, aisbx_error **err);

/* The file's text; 0 with *text NULL when the file does not exist. */
int cg_read_opt(int fd, const char *file, char **text, aisbx_error **err);
/* "<file>: unexpected format", -1. */
int cg_malformed(const char *file, aisbx_error **err);
/* A number file into *v ("max": UINT64_MAX); absent leaves *v unchanged. */
int cg_read_u64(int fd, const char *file, uint64_t *v, aisbx_error **err);
/* A flat keyed file into m; absent adds nothing. */
int cg_read_keyed(int fd, const char *file, struct spec_u64_map *m, aisbx_error **err);
/* A list file through parse (cgroup_stats_parse.h); absent adds nothing. */
int cg_read_list(int fd, const char *file, int (*parse)(const char *, struct spec_u64_list *),
                 struct spec_u64_list *l, aisbx_error **err);
void cg_u64_map_free(struct spec_u64_map *m);
/* hugetlb.<size>.* of every page size the kernel names in fd's directory;
 * suffix is the usage file's (".usage_in_bytes" v1, ".current" v2). */
int cg_hugetlb_stats(int fd, const char *suffix, bool v2, struct spec_stats *s, aisbx_error **err);
/* pids.current and pids.max ("max": limit 0, as runc). */
int cg_pids_stats(int fd, struct spec_stats *s, aisbx_error **err);

/* The readers per version (cgroup_stats_v1.c, cgroup_stats_v2.c). */
int cg_stats_v1(const struct cg_where *w, struct spec_stats *s, aisbx_error **err);
int cg_stats_v2(const struct cg_where *w, struct spec_stats *s, aisbx_error **err);

#endif
