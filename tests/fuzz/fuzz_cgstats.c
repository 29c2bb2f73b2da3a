/* libFuzzer target: every cgroup statistics parser (runtime/cgroup/
 * cgroup_stats_parse.c) on a NUL-terminated copy of arbitrary bytes. The
 * kernel writes these files, but a parser must still hold on any text: no
 * crash, no leak, and a failed parse adds nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup_stats_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_empty(int r, size_t n, const char *what)
{
    if (r < 0 && n != 0) {
        fprintf(stderr, "%s: failed parse left %zu entries\n", what, n);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    uint64_t v;
    (void)cg_parse_u64(s, &v);

    struct spec_u64_map m = {0};
    (void)cg_parse_keyed(s, &m);
    for (size_t i = 0; i < m.n; i++)
        free(m.v[i].key);
    free(m.v);

    struct spec_u64_list l = {0}, k = {0};
    check_empty(cg_parse_u64_list(s, &l), l.n, "u64_list");
    free(l.v);
    memset(&l, 0, sizeof(l));
    check_empty(cg_parse_cpu_list(s, &l), l.n, "cpu_list");
    free(l.v);
    memset(&l, 0, sizeof(l));
    check_empty(cg_parse_usage_all(s, &l, &k), l.n + k.n, "usage_all");
    free(l.v);
    free(k.v);

    struct spec_blkio_list b = {0}, o = {0};
    check_empty(cg_parse_blkio_v1(s, &b), b.n, "blkio_v1");
    free(b.v);
    memset(&b, 0, sizeof(b));
    check_empty(cg_parse_io_stat(s, &b, &o), b.n + o.n, "io_stat");
    free(b.v);
    free(o.v);
    free(s);
    return 0;
}
