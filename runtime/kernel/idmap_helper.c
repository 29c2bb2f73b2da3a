/* The setuid map helpers, judged once and run from the judged fd. */
#include "runtime/kernel/idmap_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/fd_util.h"

#define ARGV_MAX 200

int idmap_helper_argv(pid_t pid, const struct spec_id_mapping *m, size_t n, char *buf,
                      size_t buflen, char **argv, size_t max)
{
    size_t o = 0, k = 0;
    if (max < 2 || 1 + 3 * n + 1 > max)
        return -1;
    for (size_t i = 0; i <= 3 * n; i++) {
        unsigned long v = i == 0             ? (unsigned long)pid
                          : (i - 1) % 3 == 0 ? m[(i - 1) / 3].container_id
                          : (i - 1) % 3 == 1 ? m[(i - 1) / 3].host_id
                                             : m[(i - 1) / 3].size;
        int w = snprintf(buf + o, buflen - o, "%lu", v);
        if (w < 0 || (size_t)w >= buflen - o)
            return -1;
        argv[k++] = buf + o;
        o += (size_t)w + 1;
    }
    argv[k] = NULL;
    return (int)k;
}

/* The first executable `name` on $PATH (runc: exec.LookPath), opened. */
static int helper_open(const char *name, char *found, size_t flen, aisbx_error **err)
{
    const char *path = getenv("PATH");
    char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    int fd = -1;
    for (char *d = strtok_r(copy, ":", &save); d && fd < 0; d = strtok_r(NULL, ":", &save)) {
        if (d[0] != '/')
            continue; /* a relative $PATH entry would depend on our cwd */
        snprintf(found, flen, "%s/%s", d, name);
        fd = open(found, O_PATH | O_CLOEXEC);
    }
    free(copy);
    if (fd < 0)
        return aisbx_error_make(err, 0,
                                "%s not found on $PATH: a user namespace with several id "
                                "ranges needs it (install the uidmap package)",
                                name);
    return fd;
}

/* What is run is what was judged: the helper writes maps as root, so it
 * must be root's own binary that nobody else can have replaced. */
static int helper_judge(int fd, const char *found, aisbx_error **err)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return aisbx_error_make(err, errno, "stat %s", found);
    if (!S_ISREG(st.st_mode))
        return aisbx_error_make(err, 0, "%s is not a regular file", found);
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
        return aisbx_error_make(err, 0, "%s is not owned by root or is writable by others", found);
    if (!(st.st_mode & S_IXOTH))
        return aisbx_error_make(err, 0, "%s is not executable", found);
    return 0;
}

int idmap_helper_run(const char *name, pid_t pid, const struct spec_id_mapping *m, size_t n,
                     aisbx_error **err)
{
    char found[4096], buf[ARGV_MAX * 12], *argv[ARGV_MAX + 1], msg[512] = "";
    int pipefd[2], status = 0;
    ssize_t got = 0;
    argv[0] = (char *)name;
    if (idmap_helper_argv(pid, m, n, buf, sizeof(buf), argv + 1, ARGV_MAX) < 0)
        return aisbx_error_make(err, E2BIG, "%s: too many id ranges", name);
    cleanup_close int fd = helper_open(name, found, sizeof(found), err);
    if (fd < 0 || helper_judge(fd, found, err) < 0)
        return -1;
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return aisbx_error_make(err, errno, "pipe for %s", name);
    pid_t child = fork();
    if (child < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return aisbx_error_make(err, errno, "fork %s", name);
    }
    if (child == 0) {
        char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
        }
        dup2(pipefd[1], 2);
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        dprintf(2, "exec: %s\n", strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    for (ssize_t r; (size_t)got < sizeof(msg) - 1 &&
                    (r = read(pipefd[0], msg + got, sizeof(msg) - 1 - (size_t)got)) != 0;)
        if (r > 0)
            got += r;
        else if (errno != EINTR)
            break;
    close(pipefd[0]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    msg[got > 0 ? got : 0] = '\0';
    msg[strcspn(msg, "\n")] = '\0';
    return aisbx_error_make(
        err, 0, "%s %d failed (%s %d): %s", found, pid, WIFEXITED(status) ? "exit" : "signal",
        WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), *msg ? msg : "no message");
}
