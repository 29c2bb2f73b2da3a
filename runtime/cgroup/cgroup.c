/* The cgroup facade: version detection, path resolution, the path check,
 * and the public calls, which dispatch through one driver table (struct
 * cg_driver, cgroup_internal.h) to cgroup_v1.c or cgroup_v2.c. The file
 * helpers the drivers share live in cgroup_fs.c, so no driver calls back
 * into this file. */
#include "runtime/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/cgroup/systemd_unit.h"
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

/* The cgroup a /proc/<pid>/cgroup file names: on v2 the unified line's, on
 * v1 the pids controller's (the one the overlay always limits). Heap; NULL
 * if the file cannot be read or has no such line. */
static char *proc_cgroup(const char *file, bool v2)
{
    FILE *f = fopen(file, "re");
    char *line = NULL, *res = NULL;
    size_t cap = 0;
    if (!f)
        return NULL;
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
            match = *ctrls == '\0' && strncmp(line, "0:", 2) == 0;
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
    return res;
}

/* The runtime's own cgroup, the base of relative cgroupsPaths: runc joins a
 * relative path to the parent of its own cgroup on v2 and to its own cgroup
 * of each controller on v1; with one path for all v1 hierarchies we take the
 * pids controller's. */
static char *own_cgroup(void)
{
    bool v2 = cgroup_version() == CGROUP_V2;
    char *res = proc_cgroup("/proc/self/cgroup", v2);
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

/* Rejects empty, relative or ".."-containing paths. */
static int cg_check_path(const char *path, aisbx_error **err)
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

/* ---- public calls ------------------------------------------------------ */

#define CHECK(path)                                                                                \
    do {                                                                                           \
        if (cg_check_path(path, err) < 0)                                                          \
            return -1;                                                                             \
    } while (0)

/* The one place the cgroupfs driver is chosen. With --systemd-cgroup the
 * systemd half (cgroup_systemd.c) is added in create, update and destroy. */
static const struct cg_driver *driver(void)
{
    return cgroup_version() == CGROUP_V2 ? &cg_v2 : &cg_v1;
}

char *cgroup_resolve_systemd_path(const char *cgroups_path, const char *id, int user_uid,
                                  aisbx_error **err)
{
    struct systemd_unit u;
    char *root = user_uid >= 0 ? systemd_user_root((unsigned)user_uid) : NULL;
    int r = systemd_unit_from_spec(cgroups_path, id, root, &u, err);
    free(root);
    if (r < 0)
        return NULL;
    char *path = u.path;
    u.path = NULL;
    systemd_unit_free(&u);
    return path;
}

int cgroup_create_unit(char **path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    CHECK(*path);
    char *actual = NULL;
    if (cg_systemd_start(*path, r, pid, &actual, err) < 0)
        return -1; /* the helper's line says which unit and why */
    if (strcmp(actual, *path) != 0)
        log_debug("systemd: unit's cgroup is %s (expected %s)", actual, *path);
    if (driver()->adopt(actual, r, pid, err) < 0) {
        aisbx_error *e = NULL;
        if (cg_systemd_stop(actual, &e) < 0)
            log_warning("%s", e->msg);
        aisbx_error_free(&e);
        aisbx_error_wrap(err, "create cgroup %s", actual);
        free(actual);
        return -1;
    }
    free(*path);
    *path = actual;
    return 0;
}

int cgroup_create(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
{
    CHECK(path);
    int ret = driver()->create(path, r, pid, err);
    return ret < 0 ? aisbx_error_wrap(err, "create cgroup %s", path) : 0;
}

/* A unit of a user's manager (rootless --systemd-cgroup) that the caller
 * may not join itself: moving a process needs write access to the
 * cgroup.procs of the common ancestor, and an `exec` from a login session
 * (session-N.scope) shares only the root-owned user-UID.slice with the
 * container. The manager moves it (through the system manager, as
 * `systemd-run --user --scope` is moved); then it must be there. */
static int enter_via_user_manager(const char *path, pid_t pid)
{
    struct systemd_unit u;
    aisbx_error *e = NULL;
    if (systemd_unit_from_path(path, &u, &e) < 0 || !u.user) {
        aisbx_error_free(&e);
        systemd_unit_free(&u);
        return -1;
    }
    systemd_unit_free(&u);
    if (cg_systemd_attach(path, pid, &e) < 0) {
        log_warning("%s", e->msg);
        aisbx_error_free(&e);
        return -1;
    }
    pid_t *pids = NULL;
    size_t n = 0;
    bool in = false;
    if (cgroup_pids(path, &pids, &n, NULL) == 0)
        for (size_t k = 0; k < n; k++)
            in |= pids[k] == pid;
    free(pids);
    return in ? 0 : -1;
}

int cgroup_self_join_open(const char *path, struct cgroup_self_join *sj, aisbx_error **err)
{
    sj->tasks_fds = NULL;
    sj->n = 0;
    sj->unified_fd = -1;
    if (!path || path[0] != '/' || cgroup_version() != CGROUP_V1) {
        errno = EOPNOTSUPP;
        return -1;
    }
    if (cg_v1_self_join_open(path, sj, err) < 0) {
        cgroup_self_join_close(sj);
        return aisbx_error_wrap(err, "cgroup %s", path);
    }
    return 0;
}

int cgroup_self_join(const struct cgroup_self_join *sj, aisbx_error **err)
{
    for (size_t i = 0; i < sj->n; i++)
        if (write(sj->tasks_fds[i], "0", 1) != 1)
            return aisbx_error_make(err, errno, "join the container's cgroup (tasks, fd %d)",
                                    sj->tasks_fds[i]);
    return 0;
}

void cgroup_self_join_close(struct cgroup_self_join *sj)
{
    for (size_t i = 0; i < sj->n; i++)
        close(sj->tasks_fds[i]);
    free(sj->tasks_fds);
    sj->tasks_fds = NULL;
    sj->n = 0;
    if (sj->unified_fd >= 0)
        close(sj->unified_fd);
    sj->unified_fd = -1;
}

int cgroup_way_in_open(const char *path, struct cgroup_self_join *sj, int *clone_fd,
                       aisbx_error **err)
{
    *clone_fd = -1;
    if (cgroup_version() == CGROUP_V2) {
        if ((*clone_fd = cgroup_open_for_clone(path)) < 0)
            log_debug("open cgroup %s for clone3: %s; moving by pid", path, strerror(errno));
        return 0;
    }
    if (cgroup_self_join_open(path, sj, err) < 0)
        return -1;
    if (!sj->n) { /* in no v1 hierarchy: cgroup_enter says what is wrong */
        cgroup_self_join_close(sj);
        return 0;
    }
    *clone_fd = sj->unified_fd; /* the caller's now */
    sj->unified_fd = -1;
    return 0;
}

bool cgroup_way_in_by_pid(void)
{
    const char *off = getenv("AISBX_CLONE_INTO_CGROUP");
    return off && !strcmp(off, "0");
}

int cgroup_open_for_clone(const char *path)
{
    if (!path || path[0] != '/' || cgroup_version() != CGROUP_V2) {
        errno = EOPNOTSUPP;
        return -1;
    }
    char *dir = cg_v2_dir(path);
    /* Not O_PATH: clone3 takes the cgroup from a regular open file. */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    free(dir);
    return fd;
}

int cgroup_check_member(const char *path, pid_t pid, aisbx_error **err)
{
    char file[64];
    snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
    char *in = proc_cgroup(file, cgroup_version() == CGROUP_V2);
    if (!in)
        return aisbx_error_make(err, errno ? errno : ENOENT, "cannot read %s", file);
    int r = 0;
    if (strcmp(in, path) != 0)
        r = aisbx_error_make(err, 0, "process %d is in cgroup %s, not %s", (int)pid, in, path);
    free(in);
    return r;
}

int cgroup_enter(const char *path, pid_t pid, aisbx_error **err)
{
    CHECK(path);
    aisbx_error *e = NULL;
    if (driver()->enter(path, pid, &e) == 0)
        return 0;
    if (e && (e->errnum == EACCES || e->errnum == EPERM) &&
        enter_via_user_manager(path, pid) == 0) {
        log_debug("joined %s through the user's systemd", path);
        aisbx_error_free(&e);
        return 0;
    }
    if (err)
        *err = e;
    else
        aisbx_error_free(&e);
    return aisbx_error_wrap(err, "join cgroup %s", path);
}

int cgroup_update(const char *path, bool systemd, const struct spec_resources *r, aisbx_error **err)
{
    CHECK(path);
    if (!r)
        return 0;
    /* systemd first, so that a daemon-reload re-applies the new values. */
    if (systemd && cg_systemd_set(path, r, err) < 0)
        return -1;
    int ret = driver()->update(path, r, err);
    return ret < 0 ? aisbx_error_wrap(err, "update cgroup %s", path) : 0;
}

int cgroup_freeze(const char *path, bool freeze, aisbx_error **err)
{
    CHECK(path);
    int ret = driver()->freeze(path, freeze, err);
    return ret < 0 ? aisbx_error_wrap(err, "%s cgroup %s", freeze ? "freeze" : "thaw", path) : 0;
}

int cgroup_is_frozen(const char *path, bool *frozen, aisbx_error **err)
{
    CHECK(path);
    return driver()->is_frozen(path, frozen, err);
}

int cgroup_pids(const char *path, pid_t **pids, size_t *n, aisbx_error **err)
{
    *pids = NULL;
    *n = 0;
    CHECK(path);
    char *dir = driver()->procs_dir(path, err);
    if (!dir)
        return -1;
    int ret = cg_list_pids(dir, pids, n, err);
    free(dir);
    return ret;
}

int cgroup_kill_all(const char *path, int sig, aisbx_error **err)
{
    CHECK(path);
    return driver()->kill_all(path, sig, err);
}

int cgroup_destroy(const char *path, bool systemd, aisbx_error **err)
{
    CHECK(path);
    if (strcmp(path, "/") == 0)
        return aisbx_error_make(err, EINVAL, "refusing to remove the root cgroup");
    aisbx_error *e = NULL;
    /* An unreachable systemd must not keep a dead container's state: the
     * cgroup is removed anyway and systemd drops the unit once it is empty. */
    if (systemd && cg_systemd_stop(path, &e) < 0)
        log_warning("%s", e->msg);
    aisbx_error_free(&e);
    int ret = driver()->destroy(path, err);
    return ret < 0 ? aisbx_error_wrap(err, "destroy cgroup %s", path) : 0;
}

int cgroup_pids_max(const char *path, int64_t *max, aisbx_error **err)
{
    CHECK(path);
    char *dir = driver()->dir("pids", path);
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
