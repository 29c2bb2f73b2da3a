#include "runtime/lifecycle/pid_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/fd_util.h"

int pid_file_write(const char *path, pid_t pid, aisbx_error **err)
{
    char *tmp = xasprintf("%s.aisbx-tmp", path), buf[32];
    int fd, n = snprintf(buf, sizeof(buf), "%d", pid), r = 0;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        r = aisbx_error_make(err, errno, "create pid file %s", path);
    else {
        if (write_all(fd, buf, (size_t)n) < 0)
            r = aisbx_error_make(err, errno, "write pid file %s", path);
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
            r = aisbx_error_make(err, errno, "rename pid file to %s", path);
        if (r < 0)
            unlink(tmp);
    }
    free(tmp);
    return r;
}
