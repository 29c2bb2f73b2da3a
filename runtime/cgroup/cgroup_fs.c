/* The file operations both cgroup drivers build on: directory lists for
 * rollback, mkdir -p, reads and writes relative to a directory fd, the pids
 * of a cgroup tree, and rmdir of a tree. Nothing here knows which cgroup
 * version is mounted; cgroup_v1*.c and cgroup_v2.c call down into this file,
 * and it calls nothing of theirs. */
#include "runtime/cgroup/cgroup_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/log.h"

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
    /* A cgroup that is gone holds no process: systemd removes a scope as
     * soon as it is empty, before the engine's `kill --all` or `ps`. */
    if (!f && errno == ENOENT)
        return 0;
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

int cg_list_pids(const char *dir, pid_t **pids, size_t *n, aisbx_error **err)
{
    *pids = NULL;
    *n = 0;
    if (cg_collect_pids(dir, pids, n, err) < 0) {
        free(*pids);
        *pids = NULL;
        *n = 0;
        return -1;
    }
    if (*n)
        qsort(*pids, *n, sizeof(**pids), pid_cmp);
    return 0;
}

int cg_signal_pids(const char *dir, int sig, aisbx_error **err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    if (cg_list_pids(dir, &pids, &n, err) < 0)
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
