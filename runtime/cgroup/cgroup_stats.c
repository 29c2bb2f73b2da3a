/* The statistics facade: runc's stats (cgroup_stats_v1.c / _v2.c), the
 * floor's counters, and the OOM notification fd, v1 or v2 by the host. */
#include "runtime/cgroup/cgroup_stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_stats_internal.h"

int cgroup_stats(const char *path, struct spec_stats *out, aisbx_error **err)
{
    struct cg_where w;
    memset(out, 0, sizeof(*out));
    if (cg_where_init(&w, path, err) < 0)
        return -1;
    int r = w.v2 ? cg_stats_v2(&w, out, err) : cg_stats_v1(&w, out, err);
    cg_where_free(&w);
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
    int r = cg_read_keyed(fd, file, &m, err);
    if (r == 0)
        *v = spec_u64_map_get(&m, key, has);
    cg_u64_map_free(&m);
    return r;
}

static int counters(const struct cg_where *w, struct cgroup_counters *c, aisbx_error **err)
{
    bool has_oom = false;
    int r = 0, fd = cg_where_open(w, "pids", err);
    if (fd >= 0) {
        r = read_counter(fd, "pids.events", "max", &c->pids_max, &c->has_pids, err);
        close(fd);
    }
    if (r < 0 || (fd < 0 && *err))
        return -1;
    fd = cg_where_open(w, "memory", err);
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
    struct cg_where w;
    memset(c, 0, sizeof(*c));
    if (cg_where_init(&w, path, err) < 0)
        return -1;
    int r = counters(&w, c, err);
    cg_where_free(&w);
    return r < 0 ? aisbx_error_wrap(err, "counters of cgroup %s", path) : 0;
}

static int v1_oom_eventfd(const struct cg_where *w, int *out, aisbx_error **err)
{
    int dfd = cg_where_open(w, "memory", err);
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
    struct cg_where w;
    *fd = -1;
    if (cg_where_init(&w, path, err) < 0)
        return -1;
    int r = w.v2 ? v2_inotify(path, fd, err) : v1_oom_eventfd(&w, fd, err);
    cg_where_free(&w);
    return r;
}

void cgroup_oom_watch_drain(int fd)
{
    char buf[4096];
    while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
        ;
}
