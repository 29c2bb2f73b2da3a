/* The text formats of the cgroup statistics files (kernel's
 * Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst). */
#include "runtime/cgroup/cgroup_stats_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(void)
{
    errno = EINVAL;
    return -1;
}

/* A whole decimal token [s, s+n); no sign, no spaces. */
static int num(const char *s, size_t n, uint64_t *v)
{
    char buf[32];
    char *end = NULL;
    if (n == 0 || n >= sizeof(buf) || *s < '0' || *s > '9')
        return bad();
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    unsigned long long x = strtoull(buf, &end, 10);
    if (errno || *end)
        return bad();
    *v = x;
    return 0;
}

int cg_parse_u64(const char *text, uint64_t *v)
{
    size_t n = strcspn(text, "\n");
    if (n == 3 && strncmp(text, "max", 3) == 0) {
        *v = UINT64_MAX;
        return 0;
    }
    return num(text, n, v);
}

/* Splits the next line off *p (without its newline); NULL at the end. */
static char *next_line(char **p)
{
    if (!*p || !**p)
        return NULL;
    char *l = *p, *nl = strchr(l, '\n');
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = l + strlen(l);
    }
    return l;
}

/* Up to max whitespace-separated tokens of line (modified in place). */
static size_t tokens(char *line, char **tok, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == max)
            return max + 1;
        tok[n++] = t;
    }
    return n;
}

int cg_parse_keyed(const char *text, struct spec_u64_map *m)
{
    char *copy = xstrdup(text), *p = copy, *l, *tok[2];
    int r = 0;
    while (r == 0 && (l = next_line(&p))) {
        size_t n = tokens(l, tok, 2);
        uint64_t v;
        if (n == 0)
            continue;
        if (n != 2 || cg_parse_u64(tok[1], &v) < 0)
            r = bad();
        else
            spec_u64_map_set(m, tok[0], v);
    }
    free(copy);
    return r;
}

int cg_parse_u64_list(const char *text, struct spec_u64_list *l)
{
    char *copy = xstrdup(text), *save = NULL;
    struct spec_u64_list tmp = {0};
    int r = 0;
    for (char *t = strtok_r(copy, " \t\n", &save); t && r == 0;
         t = strtok_r(NULL, " \t\n", &save)) {
        uint64_t v;
        if ((r = num(t, strlen(t), &v)) == 0)
            spec_u64_list_push(&tmp, v);
    }
    free(copy);
    for (size_t i = 0; r == 0 && i < tmp.n; i++)
        spec_u64_list_push(l, tmp.v[i]);
    free(tmp.v);
    return r;
}

int cg_parse_cpu_list(const char *text, struct spec_u64_list *l)
{
    char *copy = xstrdup(text), *save = NULL;
    struct spec_u64_list tmp = {0};
    int r = 0;
    copy[strcspn(copy, "\n")] = '\0';
    for (char *t = strtok_r(copy, ",", &save); t && r == 0; t = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(t, '-');
        uint64_t a, b;
        if (dash ? (num(t, (size_t)(dash - t), &a) < 0 || num(dash + 1, strlen(dash + 1), &b) < 0)
                 : num(t, strlen(t), &a) < 0) {
            r = -1;
            break;
        }
        if (!dash)
            b = a;
        /* The kernel caps cpus and nodes (NR_CPUS <= 8192) far below this. */
        if (b < a || b - a > 65535 || tmp.n + (b - a) > 65535) {
            r = bad();
            break;
        }
        for (uint64_t x = a; x <= b; x++)
            spec_u64_list_push(&tmp, x);
    }
    free(copy);
    for (size_t i = 0; r == 0 && i < tmp.n; i++)
        spec_u64_list_push(l, tmp.v[i]);
    free(tmp.v);
    return r;
}

int cg_parse_usage_all(const char *text, struct spec_u64_list *user, struct spec_u64_list *kernel)
{
    char *copy = xstrdup(text), *p = copy, *l, *tok[3];
    struct spec_u64_list u = {0}, k = {0};
    int r = 0;
    bool header = true;
    while (r == 0 && (l = next_line(&p))) {
        size_t n = tokens(l, tok, 3);
        uint64_t cpu, a, b;
        if (n == 0)
            continue;
        if (n != 3)
            r = bad();
        else if (header)
            r = strcmp(tok[0], "cpu") == 0 ? 0 : bad();
        else if (num(tok[0], strlen(tok[0]), &cpu) < 0 || num(tok[1], strlen(tok[1]), &a) < 0 ||
                 num(tok[2], strlen(tok[2]), &b) < 0)
            r = -1;
        else {
            spec_u64_list_push(&u, a);
            spec_u64_list_push(&k, b);
        }
        header = false;
    }
    free(copy);
    for (size_t i = 0; r == 0 && i < u.n; i++) {
        spec_u64_list_push(user, u.v[i]);
        spec_u64_list_push(kernel, k.v[i]);
    }
    free(u.v);
    free(k.v);
    return r;
}

static int majmin(const char *t, uint64_t *maj, uint64_t *min)
{
    const char *c = strchr(t, ':');
    if (!c)
        return bad();
    return num(t, (size_t)(c - t), maj) < 0 || num(c + 1, strlen(c + 1), min) < 0 ? -1 : 0;
}

int cg_parse_blkio_v1(const char *text, struct spec_blkio_list *l)
{
    char *copy = xstrdup(text), *p = copy, *line, *tok[3];
    struct spec_blkio_list tmp = {0};
    int r = 0;
    while (r == 0 && (line = next_line(&p))) {
        size_t n = tokens(line, tok, 3);
        uint64_t maj, min, v;
        if (n == 0 || (n == 2 && strcmp(tok[0], "Total") == 0))
            continue;
        if (n < 2 || n > 3 || majmin(tok[0], &maj, &min) < 0 ||
            num(tok[n - 1], strlen(tok[n - 1]), &v) < 0 ||
            (n == 3 && strlen(tok[1]) >= sizeof(tmp.v->op)))
            r = bad();
        else
            spec_blkio_push(&tmp, maj, min, n == 3 ? tok[1] : "", v);
    }
    free(copy);
    for (size_t i = 0; r == 0 && i < tmp.n; i++)
        spec_blkio_push(l, tmp.v[i].major, tmp.v[i].minor, tmp.v[i].op, tmp.v[i].value);
    free(tmp.v);
    return r;
}

int cg_parse_io_stat(const char *text, struct spec_blkio_list *bytes, struct spec_blkio_list *ios)
{
    char *copy = xstrdup(text), *p = copy, *line;
    struct spec_blkio_list b = {0}, o = {0};
    int r = 0;
    while (r == 0 && (line = next_line(&p))) {
        char *save = NULL, *t = strtok_r(line, " \t", &save);
        uint64_t maj, min, v;
        if (!t)
            continue;
        if (majmin(t, &maj, &min) < 0) {
            r = -1;
            break;
        }
        while (r == 0 && (t = strtok_r(NULL, " \t", &save))) {
            char *eq = strchr(t, '=');
            if (!eq || num(eq + 1, strlen(eq + 1), &v) < 0) {
                r = bad();
                break;
            }
            *eq = '\0';
            if (strcmp(t, "rbytes") == 0)
                spec_blkio_push(&b, maj, min, "Read", v);
            else if (strcmp(t, "wbytes") == 0)
                spec_blkio_push(&b, maj, min, "Write", v);
            else if (strcmp(t, "rios") == 0)
                spec_blkio_push(&o, maj, min, "Read", v);
            else if (strcmp(t, "wios") == 0)
                spec_blkio_push(&o, maj, min, "Write", v);
            /* Others (dbytes, dios, cost.*) have no v1 table: skipped. */
        }
    }
    free(copy);
    for (size_t i = 0; r == 0 && i < b.n; i++)
        spec_blkio_push(bytes, b.v[i].major, b.v[i].minor, b.v[i].op, b.v[i].value);
    for (size_t i = 0; r == 0 && i < o.n; i++)
        spec_blkio_push(ios, o.v[i].major, o.v[i].minor, o.v[i].op, o.v[i].value);
    free(b.v);
    free(o.v);
    return r;
}
