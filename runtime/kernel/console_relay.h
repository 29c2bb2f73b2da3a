/* process.terminal in the foreground (`run` not detached, `exec -t`
 * without --console-socket): aisbx is its own console socket. The container
 * side sends the pty master over one end of a socketpair exactly as it
 * would to an engine's socket; this side receives it and relays it on the
 * caller's stdio, as runc does: the caller's tty (if stdin is one) in raw
 * mode, its window size copied on start and on SIGWINCH, the usual
 * termination signals forwarded to the container process, and that
 * process's exit status passed back. Works when stdin is not a tty. */
#ifndef AISBX_RUNTIME_CONSOLE_RELAY_H
#define AISBX_RUNTIME_CONSOLE_RELAY_H

#include <sys/types.h>

#include "specs/error.h"

struct console_relay {
    int ours;   /* our end: the master arrives here */
    int theirs; /* the end handed to the launch plan; closed once it has it */
    int master; /* the pty master, once received */
};
#define CONSOLE_RELAY_NONE                                                                         \
    {                                                                                              \
        -1, -1, -1                                                                                 \
    }

/* A socketpair, both ends close-on-exec. */
int console_relay_open(struct console_relay *r, aisbx_error **err);
/* Closes whatever is still open; safe to call twice. */
void console_relay_close(struct console_relay *r);
/* Closes `theirs` (the container side holds its own copy), receives the
 * master and gives it the caller's window size. Before `start`, so that
 * the process sees the right size from its first instruction. */
int console_relay_attach(struct console_relay *r, aisbx_error **err);
/* Attaches if not done yet, then relays until `pid` (our child) exits
 * and the pty is drained.
 * *status: its exit code, or 128+n when killed by signal n. */
int console_relay_run(struct console_relay *r, pid_t pid, int *status, aisbx_error **err);

#endif
