#include "runtime/kernel/hooks.h"
#include "runtime/kernel/signals.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/log.h"

/* Poll interval when there is no pidfd to wait on. */
#define HOOK_POLL_FALLBACK_MS 10

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/* In the forked child: never returns. Reports an exec failure as an errno
 * on errfd (fd 3 after the shuffle below) so the parent can say why. */
static void __attribute__((noreturn))
hook_child(const struct spec_hook *h, int exec_fd, const char *cwd, int stdin_fd, int errfd)
{
    int e;
    /* Own process group: a timeout kills the hook's children too. */
    setpgid(0, 0);
    /* runc runs its host-side hooks from the bundle (it chdirs there
     * first); hooks written for it may name files relative to it. Best
     * effort: a bundle already removed (poststop after an engine's cleanup)
     * leaves the hook where the runtime was called from. */
    if (cwd && chdir(cwd) < 0)
        errno = 0;
    signals_reset_all();
    if (dup2(stdin_fd, 0) < 0 || dup2(errfd, 3) < 0)
        goto fail;
    /* An opened binary goes to fd 4, without close-on-exec: a "#!" script
     * is run as /dev/fd/4, which its interpreter must still find open. */
    if (exec_fd >= 0 && (dup2(exec_fd, 4) < 0 || fd_set_cloexec(4, false) < 0))
        goto fail;
    if (dup2(2, 1) < 0) /* a runtime started with fd 2 closed: drop stdout */
        close(1);
    fd_set_cloexec(3, true);
    aisbx_error *cerr = NULL;
    if (fds_close_from(exec_fd >= 0 ? 2 : 1, &cerr) < 0) /* keeps 3 (errno pipe), 4 */
        goto fail;
    char *const default_argv[] = {h->path, NULL};
    char *const empty_env[] = {NULL};
    char *const *argv = h->args.n > 0 ? h->args.v : default_argv;
    char *const *envp = h->env.n > 0 ? h->env.v : empty_env;
    if (exec_fd >= 0)
        execveat(4, "", argv, envp, AT_EMPTY_PATH);
    else
        execve(h->path, argv, envp);
fail:
    e = errno;
    /* fd 3 if the shuffle got that far, else the original pipe end. */
    if (write(3, &e, sizeof(e)) < 0 && write(errfd, &e, sizeof(e)) < 0)
        e = 0; /* nothing more to report with */
    _exit(127);
}

/* Feeds the state to the hook while waiting for it, so a hook that does not
 * read stdin can neither block us nor escape its timeout. */
static int wait_hook(pid_t pid, int wfd, const char *data, size_t len, int timeout_s, int *status,
                     bool *timed_out)
{
    int pidfd = pidfd_open_compat(pid);
    int64_t deadline = timeout_s > 0 ? now_ms() + (int64_t)timeout_s * 1000 : -1;
    size_t off = 0;
    *timed_out = false;
    if (len == 0 && wfd >= 0) {
        close(wfd);
        wfd = -1;
    }
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            int e = errno;
            if (pidfd >= 0)
                close(pidfd);
            if (wfd >= 0)
                close(wfd);
            errno = e;
            return -1;
        }
        int wait_ms = pidfd >= 0 ? -1 : HOOK_POLL_FALLBACK_MS;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                /* The whole process group, so that `sh -c "sleep 100"`
                 * does not leave its sleep behind; the group id is our
                 * unreaped child's pid, so it cannot have been reused. */
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                    ;
                *timed_out = true;
                break;
            }
            if (wait_ms < 0 || left < wait_ms)
                wait_ms = (int)left;
        }
        struct pollfd pfd[2];
        nfds_t n = 0;
        if (pidfd >= 0)
            pfd[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        if (wfd >= 0)
            pfd[n++] = (struct pollfd){.fd = wfd, .events = POLLOUT};
        if (poll(pfd, n, wait_ms) < 0)
            continue; /* EINTR, or ENOMEM: re-check the child and the deadline */
        if (wfd >= 0 && (pfd[n - 1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(wfd, data + off, len - off);
            if (w > 0)
                off += (size_t)w;
            /* EPIPE: the hook closed stdin or never reads it; that is its
             * business, only its exit status counts. */
            if (off == len || (w < 0 && errno != EAGAIN && errno != EINTR)) {
                close(wfd);
                wfd = -1;
            }
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    if (wfd >= 0)
        close(wfd);
    return 0;
}

static int run_one(const struct spec_hook *h, int exec_fd, const char *cwd, const char *kind,
                   size_t idx, const char *state, aisbx_error **err)
{
    int in[2], ep[2];
    if (!h->path || !*h->path)
        return aisbx_error_make(err, 0, "%s hook #%zu: path is empty", kind, idx);
    /* -errno: opening the binary beforehand failed; report it as exec would. */
    if (exec_fd < -1)
        return aisbx_error_make(err, -exec_fd, "%s hook #%zu (%s) failed: exec %s", kind, idx,
                                h->path, h->path);
    if (pipe2(in, O_CLOEXEC) < 0)
        return aisbx_error_make(err, errno, "%s hook #%zu (%s): pipe", kind, idx, h->path);
    if (pipe2(ep, O_CLOEXEC) < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        return aisbx_error_make(err, e, "%s hook #%zu (%s): pipe", kind, idx, h->path);
    }
    log_info("running %s hook %s", kind, h->path);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        close(ep[0]);
        close(ep[1]);
        return aisbx_error_make(err, e, "%s hook #%zu (%s): fork", kind, idx, h->path);
    }
    if (pid == 0)
        hook_child(h, exec_fd, cwd, in[0], ep[1]);
    setpgid(pid, pid); /* as the child does: no window where a kill(-pid) misses */
    close(in[0]);
    close(ep[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);

    int status = 0;
    bool timed_out = false;
    int timeout = h->has_timeout ? h->timeout : 0;
    /* Writing to a pipe whose reader is gone raises SIGPIPE, which would
     * kill the runtime; ignore it for the write and restore it after.
     * (The child resets every disposition before exec.) */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    int r = wait_hook(pid, in[1], state ? state : "", state ? strlen(state) : 0, timeout, &status,
                      &timed_out);
    int wait_errno = errno;
    sigaction(SIGPIPE, &old, NULL);

    int exec_errno = 0;
    ssize_t got = read(ep[0], &exec_errno, sizeof(exec_errno));
    close(ep[0]);
    if (r < 0)
        return aisbx_error_make(err, wait_errno, "%s hook #%zu (%s): wait", kind, idx, h->path);
    if (timed_out)
        return aisbx_error_make(err, 0, "%s hook #%zu (%s) timed out after %d s", kind, idx,
                                h->path, timeout);
    if (got == (ssize_t)sizeof(exec_errno) && exec_errno)
        return aisbx_error_make(err, exec_errno, "%s hook #%zu (%s) failed: exec %s", kind, idx,
                                h->path, h->path);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return aisbx_error_make(err, 0, "%s hook #%zu (%s) failed: exit status %d", kind, idx,
                                h->path, WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        /* strsignal's text, first letter lower-case as in Go's messages,
         * which runc's users grep for ("bad system call": a seccomp kill) */
        char what[64];
        snprintf(what, sizeof(what), "%s", strsignal(WTERMSIG(status)));
        if (what[0] && what[1] >= 'a' && what[1] <= 'z')
            what[0] = (char)tolower((unsigned char)what[0]);
        return aisbx_error_make(err, 0, "%s hook #%zu (%s) failed: killed by signal %d (%s)", kind,
                                idx, h->path, WTERMSIG(status), what);
    }
    return 0;
}

static int run_list(const struct spec_hooklist *hooks, const int *exec_fds, const char *cwd,
                    const char *kind, const char *state_json, aisbx_error **err)
{
    if (!hooks)
        return 0;
    for (size_t i = 0; i < hooks->n; i++)
        if (run_one(&hooks->v[i], exec_fds ? exec_fds[i] : -1, cwd, kind, i, state_json, err) < 0)
            return -1;
    return 0;
}

int hooks_run(const struct spec_hooklist *hooks, const char *cwd, const char *kind,
              const char *state_json, aisbx_error **err)
{
    return run_list(hooks, NULL, cwd, kind, state_json, err);
}

int hooks_run_fds(const struct spec_hooklist *hooks, const int *exec_fds, const char *kind,
                  const char *state_json, aisbx_error **err)
{
    return run_list(hooks, exec_fds, NULL, kind, state_json, err);
}

int hooks_run_all(const struct spec_hooklist *hooks, const char *cwd, const char *kind,
                  const char *state_json)
{
    int failed = 0;
    if (!hooks)
        return 0;
    for (size_t i = 0; i < hooks->n; i++) {
        aisbx_error *e = NULL;
        if (run_one(&hooks->v[i], -1, cwd, kind, i, state_json, &e) < 0) {
            log_warning("%s", e ? e->msg : "hook failed");
            failed++;
        }
        aisbx_error_free(&e);
    }
    return failed;
}

int hooks_open_all(const struct spec_hooklist *hooks, int **fds)
{
    *fds = NULL;
    if (!hooks || !hooks->n)
        return 0;
    *fds = xmalloc0(hooks->n * sizeof(int));
    for (size_t i = 0; i < hooks->n; i++) {
        const char *path = hooks->v[i].path;
        int fd = path && *path ? open(path, O_PATH | O_CLOEXEC) : -1;
        (*fds)[i] = fd >= 0 ? fd : -(errno ? errno : ENOENT);
    }
    return 0;
}

void hooks_close_all(const struct spec_hooklist *hooks, int *fds)
{
    if (!fds)
        return;
    for (size_t i = 0; i < hooks->n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}
