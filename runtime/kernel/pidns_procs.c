#include "runtime/kernel/pidns_procs.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool pidns_of(pid_t pid, dev_t *dev, ino_t *ino)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
    if (stat(path, &st) < 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

static bool in_ns(pid_t pid, dev_t dev, ino_t ino)
{
    dev_t d;
    ino_t i;
    return pidns_of(pid, &d, &i) && d == dev && i == ino;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

int pidns_procs_list(pid_t init, pid_t **pids, size_t *n, aisbx_error **err)
{
    dev_t dev;
    ino_t ino;
    size_t cap = 0;
    *pids = NULL;
    *n = 0;
    if (!pidns_of(init, &dev, &ino))
        return errno == ENOENT ? 0 : aisbx_error_make(err, errno, "pid namespace of %d", init);
    DIR *d = opendir("/proc");
    if (!d)
        return aisbx_error_make(err, errno, "open /proc");
    for (struct dirent *e; (e = readdir(d));) {
        char *end;
        long v = strtol(e->d_name, &end, 10);
        if (*end || v <= 0 || !in_ns((pid_t)v, dev, ino))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            *pids = xrealloc(*pids, cap * sizeof(**pids));
        }
        (*pids)[(*n)++] = (pid_t)v;
    }
    closedir(d);
    if (*n)
        qsort(*pids, *n, sizeof(**pids), cmp_pid);
    return 0;
}

int pidns_procs_kill(pid_t init, int sig, aisbx_error **err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    dev_t dev;
    ino_t ino;
    int r = 0;
    if (!pidns_of(init, &dev, &ino))
        return 0; /* the init is gone, and with it the namespace */
    if (pidns_procs_list(init, &pids, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
        if (fd < 0)
            continue; /* exited */
        if (in_ns(pids[i], dev, ino) && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0 &&
            errno != ESRCH && r == 0)
            r = aisbx_error_make(err, errno, "send signal %d to %d", sig, pids[i]);
        close(fd);
    }
    free(pids);
    return r;
}
