/* OCI hooks (prestart, createRuntime, ..., poststop): run one list in
 * order, each with the container state JSON on its stdin. Whether a
 * failure aborts the operation (create) or is only logged (poststop) is the
 * caller's decision. */
#ifndef AISBX_RUNTIME_HOOKS_H
#define AISBX_RUNTIME_HOOKS_H

#include "specs/config.h"
#include "specs/error.h"

/* Runs hooks->v[0..n-1] in order and stops at the first failure. Each hook
 * is execve(path, args or {path}, env or {}) with the state JSON on stdin,
 * its stdout and stderr on our stderr (stdout must stay clean for commands
 * whose output engines parse), no inherited fds beyond 0-2, default signal
 * dispositions and an empty signal mask. `kind` ("prestart", ...) names the
 * list in messages; hooks are numbered from 0 as in the config array:
 *   "<kind> hook #<i> (<path>) failed: exit status N" /
 *   "killed by signal N (bad system call)" (strsignal's text, lower case)
 *   "<kind> hook #<i> (<path>) timed out after N s" (the hook is SIGKILLed
 *   and reaped). hooks may be NULL. No SIGCHLD handler is needed: the
 * wait polls a pidfd (or waitpid(WNOHANG) on kernels without pidfd_open).
 * cwd (may be NULL: the caller's): the hooks' working directory, the bundle
 * for the host-side hooks, as runc runs them (best effort: a missing
 * directory leaves the caller's). */
int hooks_run(const struct spec_hooklist *hooks, const char *cwd, const char *kind,
              const char *state_json, aisbx_error **err);

/* As hooks_run (in the caller's directory: the init's is the rootfs), but
 * hooks->v[i] is the binary already open as exec_fds[i]
 * (O_PATH, from hooks_open_all), run with execveat(AT_EMPTY_PATH): what a
 * later mount puts at the path can no longer substitute it. exec_fds NULL:
 * as hooks_run. */
int hooks_run_fds(const struct spec_hooklist *hooks, const int *exec_fds, const char *kind,
                  const char *state_json, aisbx_error **err);

/* For the hooks the spec says MUST all run (poststart, poststop): runs every
 * hook even after a failure, logs each failure as a warning and returns
 * how many failed. */
int hooks_run_all(const struct spec_hooklist *hooks, const char *cwd, const char *kind,
                  const char *state_json);

/* Opens each hook's path O_PATH|O_CLOEXEC now, in the caller's view of the
 * filesystem; *fds gets one entry per hook: the fd, or -errno if the open
 * failed (reported when the hook is run). Free with hooks_close_all. */
int hooks_open_all(const struct spec_hooklist *hooks, int **fds);
void hooks_close_all(const struct spec_hooklist *hooks, int *fds);

#endif
