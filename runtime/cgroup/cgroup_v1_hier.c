/* cgroup v1 hierarchies: which mounted hierarchies carry the controllers
 * we manage, plus the unified (v2) hierarchy of a hybrid host (from
 * mountinfo, found again by every call), and the directory of a cgroup in the
 * one carrying a given controller. Used by cgroup_v1.c,
 * cgroup_v1_resources.c and the facade; calls nothing of theirs. */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>

#include "runtime/cgroup/cgroup_internal.h"

/* Controllers we manage; name=systemd and other named hierarchies are left
 * to their owners. */
static const char *const managed[] = {"pids",     "memory",     "cpu",     "cpuacct", "cpuset",
                                      "blkio",    "devices",    "freezer", "hugetlb", "net_cls",
                                      "net_prio", "perf_event", "rdma",    "misc"};

static bool is_managed(const char *c)
{
    for (size_t i = 0; i < sizeof(managed) / sizeof(managed[0]); i++)
        if (strcmp(c, managed[i]) == 0)
            return true;
    return false;
}

bool cg_hier_has(const struct cg_hier *h, const char *controller)
{
    size_t l = strlen(controller);
    for (const char *p = h->controllers; *p;) {
        size_t n = strcspn(p, ",");
        if (n == l && strncmp(p, controller, l) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

void cg_v1_hierarchies_free(struct cg_hier *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].mount);
        free(h[i].controllers);
    }
    free(h);
}

int cg_v1_hierarchies(struct cg_hier **out, size_t *n, aisbx_error **err)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return aisbx_error_make(err, errno, "open /proc/self/mountinfo");
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        /* id parent maj:min root mountpoint opts [optional...] - fstype src superopts */
        char *sep = strstr(line, " - ");
        if (!sep)
            continue;
        char fstype[32], src[256], opts[512], root[256], mnt[512];
        if (sscanf(sep + 3, "%31s %255s %511s", fstype, src, opts) != 3)
            continue;
        bool unified = strcmp(fstype, "cgroup2") == 0;
        if (!unified && strcmp(fstype, "cgroup") != 0)
            continue;
        if (sscanf(line, "%*s %*s %*s %255s %511s", root, mnt) != 2)
            continue;
        /* mountinfo also lists a hierarchy that a later mount hides (a
         * tmpfs over /sys/fs/cgroup/unified, as make bench puts there for
         * crun): judge what the path is now, not what was mounted there. */
        struct statfs sfs;
        if (statfs(mnt, &sfs) < 0 ||
            sfs.f_type != (unified ? CGROUP2_SUPER_MAGIC : CGROUP_SUPER_MAGIC))
            continue;
        char ctrls[512] = "", *save = NULL;
        /* A hybrid host's cgroup2 mount carries no controller (they are all
         * on v1) and is listed once, with none: runc places the container
         * there too, and so do we (cgroup_v1.c). */
        for (char *o = unified ? NULL : strtok_r(opts, ",", &save); o;
             o = strtok_r(NULL, ",", &save)) {
            if (!is_managed(o))
                continue;
            if (*ctrls)
                strcat(ctrls, ",");
            strcat(ctrls, o);
        }
        if (!*ctrls && !unified)
            continue;
        bool dup = false;
        for (size_t i = 0; i < *n && !dup; i++)
            dup = (*out)[i].unified == unified && strcmp((*out)[i].controllers, ctrls) == 0;
        if (dup)
            continue;
        *out = xrealloc(*out, (*n + 1) * sizeof(**out));
        (*out)[*n].mount = xstrdup(mnt);
        (*out)[*n].controllers = xstrdup(ctrls);
        (*out)[*n].unified = unified;
        (*n)++;
    }
    free(line);
    fclose(f);
    return 0;
}

const struct cg_hier *cg_v1_find(const struct cg_hier *h, size_t n, const char *controller)
{
    for (size_t i = 0; i < n; i++)
        if (cg_hier_has(&h[i], controller))
            return &h[i];
    return NULL;
}

char *cg_v1_dir(const char *controller, const char *path)
{
    struct cg_hier *h = NULL;
    size_t n = 0;
    if (cg_v1_hierarchies(&h, &n, NULL) < 0)
        return NULL;
    const struct cg_hier *x = cg_v1_find(h, n, controller);
    char *dir = x ? xasprintf("%s%s", x->mount, strcmp(path, "/") ? path : "") : NULL;
    cg_v1_hierarchies_free(h, n);
    return dir;
}
