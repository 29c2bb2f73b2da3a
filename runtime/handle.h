/* An existing container as the commands after create see it: its locked
 * state directory, its persisted state and its live status. */
#ifndef AISBX_RUNTIME_HANDLE_H
#define AISBX_RUNTIME_HANDLE_H

#include "runtime/container.h"

#define EXEC_FIFO "exec.fifo"
#define STORED_CONFIG "config.json"
#define OVERLAY_LOG "overlay.log"

struct container_handle {
    int dirfd;
    int lockfd;
    struct spec_state *state; /* status filled in from the live process */
};

/* Validates the id, opens and locks <root>/<id>, loads the state. */
int handle_open(const struct aisbx_context *ctx, const char *id, struct container_handle *h,
                aisbx_error **err);
void handle_close(struct container_handle *h);
/* created | running | paused | stopped, from the process and the cgroup. */
const char *handle_status(const struct container_handle *h);
/* The hardened config stored at create. */
int handle_load_config(const struct container_handle *h, struct spec_config **cfg,
                       aisbx_error **err);

#endif
