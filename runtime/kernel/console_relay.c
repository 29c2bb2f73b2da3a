#include "runtime/kernel/console_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/fd_util.h"

/* What runc's signal proxy forwards in practice; SIGCHLD and SIGWINCH are
 * ours (reap, resize). */
static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

struct relay_loop {
    int master, sfd;
    pid_t pid;
    bool child_done, master_done, stdin_open, stdout_broken;
    char in[4096]; /* stdin bytes not yet written to the master */
    size_t in_len, in_off;
    int status;
};

int console_relay_open(struct console_relay *r, aisbx_error **err)
{
    int sp[2];
    r->ours = r->theirs = r->master = -1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
        return aisbx_error_make(err, errno, "socketpair for the console");
    r->ours = sp[0];
    r->theirs = sp[1];
    return 0;
}

void console_relay_close(struct console_relay *r)
{
    if (r->ours >= 0)
        close(r->ours);
    if (r->theirs >= 0)
        close(r->theirs);
    if (r->master >= 0)
        close(r->master);
    r->ours = r->theirs = r->master = -1;
}

static void copy_window_size(int master)
{
    struct winsize ws;
    if (isatty(STDIN_FILENO) && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
        ioctl(master, TIOCSWINSZ, &ws);
}

static void reap(struct relay_loop *l)
{
    int ws;
    if (l->child_done || waitpid(l->pid, &ws, WNOHANG) != l->pid)
        return;
    l->child_done = true;
    l->status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
}

static void on_signals(struct relay_loop *l)
{
    struct signalfd_siginfo si;
    while (read(l->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGWINCH)
            copy_window_size(l->master);
        else if (sig != SIGCHLD && !l->child_done)
            kill(l->pid, sig);
    }
}

/* Container output to our stdout; a closed stdout only discards it (the
 * container must not block on a full pty because nobody reads). */
static void from_master(struct relay_loop *l)
{
    char buf[4096];
    ssize_t n = read(l->master, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) { /* EIO: every slave fd is closed */
        l->master_done = true;
        return;
    }
    if (!l->stdout_broken && write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
        l->stdout_broken = true;
}

static void from_stdin(struct relay_loop *l)
{
    ssize_t n = read(STDIN_FILENO, l->in, sizeof(l->in));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    /* EOF is not passed on: runc does not either (the process may still
     * be writing); it ends when the process does. */
    if (n <= 0) {
        l->stdin_open = false;
        return;
    }
    l->in_len = (size_t)n;
    l->in_off = 0;
}

static void to_master(struct relay_loop *l)
{
    ssize_t n = write(l->master, l->in + l->in_off, l->in_len - l->in_off);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n < 0) {
        l->in_len = l->in_off = 0;
        l->stdin_open = false;
        return;
    }
    l->in_off += (size_t)n;
    if (l->in_off == l->in_len)
        l->in_len = l->in_off = 0;
}

/* Until the child has exited and the pty is drained. Once the child is
 * gone, a pty still held open by something it left behind is drained for
 * at most 200ms of silence. */
static void relay(struct relay_loop *l)
{
    for (;;) {
        struct pollfd p[3] = {{.fd = l->sfd, .events = POLLIN}, {.fd = -1}, {.fd = -1}};
        reap(l);
        if (l->child_done && l->master_done)
            return;
        if (!l->master_done)
            p[1] = (struct pollfd){.fd = l->master, .events = POLLIN | (l->in_len ? POLLOUT : 0)};
        if (l->stdin_open && !l->in_len && !l->child_done && !l->master_done)
            p[2] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        int n = poll(p, 3, l->child_done ? 200 : -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        if (p[0].revents)
            on_signals(l);
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
            from_master(l);
        if (!l->master_done && (p[1].revents & POLLOUT))
            to_master(l);
        if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
            from_stdin(l);
    }
}

int console_relay_attach(struct console_relay *r, aisbx_error **err)
{
    if (r->theirs >= 0)
        close(r->theirs);
    r->theirs = -1;
    if (fd_recv_fd(r->ours, &r->master, NULL) < 0)
        return aisbx_error_make(err, errno == EBADMSG ? 0 : errno,
                                "receive the pty master from the container");
    fcntl(r->master, F_SETFL, fcntl(r->master, F_GETFL) | O_NONBLOCK);
    copy_window_size(r->master);
    return 0;
}

int console_relay_run(struct console_relay *r, pid_t pid, int *status, aisbx_error **err)
{
    struct relay_loop l = {.master = -1, .sfd = -1, .pid = pid, .stdin_open = true};
    struct termios saved, raw;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigset_t set, old;
    bool tty = false;
    int rc = -1;

    if (r->master < 0 && console_relay_attach(r, err) < 0)
        return -1;
    l.master = r->master;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGWINCH);
    for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
        sigaddset(&set, forwarded[i]);
    sigprocmask(SIG_BLOCK, &set, &old);
    sigaction(SIGPIPE, &ign, &old_pipe);
    l.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (l.sfd < 0) {
        aisbx_error_make(err, errno, "signalfd");
        goto out;
    }
    /* Raw: keys such as ^C reach the container's line discipline as bytes
     * and become its signals there; our own tty must not act on them. */
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    relay(&l);
    if (!l.child_done) {
        int ws;
        while (waitpid(pid, &ws, 0) < 0)
            if (errno != EINTR) {
                aisbx_error_make(err, errno, "wait for the container process");
                goto out;
            }
        l.status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
    }
    *status = l.status;
    rc = 0;
out:
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    if (l.sfd >= 0)
        close(l.sfd);
    sigaction(SIGPIPE, &old_pipe, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}
