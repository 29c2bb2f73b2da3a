/* `run`: create + start, then (unless detached) wait for the init, which
 * is our own child here, forward signals to it, and delete. With
 * process.terminal and no --console-socket, aisbx relays the pty itself
 * (kernel/console_relay.h), as runc does. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "runtime/kernel/console_relay.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/lifecycle.h"
#include "runtime/lifecycle/verdict.h"
#include "runtime/log.h"

static volatile sig_atomic_t pending_signal;

static void on_signal(int sig)
{
    pending_signal = sig;
}

static int wait_forwarding(pid_t pid, int *status)
{
    static const int fwd[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    struct sigaction sa = {.sa_handler = on_signal};
    int ws;
    for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
        sigaction(fwd[i], &sa, NULL);
    for (;;) {
        pid_t r = waitpid(pid, &ws, 0);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return -1;
        if (pending_signal) {
            kill(pid, pending_signal);
            pending_signal = 0;
        }
    }
    *status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
    return 0;
}

int container_run(const struct aisbx_context *ctx, const char *id, const struct create_options *o,
                  bool detach, int *status, aisbx_error **err)
{
    struct container_handle h;
    struct create_options co = *o;
    struct console_relay relay = CONSOLE_RELAY_NONE;
    bool tty;
    int rc = 0;
    pid_t pid;
    aisbx_error *e = NULL;
    if (!detach && !o->console_socket) {
        if (console_relay_open(&relay, err) < 0)
            return -1;
        co.console_relay = true;
        co.console_relay_fd = relay.theirs;
    }
    if (create_container_internal(ctx, id, &co, &pid, err) < 0) {
        console_relay_close(&relay);
        return -1;
    }
    if (handle_open(ctx, id, &h, err) < 0 ||
        (h.state->use_terminal && co.console_relay && console_relay_attach(&relay, err) < 0) ||
        start_container_handle(&h, err) < 0) {
        if (h.dirfd >= 0)
            handle_close(&h);
        console_relay_close(&relay);
        if (container_delete(ctx, id, true, &e) < 0)
            create_add_cleanup_error(err, &e);
        return -1;
    }
    tty = h.state->use_terminal;
    handle_close(&h);
    *status = 0;
    if (detach)
        return 0;
    if (tty && co.console_relay) {
        if ((rc = console_relay_run(&relay, pid, status, err)) < 0) {
            /* No relay, no way to reach the process: end it rather than
             * leave it running behind a failed command. */
            kill(pid, SIGKILL);
            wait_forwarding(pid, status);
        }
    } else if (wait_forwarding(pid, status) < 0)
        log_warning("wait for container init: %s", strerror(errno));
    console_relay_close(&relay);
    verdict_note_exit(ctx, id, *status);
    if (o->keep)
        verdict_log_kept(ctx, id);
    if (!o->keep && container_delete(ctx, id, true, &e) < 0) {
        log_warning("%s", e->msg);
        aisbx_error_free(&e);
    }
    return rc;
}
