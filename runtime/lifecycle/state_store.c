#include "runtime/lifecycle/state_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fd_util.h"

/* Errors whose errnum tells callers what happened (delete --force treats
 * ENOENT as success) but whose text has no strerror suffix: "no such file
 * or directory" would make docker exit 127 instead of 125. */
static int error_not_exist(aisbx_error **err, const char *id)
{
    return aisbx_error_make_exact(err, ENOENT, "container \"%s\" does not exist", id);
}

static int error_exists(aisbx_error **err)
{
    return aisbx_error_make_exact(err, EEXIST, "container with given ID already exists");
}

int state_root_ensure(const char *root, aisbx_error **err)
{
    if (!root || !*root)
        return aisbx_error_make(err, EINVAL, "state root is empty");
    char *p = xstrdup(root);
    /* Create each missing component; an existing one (ours or the admin's)
     * keeps its mode. */
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) {
            int e = errno;
            aisbx_error_make(err, e, "create state root %s", p);
            free(p);
            return -1;
        }
        *s = c;
        if (!c)
            break;
    }
    struct stat st;
    int r = stat(p, &st);
    free(p);
    if (r < 0)
        return aisbx_error_make(err, errno, "stat state root %s", root);
    if (!S_ISDIR(st.st_mode))
        return aisbx_error_make(err, ENOTDIR, "state root %s", root);
    return 0;
}

static int open_dir(const char *root, const char *id, int *dirfd)
{
    char *path = xasprintf("%s/%s", root, id);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    free(path);
    if (fd < 0) {
        errno = e;
        return -1;
    }
    *dirfd = fd;
    return 0;
}

int state_dir_create(const char *root, const char *id, int *dirfd, aisbx_error **err)
{
    char *path = xasprintf("%s/%s", root, id);
    int r = mkdir(path, 0700);
    int e = errno;
    free(path);
    if (r < 0) {
        if (e == EEXIST)
            return error_exists(err);
        return aisbx_error_make(err, e, "create state directory %s/%s", root, id);
    }
    if (open_dir(root, id, dirfd) < 0)
        return aisbx_error_make(err, errno, "open state directory %s/%s", root, id);
    /* Only create makes the lock file: a command racing with delete must
     * not re-create it in a directory that is being removed. */
    int fd = openat(*dirfd, STATE_LOCK_FILE, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return aisbx_error_make(err, errno, "create %s", STATE_LOCK_FILE);
    close(fd);
    return 0;
}

int state_dir_check_free(const char *root, const char *id, aisbx_error **err)
{
    struct stat st;
    char *path = xasprintf("%s/%s", root, id);
    int r = lstat(path, &st);
    free(path);
    return r == 0 ? error_exists(err) : 0;
}

int state_dir_open(const char *root, const char *id, int *dirfd, aisbx_error **err)
{
    if (open_dir(root, id, dirfd) == 0)
        return 0;
    if (errno == ENOENT)
        return error_not_exist(err, id);
    return aisbx_error_make(err, errno, "open state directory %s/%s", root, id);
}

int state_lock(int dirfd, int *lockfd, aisbx_error **err)
{
    struct stat st;
    int fd = openat(dirfd, STATE_LOCK_FILE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return aisbx_error_make_exact(err, ENOENT,
                                          "container does not exist (deleted meanwhile)");
        return aisbx_error_make(err, errno, "open %s", STATE_LOCK_FILE);
    }
    while (flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        int e = errno;
        close(fd);
        return aisbx_error_make(err, e, "lock %s", STATE_LOCK_FILE);
    }
    /* We waited for a delete that has removed the container. */
    if (fstat(fd, &st) == 0 && st.st_nlink == 0) {
        close(fd);
        return aisbx_error_make_exact(err, ENOENT, "container does not exist (deleted meanwhile)");
    }
    *lockfd = fd;
    return 0;
}

/* No fsync: the state lives on tmpfs (/run), where fsync does nothing, and
 * after a reboot every container it describes is gone anyway. rename(2)
 * alone gives what matters: a reader sees the old or the new file whole,
 * even if we are killed half-way through the write. */
int state_write_file(int dirfd, const char *name, const char *buf, size_t len, aisbx_error **err)
{
    char tmp[256];
    if (snprintf(tmp, sizeof(tmp), ".%s.tmp.%d", name, (int)getpid()) >= (int)sizeof(tmp))
        return aisbx_error_make(err, ENAMETOOLONG, "write %s", name);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        /* Left by an earlier process with our pid that died mid-write. */
        unlinkat(dirfd, tmp, 0);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        return aisbx_error_make(err, errno, "create %s", tmp);
    if (write_all(fd, buf, len) < 0) {
        int e = errno;
        close(fd);
        unlinkat(dirfd, tmp, 0);
        return aisbx_error_make(err, e, "write %s", tmp);
    }
    if (close(fd) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return aisbx_error_make(err, e, "close %s", tmp);
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        return aisbx_error_make(err, e, "rename %s to %s", tmp, name);
    }
    return 0;
}

int state_read_file(int dirfd, const char *name, char **buf, size_t *len, size_t max,
                    aisbx_error **err)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", name);
    int r = read_all(fd, buf, len, max);
    int e = errno;
    close(fd);
    if (r < 0) {
        if (e == EFBIG)
            return aisbx_error_make(err, 0, "read %s: larger than %zu bytes", name, max);
        return aisbx_error_make(err, e, "read %s", name);
    }
    return 0;
}

int state_save(int dirfd, const struct spec_state *s, aisbx_error **err)
{
    char *json = NULL;
    size_t len = 0;
    if (spec_state_generate(s, true, false, &json, &len, err) < 0)
        return aisbx_error_wrap(err, "save %s", STATE_FILE);
    int r = state_write_file(dirfd, STATE_FILE, json, len, err);
    free(json);
    return r;
}

int state_load(int dirfd, const char *id, struct spec_state **s, aisbx_error **err)
{
    char *buf = NULL;
    size_t len = 0;
    aisbx_error *rerr = NULL;
    if (state_read_file(dirfd, STATE_FILE, &buf, &len, STATE_MAX_BYTES, &rerr) < 0) {
        /* A dir without state.json is a create that died before saving:
         * to engines that is "does not exist" (delete --force then cleans it). */
        if (rerr->errnum == ENOENT) {
            aisbx_error_free(&rerr);
            return error_not_exist(err, id);
        }
        if (err && !*err)
            *err = rerr;
        else
            aisbx_error_free(&rerr);
        return aisbx_error_wrap(err, "load state of container %s", id);
    }
    if (len == 0) {
        free(buf);
        return aisbx_error_make(err, 0, "load state of container %s: %s is empty", id, STATE_FILE);
    }
    int r = spec_state_parse(buf, len, s, err);
    free(buf);
    if (r < 0)
        return aisbx_error_wrap(err, "load state of container %s: corrupt %s", id, STATE_FILE);
    return 0;
}

/* Removes everything under dirfd. Does not follow symlinks (unlinkat
 * removes the link) and does not descend into another filesystem, so a
 * stray mount under the state dir makes remove fail instead of emptying it. */
static int remove_contents(int dfd, dev_t dev, const char *path, aisbx_error **err)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        int e = errno;
        close(dfd);
        return aisbx_error_make(err, e, "open %s", path);
    }
    struct dirent *de;
    int ret = 0;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, ".."))
            continue;
        if (unlinkat(dirfd(d), n, 0) == 0 || errno == ENOENT)
            continue;
        if (errno != EISDIR) {
            ret = aisbx_error_make(err, errno, "remove %s/%s", path, n);
            break;
        }
        struct stat st;
        if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            ret = aisbx_error_make(err, errno, "stat %s/%s", path, n);
            break;
        }
        char *sub = xasprintf("%s/%s", path, n);
        if (st.st_dev != dev) {
            ret = aisbx_error_make(err, EBUSY, "remove %s: a mount point", sub);
            free(sub);
            break;
        }
        int sfd = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sfd < 0) {
            ret = aisbx_error_make(err, errno, "open %s", sub);
            free(sub);
            break;
        }
        ret = remove_contents(sfd, dev, sub, err);
        if (ret == 0 && unlinkat(dirfd(d), n, AT_REMOVEDIR) < 0 && errno != ENOENT)
            ret = aisbx_error_make(err, errno, "remove %s", sub);
        free(sub);
        if (ret < 0)
            break;
    }
    closedir(d);
    return ret;
}

int state_dir_remove(const char *root, const char *id, aisbx_error **err)
{
    char *path = xasprintf("%s/%s", root, id);
    int ret = 0;
    /* A file that a racing command adds meanwhile: another pass. */
    for (int pass = 0; pass < 4; pass++) {
        struct stat st;
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0) {
            if (errno != ENOENT)
                ret = aisbx_error_make(err, errno, "open state directory %s", path);
            break;
        }
        if (fstat(dfd, &st) < 0) {
            ret = aisbx_error_make(err, errno, "stat %s", path);
            close(dfd);
            break;
        }
        ret = remove_contents(dfd, st.st_dev, path, err); /* closes dfd */
        if (ret < 0)
            break;
        if (rmdir(path) == 0 || errno == ENOENT)
            break;
        if (errno != ENOTEMPTY || pass == 3) {
            ret = aisbx_error_make(err, errno, "remove state directory %s", path);
            break;
        }
    }
    free(path);
    return ret;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list_ids(const char *root, char ***ids, size_t *n, aisbx_error **err)
{
    *ids = NULL;
    *n = 0;
    DIR *d = opendir(root);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        return aisbx_error_make(err, errno, "open state root %s", root);
    }
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        /* Dot names cannot be container ids (and hide our temp files). */
        if (de->d_name[0] == '.')
            continue;
        bool isdir = de->d_type == DT_DIR;
        if (de->d_type == DT_UNKNOWN) {
            struct stat st;
            isdir =
                fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (!isdir)
            continue;
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[cnt++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (cnt)
        qsort(v, cnt, sizeof(*v), cmp_str);
    *ids = v;
    *n = cnt;
    return 0;
}

void state_ids_free(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}
