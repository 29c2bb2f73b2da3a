/* The container's init process: cloned by `create`, it runs the step table
 * in init.c (namespaces, rootfs, hooks, pivot, process attributes,
 * hardening), tells the parent it is ready, then waits on exec.fifo for
 * `start` in the sealed stub, which runs the startContainer hooks and
 * execs the user's program. */
#ifndef AISBX_RUNTIME_INIT_H
#define AISBX_RUNTIME_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/launch/launch_plan.h"
#include "specs/config.h"

struct init_args {
    const struct spec_config *cfg;  /* hardened */
    const struct launch_plan *plan; /* process, filters, console socket, preserve_fds */
    const char *id;
    const char *rootfs; /* absolute */
    const char *bundle; /* absolute */
    int sync_fd;
    int fifo_fd;      /* O_PATH fd of <state>/exec.fifo */
    int state_dirfd;  /* O_PATH fd of <state>; closed before hardening */
    int new_flags;    /* CLONE_NEW* the clone created */
    int joined_flags; /* CLONE_NEW* of namespace paths create joined for the clone */
    bool no_pivot, no_new_keyring;
    bool hooks_roundtrip; /* the parent runs prestart/createRuntime hooks */
    /* An unprivileged parent writes our id maps: stay dumpable (our /proc
     * files the user's) until SYNC_GO, then non-dumpable as always. */
    bool dumpable_until_go;
    /* The namespaces and bind sources the overlay judged (bundle.h):
     * joined and mounted from these fds, never by path again. */
    const int *ns_fds;
    const int *mount_fds;
    size_t n_mount_fds;
    /* The container's own user namespace (userns_make.h), joined last, just
     * before the hardening; -1: none. root_tree_fd: the idmapped clone of
     * the root, attached in place of the root's bind onto itself; -1: none. */
    int userns_fd, root_tree_fd;
    /* An engine's overlay root: its idmapped layers, top first (n 0: none). */
    const int *layer_fds;
    size_t n_layer_fds;
    /* v1 cgroupfs: the `tasks` files we write "0" into first, then say
     * SYNC_JOINED (cgroup.h, cgroup_self_join); n 0: the parent moves us. */
    const int *cgroup_tasks_fds;
    size_t n_cgroup_tasks_fds;
};

__attribute__((noreturn)) void init_main(const struct init_args *a);

/* One step of the init: `name` is its fault point ("init:<name>") and debug
 * line, `stage` groups steps for the fault suite. */
struct init_ctx;
struct init_step {
    const char *name;
    const char *stage;
    int (*run)(struct init_ctx *c, aisbx_error **err);
};
/* The table init_main runs, in order (for the fault build's listing). */
const struct init_step *init_step_table(size_t *n);
/* Tests: runs the steps of one stage (e.g. "rootfs") as init_main would,
 * calling before(step name) ahead of each so a test can act at a named
 * point. The args need no sync socket when hooks_roundtrip is false. */
int init_run_stage(const struct init_args *a, const char *stage,
                   int (*before)(const char *step, void *arg), void *arg, aisbx_error **err);

#endif
