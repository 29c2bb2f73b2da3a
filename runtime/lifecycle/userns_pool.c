/* /etc/subuid + /etc/subgid -> the pool of host ranges (userns_pool.h). */
#include "runtime/lifecycle/userns_pool.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/fd_util.h"

struct subid_entry {
    char owner[256];
    uint64_t start, count;
};

/* One "owner:start:count" line; false for blank lines and comments. A
 * malformed line is an error: guessing could hand out another user's ids. */
static int parse_line(const char *line, size_t len, const char *file, int lineno,
                      struct subid_entry *e, bool *got, aisbx_error **err)
{
    char buf[512];
    *got = false;
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    if (len >= sizeof(buf))
        return aisbx_error_make(err, 0, "%s line %d: too long", file, lineno);
    memcpy(buf, line, len);
    buf[len] = '\0';
    char *c1 = strchr(buf, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *end1, *end2;
    if (!c1 || !c2 || c1 == buf || (size_t)(c1 - buf) >= sizeof(e->owner))
        return aisbx_error_make(err, 0, "%s line %d: not owner:start:count", file, lineno);
    *c1 = *c2 = '\0';
    errno = 0;
    e->start = strtoull(c1 + 1, &end1, 10);
    e->count = strtoull(c2 + 1, &end2, 10);
    if (errno || end1 == c1 + 1 || *end1 || end2 == c2 + 1 || *end2 || c1[1] == '-' ||
        c2[1] == '-' || e->count == 0 || e->start + e->count > (1ULL << 32))
        return aisbx_error_make(err, 0, "%s line %d: not owner:start:count", file, lineno);
    memcpy(e->owner, buf, (size_t)(c1 - buf) + 1); /* fits: checked above */
    *got = true;
    return 0;
}

/* Calls each(entry) for every entry; stops at the first error. */
static int for_each_entry(const char *text, const char *file,
                          int (*each)(const struct subid_entry *e, const char *where, void *arg,
                                      aisbx_error **err),
                          void *arg, aisbx_error **err)
{
    int lineno = 0;
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct subid_entry e;
        bool got;
        lineno++;
        if (parse_line(p, len, file, lineno, &e, &got, err) < 0)
            return -1;
        char where[300];
        snprintf(where, sizeof(where), "%s line %d", file, lineno);
        if (got && each(&e, where, arg, err) < 0)
            return -1;
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

struct find_owner {
    struct subid_entry found;
    int n;
};

static int find_aisbx(const struct subid_entry *e, const char *where, void *arg, aisbx_error **err)
{
    struct find_owner *f = arg;
    if (strcmp(e->owner, USERNS_POOL_OWNER) == 0) {
        if (f->n++) /* which one is meant? */
            return aisbx_error_make(err, 0, "%s: a second " USERNS_POOL_OWNER " entry", where);
        f->found = *e;
    }
    return 0;
}

static int check_overlap(const struct subid_entry *e, const char *where, void *arg,
                         aisbx_error **err)
{
    const struct userns_pool *p = arg;
    uint64_t lo = p->base, hi = lo + (uint64_t)p->slots * USERNS_RANGE_SIZE;
    if (strcmp(e->owner, USERNS_POOL_OWNER) == 0 || e->start >= hi || lo >= e->start + e->count)
        return 0;
    return aisbx_error_make(err, 0, "%s: %s's ids %" PRIu64 "-%" PRIu64 " overlap the pool", where,
                            e->owner, e->start, e->start + e->count - 1);
}

static int find_in(const char *text, const char *file, struct find_owner *f, aisbx_error **err)
{
    memset(f, 0, sizeof(*f));
    if (for_each_entry(text, file, find_aisbx, f, err) < 0)
        return aisbx_error_wrap(err, "userns pool");
    return 0;
}

int userns_pool_from_subid(const char *subuid, const char *subgid, struct userns_pool *p,
                           aisbx_error **err)
{
    struct find_owner u, g;
    if (find_in(subuid, "/etc/subuid", &u, err) < 0 || find_in(subgid, "/etc/subgid", &g, err) < 0)
        return -1;
    if (u.n != g.n || (u.n && (u.found.start != g.found.start || u.found.count != g.found.count)))
        return aisbx_error_make(err, 0,
                                "userns pool: the " USERNS_POOL_OWNER
                                " entries of /etc/subuid and /etc/subgid differ (they must be "
                                "the same range)");
    if (u.n) {
        if (u.found.start % USERNS_RANGE_SIZE || u.found.count < USERNS_RANGE_SIZE ||
            u.found.start == 0)
            return aisbx_error_make(err, 0,
                                    "userns pool: /etc/subuid " USERNS_POOL_OWNER ":%" PRIu64
                                    ":%" PRIu64
                                    " must start at a non-zero multiple of 65536 and hold at "
                                    "least 65536 ids",
                                    u.found.start, u.found.count);
        p->base = (uint32_t)u.found.start;
        p->slots = (uint32_t)(u.found.count / USERNS_RANGE_SIZE);
    } else {
        p->base = USERNS_POOL_DEFAULT_BASE;
        p->slots = USERNS_POOL_DEFAULT_SIZE / USERNS_RANGE_SIZE;
    }
    /* 4294967295 is the kernel's "no id": never hand it out. */
    if ((uint64_t)p->base + (uint64_t)p->slots * USERNS_RANGE_SIZE > 0xFFFFFFFFULL)
        p->slots = (uint32_t)((0xFFFFFFFFULL - p->base) / USERNS_RANGE_SIZE);
    if (p->slots == 0)
        return aisbx_error_make(err, 0, "userns pool: no complete 65536-id slot");
    if (for_each_entry(subuid, "/etc/subuid", check_overlap, p, err) < 0 ||
        for_each_entry(subgid, "/etc/subgid", check_overlap, p, err) < 0)
        return aisbx_error_wrap(err, "userns pool %" PRIu32 "-%" PRIu64, p->base,
                                (uint64_t)p->base + (uint64_t)p->slots * USERNS_RANGE_SIZE - 1);
    return 0;
}

static int read_text(const char *path, char **text, aisbx_error **err)
{
    size_t n;
    *text = NULL;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT ? 0 : aisbx_error_make(err, errno, "open %s", path);
    if (read_all(fd, text, &n, 1 << 22) < 0)
        return aisbx_error_make(err, errno, "read %s", path);
    return 0;
}

int userns_pool_load(const char *subuid_path, const char *subgid_path, struct userns_pool *p,
                     aisbx_error **err)
{
    cleanup_free char *u = NULL;
    cleanup_free char *g = NULL;
    if (read_text(subuid_path, &u, err) < 0 || read_text(subgid_path, &g, err) < 0)
        return -1;
    return userns_pool_from_subid(u, g, p, err);
}
