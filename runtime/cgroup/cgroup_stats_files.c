/* The file readers the v1 and v2 statistics share, and where a cgroup's
 * controller directories are. Every directory is opened once (O_PATH) and
 * read through that fd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/cgroup/cgroup_stats_internal.h"
#include "runtime/cgroup/cgroup_stats_parse.h"

static int check_path(const char *path, aisbx_error **err)
{
    if (!path || path[0] != '/' || strstr(path, "/../") ||
        (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
        return aisbx_error_make(err, EINVAL, "invalid cgroup path \"%s\"", path ? path : "");
    return 0;
}

int cg_where_init(struct cg_where *w, const char *path, aisbx_error **err)
{
    memset(w, 0, sizeof(*w));
    w->path = path;
    w->v2 = cgroup_version() == CGROUP_V2;
    if (check_path(path, err) < 0)
        return -1;
    return w->v2 ? 0 : cg_v1_hierarchies(&w->h, &w->n, err);
}

void cg_where_free(struct cg_where *w)
{
    cg_v1_hierarchies_free(w->h, w->n);
    w->h = NULL;
}

/* O_PATH fd of controller's directory; -1 (and no error) when the
 * controller is not mounted (v1); -1 with err when the cgroup is gone. */
int cg_where_open(const struct cg_where *w, const char *controller, aisbx_error **err)
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
int cg_read_opt(int fd, const char *file, char **text, aisbx_error **err)
{
    *text = NULL;
    if (cg_read(fd, file, text) == 0)
        return 0;
    if (errno == ENOENT || errno == EOPNOTSUPP)
        return 0;
    return aisbx_error_make(err, errno, "read %s", file);
}

int cg_malformed(const char *file, aisbx_error **err)
{
    return aisbx_error_make(err, EINVAL, "%s: unexpected format", file);
}

/* A number file into *v; absent leaves *v unchanged. */
int cg_read_u64(int fd, const char *file, uint64_t *v, aisbx_error **err)
{
    char *t = NULL;
    int r = cg_read_opt(fd, file, &t, err);
    if (r == 0 && t && cg_parse_u64(t, v) < 0)
        r = cg_malformed(file, err);
    free(t);
    return r;
}

int cg_read_keyed(int fd, const char *file, struct spec_u64_map *m, aisbx_error **err)
{
    char *t = NULL;
    int r = cg_read_opt(fd, file, &t, err);
    if (r == 0 && t && cg_parse_keyed(t, m) < 0)
        r = cg_malformed(file, err);
    free(t);
    return r;
}

int cg_read_list(int fd, const char *file, int (*parse)(const char *, struct spec_u64_list *),
                 struct spec_u64_list *l, aisbx_error **err)
{
    char *t = NULL;
    int r = cg_read_opt(fd, file, &t, err);
    if (r == 0 && t && parse(t, l) < 0)
        r = cg_malformed(file, err);
    free(t);
    return r;
}

void cg_u64_map_free(struct spec_u64_map *m)
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
int cg_hugetlb_stats(int fd, const char *suffix, bool v2, struct spec_stats *s, aisbx_error **err)
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
        r = cg_read_u64(fd, f1, &h->usage, err);
        if (r == 0 && !v2)
            r = cg_read_u64(fd, f2, &h->max, err);
        if (r == 0 && !v2)
            r = cg_read_u64(fd, f3, &h->failcnt, err);
        if (r == 0 && v2) { /* v2 has no failcnt: the "max" event count */
            struct spec_u64_map m = {0};
            r = cg_read_keyed(fd, f4, &m, err);
            h->failcnt = spec_u64_map_get(&m, "max", NULL);
            cg_u64_map_free(&m);
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

int cg_pids_stats(int fd, struct spec_stats *s, aisbx_error **err)
{
    int r = cg_read_u64(fd, "pids.current", &s->pids.current, err);
    if (r == 0)
        r = cg_read_u64(fd, "pids.max", &s->pids.limit, err);
    if (s->pids.limit == UINT64_MAX) /* "max": runc reports 0 */
        s->pids.limit = 0;
    return r;
}
