/* The bound (entries, depth) keeps a bind of a huge tree from stalling
 * create. Hitting it counts as "found": a socket past the bound is as
 * reachable as one before it, and a daemon's socket dir is never that big,
 * so only very large binds pay (dropped and logged; bind a narrower dir). */
#include "runtime/overlay/socket_scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/log.h"

struct scan {
    dev_t dev;
    uid_t caller;
    unsigned entries;
    bool found, bounded;
};

static void scan_dir(struct scan *s, int parent, const char *name, int depth)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        s->bounded = true; /* unreadable: cannot show it is clean */
        return;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        s->bounded = true;
        return;
    }
    struct dirent *e;
    while (!s->found && !s->bounded && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (++s->entries > SOCKET_SCAN_MAX_ENTRIES) {
            s->bounded = true;
            break;
        }
        if (e->d_type != DT_UNKNOWN && e->d_type != DT_SOCK && e->d_type != DT_DIR)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue; /* vanished */
        if (S_ISSOCK(st.st_mode)) {
            if (st.st_uid == 0 || st.st_uid != s->caller)
                s->found = true;
        } else if (S_ISDIR(st.st_mode) && st.st_dev == s->dev) {
            /* another mount below the source is not entered (one filesystem,
             * bounded time); the known daemon dirs are caught by name */
            if (depth + 1 >= SOCKET_SCAN_MAX_DEPTH)
                s->bounded = true;
            else
                scan_dir(s, dirfd(d), e->d_name, depth + 1);
        }
    }
    closedir(d);
}

bool socket_scan_foreign(int dirfd, uid_t caller)
{
    struct stat st;
    if (fstat(dirfd, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    struct scan s = {.dev = st.st_dev, .caller = caller};
    scan_dir(&s, dirfd, ".", 0);
    if (s.bounded && !s.found)
        log_debug("socket scan: bound reached (%u entries, depth %d) or unreadable dir: counted "
                  "as holding a control socket",
                  s.entries, SOCKET_SCAN_MAX_DEPTH);
    return s.found || s.bounded;
}
