#include "runtime/rootfs/resolve_in_root.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int openat2_in_root(int rootfd, const char *rel)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd;
    do
        fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN); /* a concurrent rename makes the kernel ask for a retry */
    return fd;
}

/* RESOLVE_IN_ROOT already treats "/x" as relative to the root; stripping the
 * slashes keeps the intent obvious and turns "" and "/" into ".". */
static const char *relative(const char *path)
{
    while (*path == '/')
        path++;
    return *path ? path : ".";
}

static int create_component(int parent, const char *name, bool file, mode_t mode)
{
    if (file) {
        int fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0)
            return -1;
        close(fd);
        return 0;
    }
    return mkdirat(parent, name, mode);
}

/* Walks the path one component at a time, creating what is missing inside
 * the already resolved parent; every lookup is a fresh in-root openat2 so a
 * symlink planted in the rootfs cannot lead outside it. */
static int walk_create(int rootfd, const char *path, bool file_last, mode_t mode, aisbx_error **err)
{
    cleanup_free char *copy = xstrdup(path);
    cleanup_free char *prefix = xmalloc0(strlen(path) + 2);
    size_t plen = 0;
    int cur = openat2_in_root(rootfd, ".");
    if (cur < 0)
        return aisbx_error_make(err, errno, "open rootfs");

    char *save = NULL;
    char *comp = strtok_r(copy, "/", &save);
    while (comp) {
        char *next_comp = strtok_r(NULL, "/", &save);
        bool last = next_comp == NULL;
        prefix[plen++] = '/';
        memcpy(prefix + plen, comp, strlen(comp) + 1);
        plen += strlen(comp);

        int next = openat2_in_root(rootfd, prefix + 1);
        if (next < 0 && errno == ENOENT && strcmp(comp, ".") && strcmp(comp, "..")) {
            bool file = last && file_last;
            if (create_component(cur, comp, file, last ? mode : 0755) < 0 && errno != EEXIST) {
                int e = errno;
                close(cur);
                return aisbx_error_make(err, e, "create %s in rootfs", prefix);
            }
            next = openat2_in_root(rootfd, prefix + 1);
        }
        if (next < 0) {
            int e = errno;
            close(cur);
            /* ENOENT right after EEXIST: a dangling symlink; refuse rather
             * than guess where its target should be created. */
            return aisbx_error_make(err, e, "resolve %s in rootfs", prefix);
        }
        close(cur);
        cur = next;
        comp = next_comp;
    }
    return cur;
}

int resolve_in_root(int rootfd, const char *path, enum resolve_create create, mode_t mode,
                    aisbx_error **err)
{
    int fd = openat2_in_root(rootfd, relative(path));
    if (fd >= 0)
        return fd;
    if (errno != ENOENT || create == RESOLVE_CREATE_NONE)
        return aisbx_error_make(err, errno, "resolve %s in rootfs", path);
    return walk_create(rootfd, path, create == RESOLVE_CREATE_FILE, mode, err);
}

int resolve_parent_in_root(int rootfd, const char *path, bool create_parents, char **name_buf,
                           const char **name, aisbx_error **err)
{
    char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
        free(copy);
        return aisbx_error_make(err, EINVAL, "%s: not a file name", path);
    }
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = copy;
    }
    int fd = resolve_in_root(rootfd, dir, create_parents ? RESOLVE_CREATE_DIR : RESOLVE_CREATE_NONE,
                             0755, err);
    if (fd < 0) {
        free(copy);
        return -1;
    }
    *name_buf = copy;
    *name = base;
    return fd;
}

const char *fd_proc_path(int fd, char buf[32])
{
    snprintf(buf, 32, "/proc/self/fd/%d", fd);
    return buf;
}

int mount_on_fd(const char *source, int fd, const char *fstype, unsigned long flags,
                const char *data)
{
    char buf[32];
    return mount(source, fd_proc_path(fd, buf), fstype, flags, data);
}
