/*
 * recvtty SOCKET [READY-FILE]: the receiving end of --console-socket for the
 * integration tests. Bats cannot receive SCM_RIGHTS, so this listens on the unix
 * socket SOCKET, accepts one connection, receives the pty master fd and copies
 * everything read from it to stdout until the pty is closed (EIO/EOF).
 * READY-FILE is created once the socket listens so the test can wait for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int die(const char *what)
{
    fprintf(stderr, "recvtty: %s: %s\n", what, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: recvtty SOCKET [READY-FILE]\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "recvtty: socket path too long\n");
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0)
        return die("socket");
    unlink(argv[1]);
    if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0)
        return die("bind");
    if (listen(ls, 1) < 0)
        return die("listen");
    if (argc > 2) {
        int r = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (r < 0)
            return die("ready file");
        close(r);
    }
    int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return die("accept");

    char name[512];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0)
        return die("recvmsg");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
        fprintf(stderr, "recvtty: no SCM_RIGHTS message\n");
        return 1;
    }
    int master;
    memcpy(&master, CMSG_DATA(cm), sizeof(int));
    close(c);
    close(ls);
    unlink(argv[1]);

    char buf[4096];
    for (;;) {
        ssize_t r = read(master, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EIO once the last slave fd is closed */
        if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
            return die("write");
        fflush(stdout);
    }
    return 0;
}
