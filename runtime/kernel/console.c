#include "runtime/kernel/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/fd_util.h"

int console_open_pty(int *master, char **slave_path, aisbx_error **err)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0)
        return aisbx_error_make(err, errno, "open pty master");
    char name[64];
    if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
        int e = errno;
        close(m);
        return aisbx_error_make(err, e, "set up pty");
    }
    *master = m;
    *slave_path = xstrdup(name);
    return 0;
}

static int fill_addr(const char *path, struct sockaddr_un *a, aisbx_error **err)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(a->sun_path))
        return aisbx_error_make(err, ENAMETOOLONG, "console socket %s", path);
    strcpy(a->sun_path, path);
    return 0;
}

int console_send_master(int sock, int master, aisbx_error **err)
{
    if (fd_send_fd(sock, master, "/dev/ptmx") < 0)
        return aisbx_error_make(err, errno, "send the pty master to the console socket");
    return 0;
}

int console_check_socket(const char *socket_path, aisbx_error **err)
{
    struct stat st;
    struct sockaddr_un a;
    if (!socket_path || !*socket_path)
        return aisbx_error_make(err, 0, "console socket path is empty");
    if (fill_addr(socket_path, &a, err) < 0)
        return -1;
    if (stat(socket_path, &st) < 0)
        return aisbx_error_make(err, errno, "console socket %s", socket_path);
    if (!S_ISSOCK(st.st_mode))
        return aisbx_error_make(err, 0, "console socket %s is not a unix socket", socket_path);
    return 0;
}

int console_make_controlling(const char *slave_path, aisbx_error **err)
{
    /* A session leader with no terminal: the first tty it opens without
     * O_NOCTTY would do, but TIOCSCTTY says it explicitly. */
    if (setsid() < 0)
        return aisbx_error_make(err, errno, "setsid");
    int fd = open(slave_path, O_RDWR);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open console %s", slave_path);
    if (ioctl(fd, TIOCSCTTY, 0) < 0) {
        int e = errno;
        close(fd);
        return aisbx_error_make(err, e, "make %s the controlling terminal", slave_path);
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(fd, i) < 0) {
            int e = errno;
            if (fd > 2)
                close(fd);
            return aisbx_error_make(err, e, "dup2 console onto fd %d", i);
        }
    }
    if (fd > 2)
        close(fd);
    return 0;
}

int console_set_size(int fd, unsigned height, unsigned width, aisbx_error **err)
{
    if (height > 0xffff || width > 0xffff)
        return aisbx_error_make(err, EINVAL, "console size %ux%u", height, width);
    struct winsize ws = {.ws_row = (unsigned short)height, .ws_col = (unsigned short)width};
    if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
        return aisbx_error_make(err, errno, "set console size");
    return 0;
}
