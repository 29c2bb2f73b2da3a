/* An existing container as the commands after create see it: its locked
 * state directory, its persisted state and its live status. */
#ifndef AISBX_RUNTIME_HANDLE_H
#define AISBX_RUNTIME_HANDLE_H

#include "runtime/container.h"
#include "specs/status.h"

#define EXEC_FIFO "exec.fifo"
#define STORED_CONFIG "config.json"
#define OVERLAY_LOG "overlay.log"
/* State annotation: what holds the pids cap, "cgroup" or, rootless without
 * a cgroup, "rlimit-nproc:<pids_max>" (exec sets the same rlimit). */
#define ANNOTATION_PIDS_CAP "run.aisbx.pids-cap"

struct container_handle {
    int dirfd;
    int lockfd;
    struct spec_state *state;     /* state->status is status's name, for output */
    enum container_status status; /* from the live process, at handle_open */
};

/* Validates the id, opens and locks <root>/<id>, loads the state. */
int handle_open(const struct aisbx_context *ctx, const char *id, struct container_handle *h,
                aisbx_error **err);
void handle_close(struct container_handle *h);
/* created | running | paused | stopped, from the process and the cgroup. */
enum container_status handle_status(const struct container_handle *h);
/* Sets h->status and the state's status string together (the state JSON
 * hooks get must name the status they run in). */
void handle_set_status(struct container_handle *h, enum container_status s);
/* The hardened config stored at create. */
int handle_load_config(const struct container_handle *h, struct spec_config **cfg,
                       aisbx_error **err);

#endif
