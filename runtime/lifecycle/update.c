/* `update`: new resource limits, through the overlay first so that an
 * update can never lift the floor (pids, memory). */

#include "runtime/cgroup/cgroup.h"
#include "runtime/lifecycle/bundle.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/log.h"

int container_update(const struct aisbx_context *ctx, const char *id,
                     const struct spec_resources *r, aisbx_error **err)
{
    struct container_handle h;
    struct aisbx_policy pol;
    struct spec_resources *hard = NULL;
    struct overlay_changes ch = {0};
    int ret = -1;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    if (!cs_has_processes(h.status)) {
        aisbx_error_make(err, 0, "container %s is not running", id);
        goto out;
    }
    if (!*h.state->cgroup_path) {
        aisbx_error_make(err, 0,
                         "container %s has no cgroup (rootless without a writable cgroup): "
                         "cannot update its resources",
                         id);
        goto out;
    }
    if (policy_load(ctx->policy_path, &pol, err) < 0 ||
        overlay_apply_resources(r, &pol, &hard, &ch, err) < 0)
        goto out;
    overlay_changes_log(&ch);
    ret = cgroup_update(h.state->cgroup_path, h.state->systemd_cgroup, hard, err);
out:
    overlay_changes_free(&ch);
    spec_resources_free(hard);
    handle_close(&h);
    return ret;
}
