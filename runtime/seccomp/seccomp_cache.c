/* Reading, checking and atomically writing cached seccomp programs (see
 * seccomp_cache.h for the rules an entry must pass before it is used). */
#include "runtime/seccomp/seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/log.h"

#define MAGIC "AISBXBPF"
#define FORMAT 1u
#define KEY_MAX SECCOMP_CACHE_KEY_MAX

/* On-disk header, native endianness (the key pins the architecture). */
struct entry_header {
    char magic[8];
    uint32_t format;
    uint32_t key_len;
    uint32_t insns;
    uint32_t reserved; /* 0 */
    uint64_t checksum; /* hash of key bytes then program bytes */
};

uint64_t seccomp_cache_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t entry_checksum(const char *key, size_t key_len, const struct sock_filter *f,
                               size_t insns)
{
    uint64_t h = seccomp_cache_hash(SECCOMP_CACHE_HASH_INIT, key, key_len);
    return seccomp_cache_hash(h, f, insns * sizeof(*f));
}

/* Trusted = owned by us, not writable (dir: not accessible) by others.
 * Anyone who could write there could also replace our binary. */
static bool dir_trusted(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
           (st.st_mode & 0077) == 0;
}

/* Opens dir, creating missing components 0700 (as state_root_ensure does). */
static int open_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 || errno != ENOENT || dir[0] != '/')
        return fd;
    char *p = xstrdup(dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = c;
        if (!c)
            break;
    }
    free(p);
    return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The mtime pruning orders entries by: the clock's nanoseconds, not the
 * kernel's file-time clock (futimens(fd, NULL)), which ticks only every few
 * milliseconds on many kernels, so a hit and the next store would tie. */
static void touch_now(int fd)
{
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[1] = ts[0];
    futimens(fd, ts);
}

/* 0 and *out filled, or -1 with *why set. */
static int read_entry(int dfd, const char *fname, const char *key, struct seccomp_program *out,
                      const char **why)
{
    size_t key_len = strlen(key);
    cleanup_close int fd = openat(dfd, fname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        *why = errno == ENOENT ? "absent" : "cannot open entry";
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 0022)) {
        *why = "entry not a regular file owned by us and private";
        return -1;
    }
    size_t max = sizeof(struct entry_header) + KEY_MAX + BPF_MAXINSNS * sizeof(struct sock_filter);
    if (st.st_size < (off_t)sizeof(struct entry_header) || (size_t)st.st_size > max) {
        *why = "entry size out of range";
        return -1;
    }
    size_t size = (size_t)st.st_size;
    cleanup_free unsigned char *buf = xmalloc0(size);
    ssize_t got = pread(fd, buf, size, 0);
    if (got < 0 || (size_t)got != size) {
        *why = "short read";
        return -1;
    }
    struct entry_header h;
    memcpy(&h, buf, sizeof(h));
    if (memcmp(h.magic, MAGIC, sizeof(h.magic)) || h.format != FORMAT || h.reserved ||
        h.key_len != key_len || h.insns == 0 || h.insns > BPF_MAXINSNS ||
        size != sizeof(h) + key_len + (size_t)h.insns * sizeof(struct sock_filter)) {
        *why = "bad header or size";
        return -1;
    }
    const char *stored_key = (const char *)buf + sizeof(h);
    if (memcmp(stored_key, key, key_len)) {
        *why = "key mismatch (other version, libseccomp, kernel or floor)";
        return -1;
    }
    size_t plen = (size_t)h.insns * sizeof(struct sock_filter);
    struct sock_filter *f = xmalloc0(plen);
    memcpy(f, buf + sizeof(h) + key_len, plen);
    if (entry_checksum(key, key_len, f, h.insns) != h.checksum) {
        free(f);
        *why = "checksum mismatch";
        return -1;
    }
    out->filter = f;
    out->len = (unsigned short)h.insns;
    /* Recently used: pruning goes by mtime (failure only ages the entry). */
    touch_now(fd);
    return 0;
}

/* Other floor entries belong to other builds (several aisbx binaries, the
 * unit tests) or to a kernel/libseccomp since replaced; other config entries
 * to other profiles. Keep the most recently used (hits touch the mtime) so
 * that binaries or profiles used side by side do not evict each other on
 * every call, and the directory stays bounded: at most KEEP_MAX entries of
 * at most KEY_MAX + 256 KiB (BPF_MAXINSNS) each per family. */
#define KEEP_MAX 32

static size_t keep_for(const char *name)
{
    return !strcmp(name, "config") ? KEEP_MAX : 8;
}

struct aged {
    struct timespec mtime;
    char name[64];
};

static bool older(const struct aged *a, const struct aged *b)
{
    return a->mtime.tv_sec < b->mtime.tv_sec ||
           (a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec < b->mtime.tv_nsec);
}

static void prune_old(int dfd, const char *name)
{
    size_t keep_n = keep_for(name);
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    char *pat = xasprintf("%s-*.bpf", name);
    struct aged keep[KEEP_MAX + 1];
    size_t n = 0;
    struct dirent *de;
    /* keep[] holds the newest entries seen so far; an entry pushed out of
     * it (the oldest) is removed at once. */
    while ((de = readdir(d))) {
        struct stat st;
        if (fnmatch(pat, de->d_name, FNM_PERIOD) || strlen(de->d_name) >= sizeof(keep[0].name) ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        struct aged e = {.mtime = st.st_mtim};
        strcpy(e.name, de->d_name);
        keep[n++] = e;
        if (n <= keep_n)
            continue;
        size_t oldest = 0;
        for (size_t i = 1; i < n; i++)
            if (older(&keep[i], &keep[oldest]))
                oldest = i;
        unlinkat(dirfd(d), keep[oldest].name, 0);
        keep[oldest] = keep[--n];
    }
    free(pat);
    closedir(d);
}

/* Write to a private temporary name, then rename over the entry: a reader
 * sees the old file or the complete new one. No fsync: a torn file after a
 * crash fails the size/checksum checks and is rebuilt. */
static bool write_entry(int dfd, const char *name, const char *fname, const char *key,
                        const struct seccomp_program *p)
{
    size_t key_len = strlen(key), plen = (size_t)p->len * sizeof(struct sock_filter);
    struct entry_header h = {.format = FORMAT, .key_len = (uint32_t)key_len, .insns = p->len};
    memcpy(h.magic, MAGIC, sizeof(h.magic));
    h.checksum = entry_checksum(key, key_len, p->filter, p->len);
    size_t size = sizeof(h) + key_len + plen;
    cleanup_free unsigned char *buf = xmalloc0(size);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), key, key_len);
    memcpy(buf + sizeof(h) + key_len, p->filter, plen);

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char tmp[96];
    snprintf(tmp, sizeof(tmp), ".%s.%d.%ld.tmp", name, (int)getpid(), (long)ts.tv_nsec);
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = write_all(fd, buf, size) == 0;
    touch_now(fd);
    ok = close(fd) == 0 && ok;
    if (ok && renameat(dfd, tmp, dfd, fname) == 0) {
        prune_old(dfd, name);
        return true;
    }
    unlinkat(dfd, tmp, 0);
    return false;
}

static bool cache_enabled(void)
{
    const char *e = getenv(SECCOMP_CACHE_ENV);
    return !(e && (!strcmp(e, "0") || !strcmp(e, "off") || !strcmp(e, "no")));
}

int seccomp_cache_fetch(const char *dir, const char *name, const char *key,
                        seccomp_compile_fn compile, const void *arg, struct seccomp_program *out,
                        struct seccomp_cache_report *rep, aisbx_error **err)
{
    struct seccomp_cache_report local;
    if (!rep)
        rep = &local;
    *rep = (struct seccomp_cache_report){.status = SECCOMP_CACHE_OFF};
    memset(out, 0, sizeof(*out));

    cleanup_close int dfd = -1;
    if (!cache_enabled())
        rep->why = "disabled by " SECCOMP_CACHE_ENV;
    else if (!dir || !key)
        rep->why = "no key";
    else if (strlen(key) > KEY_MAX)
        rep->why = "key too long";
    else if ((dfd = open_dir(dir)) < 0)
        rep->why = "cannot open or create the cache directory";
    else if (!dir_trusted(dfd))
        rep->why = "cache directory not ours or not private (0700)";
    if (rep->why) {
        log_debug("seccomp cache: %s: compiling %s", rep->why, name);
        return compile(arg, out, err);
    }

    char fname[64];
    uint64_t kh = seccomp_cache_hash(SECCOMP_CACHE_HASH_INIT, key, strlen(key));
    snprintf(fname, sizeof(fname), "%.32s-%016" PRIx64 ".bpf", name, kh);
    if (read_entry(dfd, fname, key, out, &rep->why) == 0) {
        rep->status = SECCOMP_CACHE_HIT;
        log_debug("seccomp cache: %s/%s: hit", dir, fname);
        return 0;
    }
    rep->status = !strcmp(rep->why, "absent") ? SECCOMP_CACHE_ABSENT : SECCOMP_CACHE_INVALID;
    log_debug("seccomp cache: %s/%s: %s: compiling", dir, fname, rep->why);
    if (compile(arg, out, err) < 0)
        return -1;
    rep->stored = write_entry(dfd, name, fname, key, out);
    return 0;
}

static const char *cache_dir = SECCOMP_CACHE_DIR;

const char *seccomp_cache_dir(void)
{
    return cache_dir;
}

void seccomp_cache_set_dir(const char *dir)
{
    cache_dir = dir;
}
