/* Per-user kernel quotas (issue 14): `quota hog` takes every inotify
 * instance and queues real-time signals to itself until the kernel
 * refuses, prints what it got and then waits (`quota hog-inotify`: only
 * the inotify instances; queued signals stay charged until the dead
 * process is reaped, so a control run as host root must not take them);
 * `quota probe` (run by host root while a hog holds its quotas) tries one
 * of each and prints "inotify OK|ERRNO sigqueue OK|ERRNO". */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static const char *res(int r)
{
    return r < 0 ? strerrorname_np(errno) : "OK";
}

int main(int argc, char **argv)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &s, NULL);
    union sigval v = {.sival_int = 0};
    if (argc > 1 && !strcmp(argv[1], "probe")) {
        int fd = inotify_init1(IN_CLOEXEC);
        const char *a = res(fd);
        printf("inotify %s sigqueue %s\n", a, res(sigqueue(getpid(), SIGRTMIN, v)));
        return 0;
    }
    int n = 0, q = 0, e1 = 0, e2 = 0;
    while (n < 100000 && inotify_init1(IN_CLOEXEC) >= 0)
        n++;
    e1 = errno;
    bool sigs = !(argc > 1 && !strcmp(argv[1], "hog-inotify"));
    while (sigs && q < 10000000 && sigqueue(getpid(), SIGRTMIN, v) == 0)
        q++;
    e2 = errno;
    printf("inotify %d %s sigqueue %d %s\n", n, strerrorname_np(e1), q, strerrorname_np(e2));
    fflush(stdout);
    pause();
    return 0;
}
