/* What the verbs share inside lifecycle/ (not cmd/'s business): create and
 * start as steps of `run`, which needs the init's pid (it is our child
 * there) to wait for it, and the cleanup-error rule. */
#ifndef AISBX_RUNTIME_LIFECYCLE_H
#define AISBX_RUNTIME_LIFECYCLE_H

#include "runtime/container.h"
#include "runtime/lifecycle/handle.h"

int create_container_internal(const struct aisbx_context *ctx, const char *id,
                              const struct create_options *o, pid_t *pid, aisbx_error **err);

/* start, on a handle the caller already opened and locked (run). */
int start_container_handle(struct container_handle *h, aisbx_error **err);

/* A cleanup after a failure failed too: logs it, and appends
 * "; cleanup also failed: <cleanup msg>" to *err (whose errnum stays the
 * first failure's), so the caller learns that something may be left behind.
 * Frees *cleanup. */
void create_add_cleanup_error(aisbx_error **err, aisbx_error **cleanup);

#endif
