/* Helper for integration/devices.bats, built static and copied into the
 * container's rootfs:
 *   devtest open PATH     open PATH read-only (no controlling tty, no block):
 *                         prints "OPEN" or "ERR <errno name>"
 *   devtest ptys N [hold] open /dev/ptmx up to N times: prints
 *                         "opened K" and "ERR <errno name>" if one failed;
 *                         with "hold", keeps them open until killed */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *ename(int e)
{
    switch (e) {
    case EPERM:
        return "EPERM";
    case EACCES:
        return "EACCES";
    case ENOSPC:
        return "ENOSPC";
    case ENOENT:
        return "ENOENT";
    case EROFS:
        return "EROFS";
    case EMFILE:
        return "EMFILE";
    case ENXIO:
        return "ENXIO";
    case EIO:
        return "EIO";
    default:
        return strerrorname_np(e) ? strerrorname_np(e) : "E?";
    }
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "open")) {
        int fd = open(argv[2], O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            printf("ERR %s\n", ename(errno));
            return 1;
        }
        close(fd);
        printf("OPEN\n");
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "ptys")) {
        int n = atoi(argv[2]), k = 0, err = 0;
        for (; k < n; k++) {
            int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (fd < 0) {
                err = errno;
                break;
            }
        }
        printf("opened %d\n", k);
        if (err)
            printf("ERR %s\n", ename(err));
        fflush(stdout);
        if (argc >= 4 && !strcmp(argv[3], "hold"))
            for (;;)
                pause();
        return err ? 1 : 0;
    }
    fprintf(stderr, "usage: devtest open PATH | ptys N [hold]\n");
    return 2;
}
