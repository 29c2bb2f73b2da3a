#include "runtime/fd_util.h"

#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

/* Fallback for kernels without close_range (< 5.9): walk /proc/self/fd,
 * remembering the fds first, since closing while iterating would also
 * close the directory's own fd under our feet. */
static int close_from_proc(int first, aisbx_error **err)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return aisbx_error_make(err, errno, "open /proc/self/fd");
    int dfd = dirfd(d);
    int *fds = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long v = strtol(de->d_name, &end, 10);
        if (*end || end == de->d_name || v < first || v == dfd || v > INT_MAX)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            fds = xrealloc(fds, cap * sizeof(*fds));
        }
        fds[n++] = (int)v;
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
    return 0;
}

int fds_close_from(int preserve_fds, aisbx_error **err)
{
    if (preserve_fds < 0)
        return aisbx_error_make(err, EINVAL, "invalid preserve-fds %d", preserve_fds);
    int first = 3 + preserve_fds;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL)
        return aisbx_error_make(err, errno, "close_range(%d, ~0)", first);
#endif
    return close_from_proc(first, err);
}

int fd_set_cloexec(int fd, bool on)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0)
        return -1;
    int nflags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    if (nflags == flags)
        return 0;
    return fcntl(fd, F_SETFD, nflags) < 0 ? -1 : 0;
}

int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int read_all(int fd, char **buf, size_t *n, size_t max)
{
    size_t cap = 4096, len = 0;
    char *b = xmalloc0(cap + 1);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            b = xrealloc(b, cap + 1);
        }
        ssize_t r = read(fd, b + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            free(b);
            errno = saved;
            return -1;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len > max) {
            free(b);
            errno = EFBIG;
            return -1;
        }
    }
    b[len] = '\0';
    *buf = b;
    if (n)
        *n = len;
    return 0;
}

int fd_send_fd(int sock, int fd, const char *name)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof(u));
    /* Linux will not pass SCM_RIGHTS without at least one data byte. */
    const char *data = name && *name ? name : "\0";
    struct iovec iov = {.iov_base = (void *)data, .iov_len = name && *name ? strlen(name) : 1};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = u.buf,
        .msg_controllen = sizeof(u.buf),
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    for (;;) {
        ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (r >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int fd_recv_fd(int sock, int *fd, char **name)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    char data[4096];
    struct iovec iov = {.iov_base = data, .iov_len = sizeof(data) - 1};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = u.buf,
        .msg_controllen = sizeof(u.buf),
    };
    ssize_t r;
    do
        r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    int got = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            memcpy(&got, CMSG_DATA(c), sizeof(int));
            break;
        }
    }
    if (got < 0) {
        errno = (msg.msg_flags & MSG_CTRUNC) ? EMSGSIZE : EBADMSG;
        return -1;
    }
    *fd = got;
    if (name) {
        data[r] = '\0';
        *name = xstrdup(data);
    }
    return 0;
}

int fd_connect_unix(const char *path, int *fd, const char *what, aisbx_error **err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    *fd = -1;
    if (strlen(path) >= sizeof(addr.sun_path))
        return aisbx_error_make(err, 0, "%s path too long: %s", what, path);
    strcpy(addr.sun_path, path);
    *fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*fd < 0)
        return aisbx_error_make(err, errno, "socket for %s", what);
    if (connect(*fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return aisbx_error_make(err, errno, "connect to %s %s", what, path);
    return 0;
}
