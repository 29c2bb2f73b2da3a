/* The slot directory of the user namespace pool (userns_slots.h). Every
 * operation opens the directory once, takes the lock and then acts only
 * through that fd (openat/mkdirat/unlinkat with O_NOFOLLOW). */
#include "runtime/lifecycle/userns_slots.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/kernel/proc_info.h"

#define LOCK_NAME "lock"

struct locked {
    int dir, lock;
};

/* Opens dir (creating it), checks who may write it, takes the lock, which
 * is held until unlock_dir. */
static int lock_dir(const char *dir, struct locked *l, aisbx_error **err)
{
    int fd = open(dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    if (fd < 0 && errno == ENOENT) {
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return aisbx_error_make(err, errno, "userns slots: mkdir %s", dir);
        fd = open(dir, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    }
    if (fd < 0)
        return aisbx_error_make(err, errno, "userns slots: open %s", dir);
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
        close(fd);
        return aisbx_error_make(err, EPERM,
                                "userns slots: %s must be a directory of ours that nobody else "
                                "may write",
                                dir);
    }
    int lk = openat(fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    struct stat ls;
    if (lk < 0 || fstat(lk, &ls) < 0 || !S_ISREG(ls.st_mode) || flock(lk, LOCK_EX) < 0) {
        int e = lk < 0 ? errno : (errno ? errno : EINVAL);
        if (lk >= 0)
            close(lk);
        close(fd);
        return aisbx_error_make(err, e, "userns slots: lock %s/" LOCK_NAME, dir);
    }
    l->dir = fd;
    l->lock = lk;
    return 0;
}

static void unlock_dir(struct locked *l)
{
    close(l->lock); /* releases the flock */
    close(l->dir);
}

/* FNV-1a of the state root: the member's file name must be unique per
 * container, and the same id can exist under two --root values. */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void member_name(const char *root, const char *id, char *buf, size_t len)
{
    snprintf(buf, len, "%016" PRIx64 "-%s", fnv1a(root), id);
}

static bool slot_name(const char *name, uint32_t *slot)
{
    char *end;
    if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1]))
        return false;
    errno = 0;
    unsigned long v = strtoul(name, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return false;
    *slot = (uint32_t)v;
    return true;
}

/* "pid starttime\nroot\nid\n", written under a dot name and renamed, so a
 * member file is whole or absent. */
static int write_member(int slotfd, const char *name, const char *root, const char *id, pid_t pid,
                        aisbx_error **err)
{
    uint64_t t;
    if (proc_start_time(pid, &t, err) < 0)
        return -1;
    char tmp[320];
    snprintf(tmp, sizeof(tmp), ".%s", name);
    cleanup_free char *text = xasprintf("%d %" PRIu64 "\n%s\n%s\n", (int)pid, t, root, id);
    int fd = openat(slotfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return aisbx_error_make(err, errno, "userns slots: create member %s", name);
    int r = write_all(fd, text, strlen(text));
    int e = errno;
    close(fd);
    if (r < 0 || renameat(slotfd, tmp, slotfd, name) < 0) {
        e = r < 0 ? e : errno;
        unlinkat(slotfd, tmp, 0);
        return aisbx_error_make(err, e, "userns slots: write member %s", name);
    }
    return 0;
}

/* A member whose process is gone, or one that cannot be read (a `create`
 * killed mid-write leaves only a dot file): dead. */
static bool member_alive(int slotfd, const char *name)
{
    if (name[0] == '.')
        return false;
    cleanup_close int fd = openat(slotfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_free char *text = NULL;
    size_t n;
    int pid;
    uint64_t t;
    if (fd < 0 || read_all(fd, &text, &n, 8192) < 0 || sscanf(text, "%d %" SCNu64, &pid, &t) != 2 ||
        pid <= 0)
        return false;
    return proc_is_alive(pid, t);
}

/* Dead members of one slot go; the slot goes when empty. Counts members
 * left in *alive. */
static int gc_slot(int dirfd, const char *slot, int *alive, aisbx_error **err)
{
    int removed = 0;
    *alive = 0;
    int sfd = openat(dirfd, slot, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    if (sfd < 0)
        return aisbx_error_make(err, errno, "userns slots: open slot %s", slot);
    DIR *d = fdopendir(sfd);
    if (!d) {
        close(sfd);
        return aisbx_error_make(err, errno, "userns slots: read slot %s", slot);
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (member_alive(sfd, de->d_name)) {
            (*alive)++;
        } else if (unlinkat(sfd, de->d_name, 0) == 0) {
            removed++;
        }
    }
    closedir(d);
    if (*alive == 0 && unlinkat(dirfd, slot, AT_REMOVEDIR) < 0 && errno != ENOENT)
        *alive = 1; /* something we do not know is in there: keep the slot */
    return removed;
}

/* GC of every slot; marks the live ones in used (bit k for slot k < n). */
static int gc_all(int dirfd, unsigned char *used, uint32_t n, aisbx_error **err)
{
    int total = 0, dup_fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    if (!d) {
        if (dup_fd >= 0)
            close(dup_fd);
        return aisbx_error_make(err, errno, "userns slots: read directory");
    }
    rewinddir(d);
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d))) {
        uint32_t k;
        int alive;
        if (!slot_name(de->d_name, &k))
            continue;
        r = gc_slot(dirfd, de->d_name, &alive, err);
        if (r < 0)
            break;
        total += r;
        if (alive && used && k < n)
            used[k / 8] |= (unsigned char)(1u << (k % 8));
    }
    closedir(d);
    return r < 0 ? -1 : total;
}

int userns_slot_claim(const char *dir, const struct userns_pool *pool, const char *root,
                      const char *id, uint32_t *slot, aisbx_error **err)
{
    struct locked l;
    char name[300], sname[16];
    if (lock_dir(dir, &l, err) < 0)
        return -1;
    cleanup_free unsigned char *used = xmalloc0(pool->slots / 8 + 1);
    int r = gc_all(l.dir, used, pool->slots, err);
    uint32_t k = 0;
    while (r >= 0 && k < pool->slots && (used[k / 8] & (1u << (k % 8))))
        k++;
    if (r >= 0 && k == pool->slots)
        r = aisbx_error_make(err, ENOSPC, "userns slots: all %" PRIu32 " ranges of the pool in use",
                             pool->slots);
    if (r >= 0) {
        snprintf(sname, sizeof(sname), "%" PRIu32, k);
        if (mkdirat(l.dir, sname, 0700) < 0)
            r = aisbx_error_make(err, errno, "userns slots: mkdir slot %s", sname);
    }
    if (r >= 0) {
        int sfd = openat(l.dir, sname, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
        member_name(root, id, name, sizeof(name));
        r = sfd < 0 ? aisbx_error_make(err, errno, "userns slots: open slot %s", sname)
                    : write_member(sfd, name, root, id, getpid(), err);
        if (sfd >= 0)
            close(sfd);
        if (r < 0)
            unlinkat(l.dir, sname, AT_REMOVEDIR);
        else
            *slot = k;
    }
    unlock_dir(&l);
    return r < 0 ? -1 : 0;
}

/* Writes the member file of (root, id) in slot `slot` under the lock, made
 * first when make_slot (joining a peer's slot that may be gone), else it
 * must exist (the owner of a slot this container holds). */
static int put_member(const char *dir, uint32_t slot, const char *root, const char *id, pid_t pid,
                      bool make_slot, aisbx_error **err)
{
    struct locked l;
    char name[300], sname[16];
    if (lock_dir(dir, &l, err) < 0)
        return -1;
    snprintf(sname, sizeof(sname), "%" PRIu32, slot);
    member_name(root, id, name, sizeof(name));
    int r = make_slot && mkdirat(l.dir, sname, 0700) < 0 && errno != EEXIST
                ? aisbx_error_make(err, errno, "userns slots: mkdir slot %s", sname)
                : 0;
    int sfd = r < 0 ? -1 : openat(l.dir, sname, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    if (r == 0 && sfd < 0)
        r = aisbx_error_make(err, errno, "userns slots: open slot %s", sname);
    if (r == 0)
        r = write_member(sfd, name, root, id, pid, err);
    if (sfd >= 0)
        close(sfd);
    unlock_dir(&l);
    return r;
}

int userns_slot_join(const char *dir, uint32_t slot, const char *root, const char *id,
                     aisbx_error **err)
{
    return put_member(dir, slot, root, id, getpid(), true, err);
}

int userns_slot_set_owner(const char *dir, uint32_t slot, const char *root, const char *id,
                          pid_t pid, aisbx_error **err)
{
    return put_member(dir, slot, root, id, pid, false, err);
}

int userns_slot_release(const char *dir, uint32_t slot, const char *root, const char *id,
                        aisbx_error **err)
{
    struct locked l;
    char name[300], sname[16];
    if (lock_dir(dir, &l, err) < 0)
        return -1;
    snprintf(sname, sizeof(sname), "%" PRIu32, slot);
    member_name(root, id, name, sizeof(name));
    int r = 0, sfd = openat(l.dir, sname, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    if (sfd >= 0) {
        if (unlinkat(sfd, name, 0) < 0 && errno != ENOENT)
            r = aisbx_error_make(err, errno, "userns slots: remove member %s/%s", sname, name);
        close(sfd);
        if (r == 0 && unlinkat(l.dir, sname, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY &&
            errno != EEXIST && errno != ENOENT)
            r = aisbx_error_make(err, errno, "userns slots: remove slot %s", sname);
    } else if (errno != ENOENT) {
        r = aisbx_error_make(err, errno, "userns slots: open slot %s", sname);
    }
    if (r == 0 && gc_all(l.dir, NULL, 0, err) < 0)
        r = -1;
    unlock_dir(&l);
    return r;
}

int userns_slots_gc(const char *dir, aisbx_error **err)
{
    struct locked l;
    if (lock_dir(dir, &l, err) < 0)
        return -1;
    int r = gc_all(l.dir, NULL, 0, err);
    unlock_dir(&l);
    return r;
}
