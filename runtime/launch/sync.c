#include "runtime/launch/sync.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/fault.h"

static const char *const sync_names[] = {
    "", "go", "hooks", "hooks-done", "ready", "error",
};

int sync_pair(int fds[2], aisbx_error **err)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
        return aisbx_error_make(err, errno, "socketpair");
    return 0;
}

int sync_send(int fd, enum sync_type type, int32_t value, const char *text, aisbx_error **err)
{
    struct sync_msg m = {.type = type, .value = value};
    size_t len = offsetof(struct sync_msg, text);
    if (text) {
        snprintf(m.text, sizeof(m.text), "%s", text);
        len += strlen(m.text) + 1;
    }
    while (send(fd, &m, len, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR)
            return aisbx_error_make(err, errno, "sync: send %s", sync_names[type]);
    }
    return 0;
}

int sync_recv(int fd, struct sync_msg *msg, aisbx_error **err)
{
    ssize_t n;
    memset(msg, 0, sizeof(*msg));
    /* MSG_TRUNC: n is the record's real length, so an oversized record is
     * refused rather than silently cut. */
    do
        n = recv(fd, msg, sizeof(*msg), MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return aisbx_error_make(err, errno, "sync: recv");
    if (n == 0)
        return 1;
    if ((size_t)n < offsetof(struct sync_msg, text) || (size_t)n > sizeof(*msg) ||
        msg->type < SYNC_GO || msg->type > SYNC_LAST)
        return aisbx_error_make(err, 0, "sync: malformed message");
    msg->text[sizeof(msg->text) - 1] = '\0';
    return 0;
}

int sync_error_from(const struct sync_msg *m, aisbx_error **err)
{
    return aisbx_error_make_exact(err, m->value, "%s", m->text);
}

int sync_expect(int fd, enum sync_type type, struct sync_msg *msg, aisbx_error **err)
{
    int r = sync_recv(fd, msg, err);
    if (r < 0)
        return -1;
    if (r == 1)
        return aisbx_error_make(err, 0, "sync: peer exited before %s", sync_names[type]);
    if (msg->type == SYNC_ERROR)
        return sync_error_from(msg, err);
    if (msg->type != type)
        return aisbx_error_make(err, 0, "sync: expected %s, got %s", sync_names[type],
                                sync_names[msg->type]);
    return 0;
}

void sync_fail(int fd, aisbx_error *err)
{
    aisbx_error *e2 = NULL;
    sync_send(fd, SYNC_ERROR, err ? err->errnum : 0, err ? err->msg : "unknown error", &e2);
    aisbx_error_free(&e2);
    _exit(1);
}

/* One read once poll says there is something (the fd may be O_NONBLOCK):
 * > 0 bytes, 0 at EOF, -1 with errno. */
static ssize_t fifo_read(int fd, char *buf, size_t n)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        ssize_t r = read(fd, buf, n);
        if (r >= 0 || (errno != EAGAIN && errno != EINTR))
            return r;
    }
}

int sync_fifo_collect(int fd, aisbx_error **err)
{
    char text[SYNC_FIFO_TEXT_MAX + 1];
    size_t len = 0;
    ssize_t n = fifo_read(fd, text, 1);
    if (n < 0)
        return aisbx_error_make(err, errno, "read exec fifo");
    if (n == 0)
        return aisbx_error_make(err, 0, "container init exited before start");
    /* Anything but "0" is not the stub's release byte: keep it as the
     * start of the text, so whatever the init said is shown whole. */
    if (text[0] != '0')
        len = 1;
    FAULT_POINT("start:released");
    while (len < SYNC_FIFO_TEXT_MAX) {
        n = fifo_read(fd, text + len, SYNC_FIFO_TEXT_MAX - len);
        if (n < 0)
            return aisbx_error_make(err, errno, "read exec fifo");
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len == 0)
        return 0;
    text[len] = '\0';
    return aisbx_error_make(err, 0, "%s", text);
}
