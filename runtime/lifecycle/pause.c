/* `pause` / `resume`: the freezer, v1 or v2. */

#include "runtime/cgroup/cgroup.h"
#include "runtime/lifecycle/handle.h"

int container_pause(const struct aisbx_context *ctx, const char *id, bool pause, aisbx_error **err)
{
    struct container_handle h;
    int r;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    /* runc's words first ("container not running" / "container not
     * paused"): scripts match them; then what it is. */
    if (pause ? !cs_can_pause(h.status) : !cs_can_resume(h.status))
        r = aisbx_error_make(err, 0, "container not %s: %s is %s",
                             container_status_name(pause ? CS_RUNNING : CS_PAUSED), id,
                             container_status_name(h.status));
    else if (!*h.state->cgroup_path)
        r = aisbx_error_make(err, 0,
                             "container %s has no cgroup (rootless without a writable cgroup): "
                             "cannot %s it",
                             id, pause ? "pause" : "resume");
    else
        r = cgroup_freeze(h.state->cgroup_path, pause, err);
    handle_close(&h);
    return r;
}
