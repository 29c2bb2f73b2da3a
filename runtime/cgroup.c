/* cgroup version detection, path resolution, the helpers both versions
 * share, and the dispatch of the public calls to cgroup_v1.c / cgroup_v2.c. */
#include "runtime/cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup_internal.h"
#include "runtime/fd_util.h"
#include "runtime/log.h"

int cgroup_version(void)
{
    struct statfs st;
    if (statfs(CGROUP_ROOT, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
        return CGROUP_V2;
    return CGROUP_V1;
}

/* ---- paths ------------------------------------------------------------ */

/* Appends the components of p to out (which starts with "/" or is empty),
 * dropping empty and "." ones; -1 on "..". */
static int append_clean(char **out, const char *p)
{
    char *copy = xstrdup(p), *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            free(copy);
            return -1;
        }
        char *n = xasprintf("%s/%s", *out, c);
        free(*out);
        *out = n;
    }
    free(copy);
    return 0;
}

/* The runtime's own cgroup, the base of relative cgroupsPaths: runc joins a
 * relative path to the parent of its own cgroup on v2 and to its own cgroup
 * of each controller on v1; with one path for all v1 hierarchies we take the
 * pids controller's (the one the overlay always limits). */
static char *own_cgroup(void)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    char *line = NULL, *res = NULL;
    size_t cap = 0;
    bool v2 = cgroup_version() == CGROUP_V2;
    if (!f)
        return xstrdup("/");
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1, *p = c2 + 1;
        bool match = false;
        if (v2) {
            match = *ctrls == '\0';
        } else {
            char *copy = xstrdup(ctrls), *save = NULL;
            for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
                match = match || strcmp(c, "pids") == 0;
            free(copy);
        }
        if (match) {
            res = xstrdup(p);
            break;
        }
    }
    free(line);
    fclose(f);
    if (!res)
        return xstrdup("/");
    if (v2) {
        char *slash = strrchr(res, '/');
        if (slash)
            *(slash == res ? slash + 1 : slash) = '\0';
    }
    return res;
}

char *cgroup_resolve_path(const char *cgroups_path, const char *id)
{
    char *out = xstrdup("");
    int r;
    if (!cgroups_path || !*cgroups_path) {
        r = append_clean(&out, "aisbx");
        if (r == 0)
            r = (id && *id && !strchr(id, '/')) ? append_clean(&out, id) : -1;
    } else if (cgroups_path[0] == '/') {
        r = append_clean(&out, cgroups_path);
    } else {
        char *own = own_cgroup();
        r = append_clean(&out, own);
        free(own);
        if (r == 0)
            r = append_clean(&out, cgroups_path);
    }
    if (r < 0) {
        free(out);
        errno = EINVAL;
        return NULL;
    }
    if (!*out) {
        free(out);
        out = xstrdup("/");
    }
    return out;
}

int cg_check_path(const char *path, aisbx_error **err)
{
    if (!path || path[0] != '/')
        return aisbx_error_make(err, EINVAL, "cgroup path '%s' is not absolute", path ? path : "");
    char *tmp = xstrdup("");
    int r = append_clean(&tmp, path);
    free(tmp);
    if (r < 0)
        return aisbx_error_make(err, EINVAL, "cgroup path '%s' contains '..'", path);
    return 0;
}

int cg_error_pass(aisbx_error **err, aisbx_error *e)
{
    if (err && !*err)
        *err = e;
    else
        aisbx_error_free(&e);
    return -1;
}

/* ---- directory lists and files ----------------------------------------- */

void cg_dirs_push(struct cg_dirs *d, const char *path)
{
    d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
    d->v[d->n++] = xstrdup(path);
}

void cg_dirs_free(struct cg_dirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i]);
    free(d->v);
    d->v = NULL;
    d->n = 0;
}

void cg_dirs_rollback(struct cg_dirs *d)
{
    for (size_t i = d->n; i-- > 0;) {
        aisbx_error *e = NULL;
        if (cg_rmdir_tree(d->v[i], &e) < 0) {
            log_warning("cgroup rollback: %s", e->msg);
            aisbx_error_free(&e);
        }
    }
    cg_dirs_free(d);
}

int cg_mkdir_p(const char *mount, const char *path, struct cg_dirs *created, aisbx_error **err)
{
    char *cur = xstrdup(mount), *copy = xstrdup(path), *save = NULL;
    int ret = 0;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        char *n = xasprintf("%s/%s", cur, c);
        free(cur);
        cur = n;
        if (mkdir(cur, 0755) == 0) {
            log_debug("cgroup: created %s", cur);
            if (created)
                cg_dirs_push(created, cur);
        } else if (errno != EEXIST) {
            ret = aisbx_error_make(err, errno, "mkdir %s", cur);
            break;
        }
    }
    free(cur);
    free(copy);
    return ret;
}

int cg_open_dir(const char *dir, aisbx_error **err)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open cgroup %s", dir);
    return fd;
}

int cg_write(int dirfd, const char *dir, const char *file, const char *value, aisbx_error **err)
{
    log_debug("cgroup: write %s/%s = %s", dir, file, value);
    int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s/%s", dir, file);
    ssize_t n = write(fd, value, strlen(value));
    int e = errno;
    close(fd);
    if (n < 0)
        return aisbx_error_make(err, e, "write '%s' to %s/%s", value, dir, file);
    return 0;
}

int cg_writef(int dirfd, const char *dir, const char *file, aisbx_error **err, const char *fmt, ...)
{
    va_list ap;
    char *v = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&v, fmt, ap);
    va_end(ap);
    if (r < 0)
        return aisbx_error_make(err, ENOMEM, "format %s", file);
    r = cg_write(dirfd, dir, file, v, err);
    free(v);
    return r;
}

int cg_read(int dirfd, const char *file, char **out)
{
    int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    int r = read_all(fd, out, &n, 1 << 24);
    int e = errno;
    close(fd);
    if (r < 0) {
        errno = e;
        return -1;
    }
    while (n > 0 && (*out)[n - 1] == '\n')
        (*out)[--n] = '\0';
    return 0;
}

int cg_read_int64(int dirfd, const char *file, int64_t *v)
{
    char *s = NULL, *end = NULL;
    if (cg_read(dirfd, file, &s) < 0)
        return -1;
    if (strcmp(s, "max") == 0) {
        *v = -1;
        free(s);
        return 0;
    }
    errno = 0;
    long long x = strtoll(s, &end, 10);
    bool bad = errno || end == s;
    free(s);
    if (bad) {
        errno = EINVAL;
        return -1;
    }
    *v = x;
    return 0;
}

bool cg_has_file(int dirfd, const char *file)
{
    return faccessat(dirfd, file, F_OK, 0) == 0;
}

static int pid_cmp(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

int cg_collect_pids(const char *dir, pid_t **pids, size_t *n, aisbx_error **err)
{
    char *procs = xasprintf("%s/cgroup.procs", dir);
    FILE *f = fopen(procs, "re");
    free(procs);
    if (!f)
        return aisbx_error_make(err, errno, "open %s/cgroup.procs", dir);
    long p;
    while (fscanf(f, "%ld", &p) == 1) {
        *pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
        (*pids)[(*n)++] = (pid_t)p;
    }
    fclose(f);
    DIR *d = opendir(dir);
    if (!d)
        return aisbx_error_make(err, errno, "opendir %s", dir);
    struct dirent *de;
    int ret = 0;
    while (ret == 0 && (de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", dir, de->d_name);
        ret = cg_collect_pids(sub, pids, n, err);
        free(sub);
    }
    closedir(d);
    return ret;
}

int cg_rmdir_tree(const char *dir, aisbx_error **err)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : aisbx_error_make(err, errno, "opendir %s", dir);
    struct dirent *de;
    int ret = 0;
    while (ret == 0 && (de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", dir, de->d_name);
        ret = cg_rmdir_tree(sub, err);
        free(sub);
    }
    closedir(d);
    if (ret < 0)
        return ret;
    /* A cgroup whose last task just exited stays busy for a moment. */
    for (int i = 0; i < 100; i++) {
        if (rmdir(dir) == 0) {
            log_debug("cgroup: removed %s", dir);
            return 0;
        }
        if (errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return aisbx_error_make(err, errno, "rmdir %s", dir);
}

/* ---- public calls ------------------------------------------------------ */

#define CHECK(path)                                                                                \
    do {                                                                                           \
        if (cg_check_path(path, err) < 0)                                                          \
            return -1;                                                                             \
    } while (0)

int cgroup_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    CHECK(path);
    int ret = cgroup_version() == CGROUP_V2 ? cg_v2_create(path, r, pid, err)
                                            : cg_v1_create(path, r, pid, err);
    return ret < 0 ? aisbx_error_wrap(err, "create cgroup %s", path) : 0;
}

int cgroup_enter(const char *path, pid_t pid, aisbx_error **err)
{
    CHECK(path);
    int ret =
        cgroup_version() == CGROUP_V2 ? cg_v2_enter(path, pid, err) : cg_v1_enter(path, pid, err);
    return ret < 0 ? aisbx_error_wrap(err, "join cgroup %s", path) : 0;
}

int cgroup_update(const char *path, const struct spec_resources *r, aisbx_error **err)
{
    CHECK(path);
    if (!r)
        return 0;
    int ret =
        cgroup_version() == CGROUP_V2 ? cg_v2_update(path, r, err) : cg_v1_update(path, r, err);
    return ret < 0 ? aisbx_error_wrap(err, "update cgroup %s", path) : 0;
}

int cgroup_freeze(const char *path, bool freeze, aisbx_error **err)
{
    CHECK(path);
    int ret = cgroup_version() == CGROUP_V2 ? cg_v2_freeze(path, freeze, err)
                                            : cg_v1_freeze(path, freeze, err);
    return ret < 0 ? aisbx_error_wrap(err, "%s cgroup %s", freeze ? "freeze" : "thaw", path) : 0;
}

int cgroup_is_frozen(const char *path, bool *frozen, aisbx_error **err)
{
    CHECK(path);
    return cgroup_version() == CGROUP_V2 ? cg_v2_is_frozen(path, frozen, err)
                                         : cg_v1_is_frozen(path, frozen, err);
}

static char *procs_dir(const char *path, aisbx_error **err)
{
    return cgroup_version() == CGROUP_V2 ? cg_v2_dir(path) : cg_v1_procs_dir(path, err);
}

int cgroup_pids(const char *path, pid_t **pids, size_t *n, aisbx_error **err)
{
    *pids = NULL;
    *n = 0;
    CHECK(path);
    char *dir = procs_dir(path, err);
    if (!dir)
        return -1;
    int ret = cg_collect_pids(dir, pids, n, err);
    free(dir);
    if (ret < 0) {
        free(*pids);
        *pids = NULL;
        *n = 0;
        return -1;
    }
    if (*n)
        qsort(*pids, *n, sizeof(**pids), pid_cmp);
    return 0;
}

static int signal_all(const char *path, int sig, aisbx_error **err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(path, &pids, &n, err) < 0)
        return -1;
    int ret = 0;
    for (size_t i = 0; i < n; i++) {
        log_debug("cgroup: kill(%d, %d)", (int)pids[i], sig);
        if (kill(pids[i], sig) < 0 && errno != ESRCH) {
            ret = aisbx_error_make(err, errno, "kill %d", (int)pids[i]);
            break;
        }
    }
    free(pids);
    return ret;
}

int cgroup_kill_all(const char *path, int sig, aisbx_error **err)
{
    CHECK(path);
    if (cgroup_version() == CGROUP_V2) {
        if (sig == SIGKILL) {
            aisbx_error *e = NULL;
            if (cg_v2_kill(path, &e) == 0)
                return 0;
            if (e->errnum != ENOENT) {
                cg_error_pass(err, e);
                return aisbx_error_wrap(err, "kill cgroup %s", path);
            }
            aisbx_error_free(&e);
        }
        return signal_all(path, sig, err);
    }
    char *freezer = cg_v1_dir("freezer", path);
    bool use_freezer = sig == SIGKILL && freezer && access(freezer, F_OK) == 0;
    free(freezer);
    if (use_freezer && cgroup_freeze(path, true, err) < 0)
        return -1;
    int ret = signal_all(path, sig, err);
    /* Thaw even after an error: a frozen container cannot die. */
    aisbx_error *e2 = NULL;
    if (use_freezer && cgroup_freeze(path, false, ret < 0 ? &e2 : err) < 0 && ret == 0)
        ret = -1;
    aisbx_error_free(&e2);
    return ret;
}

int cgroup_destroy(const char *path, aisbx_error **err)
{
    CHECK(path);
    if (strcmp(path, "/") == 0)
        return aisbx_error_make(err, EINVAL, "refusing to remove the root cgroup");
    if (cgroup_version() == CGROUP_V2) {
        char *dir = cg_v2_dir(path);
        int ret = cg_rmdir_tree(dir, err);
        free(dir);
        return ret < 0 ? aisbx_error_wrap(err, "destroy cgroup %s", path) : 0;
    }
    return cg_v1_destroy(path, err) < 0 ? aisbx_error_wrap(err, "destroy cgroup %s", path) : 0;
}

int cgroup_pids_max(const char *path, int64_t *max, aisbx_error **err)
{
    CHECK(path);
    char *dir = cgroup_version() == CGROUP_V2 ? cg_v2_dir(path) : cg_v1_dir("pids", path);
    if (!dir)
        return aisbx_error_make(err, ENOENT, "pids cgroup controller not mounted");
    int fd = cg_open_dir(dir, err);
    int ret = fd;
    if (fd >= 0) {
        ret = cg_read_int64(fd, "pids.max", max);
        if (ret < 0)
            aisbx_error_make(err, errno, "read %s/pids.max", dir);
        close(fd);
    }
    free(dir);
    return ret < 0 ? -1 : 0;
}
