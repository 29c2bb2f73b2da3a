/* The container's init process: cloned by `create`, it sets the container
 * up as a flat list of small steps (init.c), hardens itself, tells the
 * parent it is ready, then waits on exec.fifo for `start` in the sealed
 * stub, which runs the startContainer hooks and execs the user's program. */
#ifndef AISBX_RUNTIME_INIT_H
#define AISBX_RUNTIME_INIT_H

#include <stdbool.h>

#include "runtime/seccomp.h"
#include "specs/config.h"

struct init_args {
    const struct spec_config *cfg; /* hardened */
    const char *id;
    const char *rootfs; /* absolute */
    const char *bundle; /* absolute */
    int sync_fd;
    int console_fd;   /* connected --console-socket, -1 if none */
    int fifo_fd;      /* O_PATH fd of <state>/exec.fifo */
    int state_dirfd;  /* O_PATH fd of <state>; closed before hardening */
    int new_flags;    /* CLONE_NEW* the clone created */
    int joined_flags; /* CLONE_NEW* of namespace paths create joined for the clone */
    bool no_pivot, no_new_keyring;
    bool hooks_roundtrip; /* the parent runs prestart/createRuntime hooks */
    int preserve_fds;
    const struct seccomp_program *floor, *filter;
    unsigned int filter_flags;
    /* The namespaces and bind sources the overlay judged (bundle.h):
     * joined and mounted from these fds, never by path again. */
    const int *ns_fds;
    const int *mount_fds;
    size_t n_mount_fds;
};

__attribute__((noreturn)) void init_main(const struct init_args *a);

#endif
