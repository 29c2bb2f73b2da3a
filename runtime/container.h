/* The lifecycle library's public face: what cmd/ calls. Each function is
 * one runc subcommand; none prints anything except through log.h, and none
 * exits: errors come back as aisbx_error. */
#ifndef AISBX_RUNTIME_CONTAINER_H
#define AISBX_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "specs/config.h"
#include "specs/error.h"
#include "specs/features.h"
#include "specs/state.h"

#define AISBX_DEFAULT_ROOT "/run/aisbx"

/* Global options, shared by every command. */
struct aisbx_context {
    const char *root;        /* state root, default AISBX_DEFAULT_ROOT */
    const char *policy_path; /* NULL: $AISBX_POLICY, then /etc/aisbx/policy.json */
    bool systemd_cgroup;
    bool rootless; /* rootless mode (rootless_setup) */
};

/* The global --rootless VALUE (NULL: auto) and --root DIR (NULL: the
 * default) into ctx: rootless when the euid is not 0 or we run in a child
 * user namespace (auto), and then a state root of $XDG_RUNTIME_DIR/aisbx
 * as runc uses $XDG_RUNTIME_DIR/runc; --root always wins. */
int rootless_setup(struct aisbx_context *ctx, const char *value, const char *root,
                   aisbx_error **err);

struct create_options {
    const char *bundle; /* default "." */
    const char *pid_file;
    const char *console_socket;
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    /* Set by container_run only (foreground, no console socket): the end
     * of aisbx's own console relay the init sends the pty master to. */
    bool console_relay;
    int console_relay_fd;
    bool keep; /* run --keep: not deleted after the process exits */
};

/* A container id is well formed: [A-Za-z0-9][A-Za-z0-9_+.-]*, at most 1024
 * bytes (runc's pattern). Every verb checks it; exported so that the command
 * line can call a malformed id bad input before it calls the verb. */
int container_id_validate(const char *id, aisbx_error **err);

int container_create(const struct aisbx_context *ctx, const char *id,
                     const struct create_options *o, aisbx_error **err);
int container_start(const struct aisbx_context *ctx, const char *id, aisbx_error **err);
/* create + start; unless detach, waits and returns the exit status in
 * *status (128+n when killed by signal n) and deletes the container. */
int container_run(const struct aisbx_context *ctx, const char *id, const struct create_options *o,
                  bool detach, int *status, aisbx_error **err);
/* The state with its status derived from the live process. */
int container_state(const struct aisbx_context *ctx, const char *id, struct spec_state **out,
                    aisbx_error **err);
int container_kill(const struct aisbx_context *ctx, const char *id, int sig, bool all,
                   aisbx_error **err);
int container_delete(const struct aisbx_context *ctx, const char *id, bool force,
                     aisbx_error **err);
int container_list(const struct aisbx_context *ctx, struct spec_state ***out, size_t *n,
                   aisbx_error **err);
void container_state_list_free(struct spec_state **v, size_t n);
int container_ps(const struct aisbx_context *ctx, const char *id, pid_t **pids, size_t *n,
                 aisbx_error **err);
/* For `ps` in table form, in the process about to run ps(1): when the
 * runtime gave the container its user namespace (issue 14), joins it
 * through a pidfd of the checked init and becomes its root, so that ps(1)
 * shows ids as the container has them (container root is "root", as
 * without the namespace) and its default selection (the caller's euid,
 * BSD `x`) is container root's processes. This process keeps no host
 * privilege afterwards. Nothing to do without that namespace. */
int container_ps_view(const struct aisbx_context *ctx, const char *id, aisbx_error **err);
int container_pause(const struct aisbx_context *ctx, const char *id, bool pause, aisbx_error **err);
/* Zero or absent fields mean "leave unchanged". */
int container_update(const struct aisbx_context *ctx, const char *id,
                     const struct spec_resources *r, aisbx_error **err);

/* `events`: runc's event stream, one JSON object per emit() call (no
 * newline): with stats_only one "stats" event; else "stats" at once, then
 * "overlay" once, then "stats" every interval_ns, "oom" / "oom-kill" / "pids-limit" as the
 * kernel reports them, until the container's init exits. A non-zero
 * return of emit ends the stream with that error. */
struct events_options {
    bool stats_only;
    long long interval_ns; /* > 0 */
};
typedef int (*events_emit_fn)(const char *line, void *arg, aisbx_error **err);
int container_events(const struct aisbx_context *ctx, const char *id,
                     const struct events_options *o, events_emit_fn emit, void *arg,
                     aisbx_error **err);

struct exec_options {
    const char *process_file; /* --process: a process.json; else the fields below */
    struct spec_strlist args; /* command and arguments */
    struct spec_strlist env;  /* --env K=V, added to the container's env */
    const char *cwd;
    const char *user;                    /* "uid[:gid]" */
    const char *apparmor;                /* --apparmor: replaces the container's profile */
    const char *process_label;           /* --process-label: replaces its SELinux label */
    struct spec_strlist caps;            /* --cap, added (the overlay still filters) */
    struct spec_strlist additional_gids; /* --additional-gids, added to process.user */
    struct spec_strlist cgroups;         /* --cgroup: one sub-cgroup of the container's */
    bool tty;
    bool detach;
    bool ignore_paused; /* else exec into a paused container is refused */
    bool no_new_privs;  /* always true under the overlay; kept for runc's flag */
    const char *pid_file;
    const char *console_socket;
    int preserve_fds;
};
int container_exec(const struct aisbx_context *ctx, const char *id, const struct exec_options *o,
                   int *status, aisbx_error **err);

/* `aisbx check`: the hardened config (JSON) and the overlay's change list,
 * one "rule: field: old -> new" line each, without running anything. */
int container_check(const struct aisbx_context *ctx, const char *bundle, char **config_json,
                    char **changes_text, aisbx_error **err);

/* Re-exported for cmd/, which includes only this header (and the base
 * ones): a signal name or number ("KILL", "SIGTERM", "9") -> number
 * (runtime/kernel/signals.h), and what this build supports for `aisbx
 * features` (runtime/lifecycle/features.h). */
int signal_parse(const char *s, int *sig, aisbx_error **err);
void runtime_features(struct spec_features *f);

/* Fault builds (fault.h): one line per step fault point,
 * "fault-point: <table>:<step> <stage>", in the order the steps run. */
void container_fault_points_print(FILE *out);

/* `aisbx spec`: runc's default config (rootless variant on request). */
struct spec_config *default_spec(bool rootless);

#endif
