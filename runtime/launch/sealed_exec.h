/* The last execve of a container process goes through a sealed in-memory
 * copy of a tiny stub (runtime/stub/exec_stub.c explains why), so the
 * runtime's own binary is never what /proc/self/exe names when the user's
 * program is loaded. */
#ifndef AISBX_RUNTIME_SEALED_EXEC_H
#define AISBX_RUNTIME_SEALED_EXEC_H

#include "specs/config.h"
#include "specs/error.h"

/* A sealed (unwritable, unresizable) memfd holding the stub; -1 with *err
 * on failure. Returns -2 (no error) where the build has no stub. */
int sealed_stub_open(aisbx_error **err);
/* execve(exe, argv, envp) by way of the stub; only returns on failure. */
int sealed_execve(int stub_fd, const char *exe, char *const argv[], char *const envp[],
                  aisbx_error **err);

/* Makes the (already hardened) caller the stub in its wait mode: wait for
 * `start` on the exec fifo (fifo_fd: an O_PATH fd, not close-on-exec), run
 * the startContainer hooks with the state JSON from state_fd (a memfd, not
 * close-on-exec; -1 if there are no hooks), then execve(exe, argv, envp).
 * Only returns on failure. */
int sealed_execve_wait(int stub_fd, int fifo_fd, int state_fd, const struct spec_hooklist *hooks,
                       const char *exe, char *const argv[], char *const envp[], aisbx_error **err);

#endif
