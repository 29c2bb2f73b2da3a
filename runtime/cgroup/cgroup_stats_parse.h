/* Parsers for the cgroup files `events` and the verdict read, as pure
 * functions on the file's text (cgroup_stats_parse.c) so that unit tests
 * feed them the kernel's formats directly. Not for use outside
 * runtime/cgroup*. Each returns 0, or -1 (errno EINVAL) on text that is not
 * in the kernel's format; nothing is half-added on failure of a number. */
#ifndef AISBX_RUNTIME_CGROUP_STATS_PARSE_H
#define AISBX_RUNTIME_CGROUP_STATS_PARSE_H

#include <stdint.h>

#include "specs/stats.h"

/* One number ("max" -> UINT64_MAX, as runc reads memory.max). */
int cg_parse_u64(const char *text, uint64_t *v);
/* Flat keyed file ("key value" lines: memory.stat, cpu.stat, pids.events,
 * memory.events, memory.oom_control): every pair into m. */
int cg_parse_keyed(const char *text, struct spec_u64_map *m);
/* Space-separated numbers (cpuacct.usage_percpu). */
int cg_parse_u64_list(const char *text, struct spec_u64_list *l);
/* A cpu/node list ("0-3,8,10-11") expanded, as runc's cpuset stats. */
int cg_parse_cpu_list(const char *text, struct spec_u64_list *l);
/* cpuacct.usage_all: "cpu user system" header, then one line per cpu. */
int cg_parse_usage_all(const char *text, struct spec_u64_list *user, struct spec_u64_list *kernel);
/* v1 blkio: "MAJ:MIN Op value" lines (or "MAJ:MIN value" for time and
 * sectors); the "Total N" line is skipped, as runc does. */
int cg_parse_blkio_v1(const char *text, struct spec_blkio_list *l);
/* v2 io.stat: "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. ..." mapped to
 * v1's tables as runc does (bytes: Read/Write, ios: Read/Write). */
int cg_parse_io_stat(const char *text, struct spec_blkio_list *bytes, struct spec_blkio_list *ios);

#endif
