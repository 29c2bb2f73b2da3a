/* The cgroup v1 driver: one directory per mounted hierarchy (found by
 * cgroup_v1_hier.c), created, joined, frozen with freezer.state, killed and
 * removed here; the limits are written by cgroup_v1_resources.c. On a hybrid
 * host the same path is made and joined in the unified hierarchy too, as
 * runc does: tools that read a process's v2 cgroup (the "0::" line) find the
 * container's, and delete removes it with the others. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/log.h"

static char *v1_procs_dir(const char *path, aisbx_error **err)
{
    static const char *const pref[] = {"pids", "freezer", "memory", "devices", "cpu", "cpuset"};
    struct cg_hier *h = NULL;
    size_t n = 0;
    char *gone = NULL;
    /* One read of mountinfo for all six (create asks before the cgroup
     * exists, so every candidate used to be looked up, and parsed, in turn). */
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return NULL;
    for (size_t i = 0; i < sizeof(pref) / sizeof(pref[0]); i++) {
        const struct cg_hier *x = cg_v1_find(h, n, pref[i]);
        if (!x)
            continue;
        char *dir = xasprintf("%s%s", x->mount, strcmp(path, "/") ? path : "");
        if (access(dir, F_OK) == 0) {
            free(gone);
            cg_v1_hierarchies_free(h, n);
            return dir;
        }
        if (!gone)
            gone = dir;
        else
            free(dir);
    }
    cg_v1_hierarchies_free(h, n);
    /* Removed (systemd drops an empty scope): the missing directory, which
     * lists no process. Only with none of the controllers mounted is it an
     * error. */
    if (!gone)
        aisbx_error_make(err, ENOENT, "cgroup %s: no cgroup v1 controller is mounted", path);
    return gone;
}

/* A new cpuset cgroup starts with empty cpus/mems and refuses tasks: give
 * every level from the root down its parent's sets when it has none. */
static int cpuset_fill(const char *mount, const char *path, aisbx_error **err)
{
    char *cur = xstrdup(mount), *copy = xstrdup(path), *save = NULL;
    int ret = 0;
    for (char *comp = strtok_r(copy, "/", &save); comp && ret == 0;
         comp = strtok_r(NULL, "/", &save)) {
        char *child = xasprintf("%s/%s", cur, comp);
        int pfd = cg_open_dir(cur, err), cfd = pfd < 0 ? -1 : cg_open_dir(child, err);
        ret = cfd < 0 ? -1 : 0;
        for (int k = 0; k < 2 && ret == 0; k++) {
            const char *f = k ? "cpuset.mems" : "cpuset.cpus";
            char *v = NULL;
            if (cg_read(cfd, f, &v) < 0) {
                ret = aisbx_error_make(err, errno, "read %s/%s", child, f);
                break;
            }
            bool empty = !*v;
            free(v);
            v = NULL;
            if (!empty)
                continue;
            if (cg_read(pfd, f, &v) < 0)
                ret = aisbx_error_make(err, errno, "read %s/%s", cur, f);
            else
                ret = cg_write(cfd, child, f, v, err);
            free(v);
        }
        if (pfd >= 0)
            close(pfd);
        if (cfd >= 0)
            close(cfd);
        free(cur);
        cur = child;
    }
    free(cur);
    free(copy);
    return ret;
}

/* The unified hierarchy of a hybrid host holds no controller, so no limit
 * and nothing of the floor depends on it: a caller without the right to it
 * (a rootless user given only the v1 hierarchies, or whose own v2 cgroup is
 * not a delegated one) goes on without it, with a warning, as runc goes on
 * silently. Any other failure is an error. True: *err was consumed. */
static bool unified_denied(const struct cg_hier *h, const char *path, aisbx_error **err)
{
    if (!h->unified || !err || !*err ||
        ((*err)->errnum != EACCES && (*err)->errnum != EPERM && (*err)->errnum != EROFS))
        return false;
    log_warning("cgroup %s: not placed in the unified hierarchy %s: %s", path, h->mount,
                (*err)->msg);
    aisbx_error_free(err);
    return true;
}

/* Hands *from to the caller's err (aisbx_error_make's rule: the first error
 * wins); returns -1. */
static int pass_error(aisbx_error **to, aisbx_error **from)
{
    if (to && !*to) {
        *to = *from;
        *from = NULL;
    }
    aisbx_error_free(from);
    return -1;
}

static int enter_all(const struct cg_hier *h, size_t n, const char *path, pid_t pid,
                     aisbx_error **err)
{
    for (size_t i = 0; i < n; i++) {
        char *dir = xasprintf("%s%s", h[i].mount, path);
        aisbx_error *e = NULL;
        int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), ret = 0;
        if (fd < 0 && errno != ENOENT)
            ret = aisbx_error_make(&e, errno, "open cgroup %s", dir);
        if (fd >= 0) {
            ret = cg_writef(fd, dir, "cgroup.procs", &e, "%d", (int)pid);
            close(fd);
        }
        free(dir);
        if (ret < 0 && !unified_denied(&h[i], path, &e))
            return pass_error(err, &e);
    }
    return 0;
}

/* The fds cgroup_self_join writes through, for the directories v1_create
 * made (enter_all's rules: a hierarchy without the directory is skipped,
 * the unified one may be denied; the caller's membership check finds a
 * missing pids hierarchy). Opened here, by the runtime, from the mount it
 * judged: the init only writes "0" into them. */
int cg_v1_self_join_open(const char *path, struct cgroup_self_join *sj, aisbx_error **err)
{
    struct cg_hier *h = NULL;
    size_t n = 0;
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return -1;
    sj->tasks_fds = xmalloc0((n ? n : 1) * sizeof(int));
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        char *dir = xasprintf("%s%s", h[i].mount, path);
        aisbx_error *e = NULL;
        /* clone3 takes the cgroup from a regular open file, not O_PATH */
        int dfd =
            open(dir, (h[i].unified ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0 && errno != ENOENT)
            aisbx_error_make(&e, errno, "open cgroup %s", dir);
        if (dfd >= 0 && h[i].unified) {
            sj->unified_fd = dfd;
            dfd = -1;
        } else if (dfd >= 0) {
            int fd = openat(dfd, "tasks", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0)
                aisbx_error_make(&e, errno, "open %s/tasks", dir);
            else
                sj->tasks_fds[sj->n++] = fd;
            close(dfd);
        }
        free(dir);
        if (e && !unified_denied(&h[i], path, &e))
            ret = pass_error(err, &e);
    }
    cg_v1_hierarchies_free(h, n);
    return ret;
}

static int v1_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    struct cg_hier *h = NULL;
    size_t n = 0;
    struct cg_dirs created = {0};
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return -1;
    int ret = -1;
    for (size_t i = 0; i < n; i++) {
        aisbx_error *e = NULL;
        if (cg_mkdir_p(h[i].mount, path, &created, &e) < 0 && !unified_denied(&h[i], path, &e)) {
            pass_error(err, &e);
            goto out;
        }
        if (cg_hier_has(&h[i], "cpuset") && cpuset_fill(h[i].mount, path, err) < 0)
            goto out;
    }
    if (cg_v1_apply(path, r, false, err) < 0)
        goto out;
    if (pid > 0 && enter_all(h, n, path, pid, err) < 0)
        goto out;
    ret = 0;
out:
    if (ret < 0)
        cg_dirs_rollback(&created);
    cg_dirs_free(&created);
    cg_v1_hierarchies_free(h, n);
    return ret;
}

static int v1_enter(const char *path, pid_t pid, aisbx_error **err)
{
    struct cg_hier *h = NULL;
    size_t n = 0;
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return -1;
    int ret = enter_all(h, n, path, pid, err);
    cg_v1_hierarchies_free(h, n);
    return ret;
}

static int v1_update(const char *path, const struct spec_resources *r, aisbx_error **err)
{
    return cg_v1_apply(path, r, true, err);
}

static int freezer_state(int fd, const char *dir, char **state, aisbx_error **err)
{
    if (cg_read(fd, "freezer.state", state) < 0)
        return aisbx_error_make(err, errno, "read %s/freezer.state", dir);
    return 0;
}

static int v1_freeze(const char *path, bool freeze, aisbx_error **err)
{
    char *dir = cg_v1_dir("freezer", path);
    if (!dir)
        return aisbx_error_make(err, EOPNOTSUPP, "freezer cgroup controller not mounted");
    int fd = cg_open_dir(dir, err), ret = -1;
    const char *want = freeze ? "FROZEN" : "THAWED";
    if (fd < 0)
        goto out;
    /* FREEZING can stall on a task in uninterruptible sleep; rewriting the
     * state retries the freeze, as runc does. */
    for (int i = 0; i < 2000; i++) {
        char *st = NULL;
        if (cg_write(fd, dir, "freezer.state", want, err) < 0 ||
            freezer_state(fd, dir, &st, err) < 0)
            goto out;
        bool done = strcmp(st, want) == 0;
        free(st);
        if (done) {
            ret = 0;
            goto out;
        }
        struct timespec ts = {0, (i < 100 ? 1 : 10) * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (freeze)
        cg_write(fd, dir, "freezer.state", "THAWED", NULL);
    aisbx_error_make(err, ETIMEDOUT, "%s/freezer.state did not become %s", dir, want);
out:
    if (fd >= 0)
        close(fd);
    free(dir);
    return ret;
}

static int v1_is_frozen(const char *path, bool *frozen, aisbx_error **err)
{
    *frozen = false;
    char *dir = cg_v1_dir("freezer", path);
    if (!dir)
        return 0;
    int fd = cg_open_dir(dir, err), ret = -1;
    char *st = NULL;
    if (fd >= 0 && freezer_state(fd, dir, &st, err) == 0) {
        *frozen = strcmp(st, "FROZEN") == 0;
        ret = 0;
    }
    free(st);
    if (fd >= 0)
        close(fd);
    free(dir);
    return ret;
}

static int v1_destroy(const char *path, aisbx_error **err)
{
    struct cg_hier *h = NULL;
    size_t n = 0;
    if (cg_v1_hierarchies(&h, &n, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        char *dir = xasprintf("%s%s", h[i].mount, path);
        if (cg_rmdir_tree(dir, err) < 0)
            ret = -1; /* keep going: remove as much as possible */
        free(dir);
    }
    cg_v1_hierarchies_free(h, n);
    return ret;
}

/* SIGKILL freezes the cgroup first so that a fork cannot escape the signal,
 * and thaws it after, even on error: a frozen container cannot die. */
static int v1_kill_all(const char *path, int sig, aisbx_error **err)
{
    char *freezer = cg_v1_dir("freezer", path);
    bool use_freezer = sig == SIGKILL && freezer && access(freezer, F_OK) == 0;
    free(freezer);
    if (use_freezer && v1_freeze(path, true, err) < 0)
        return aisbx_error_wrap(err, "freeze cgroup %s", path);
    char *dir = v1_procs_dir(path, err);
    int ret = dir ? cg_signal_pids(dir, sig, err) : -1;
    free(dir);
    aisbx_error *e2 = NULL;
    if (use_freezer && v1_freeze(path, false, ret < 0 ? &e2 : err) < 0 && ret == 0)
        ret = aisbx_error_wrap(err, "thaw cgroup %s", path);
    aisbx_error_free(&e2);
    return ret;
}

const struct cg_driver cg_v1 = {
    .create = v1_create,
    /* systemd on v1 makes the unit's directory only in the hierarchies it
     * manages: the others are made as for cgroupfs. */
    .adopt = v1_create,
    .enter = v1_enter,
    .update = v1_update,
    .freeze = v1_freeze,
    .is_frozen = v1_is_frozen,
    .kill_all = v1_kill_all,
    .destroy = v1_destroy,
    .procs_dir = v1_procs_dir,
    .dir = cg_v1_dir,
};
