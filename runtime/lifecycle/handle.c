#include "runtime/lifecycle/handle.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/lifecycle/container_id.h"
#include "runtime/lifecycle/state_store.h"

enum container_status handle_status(const struct container_handle *h)
{
    const struct spec_state *s = h->state;
    bool frozen = false;
    aisbx_error *err = NULL;
    if (s->pid <= 0 || !proc_is_alive(s->pid, s->pid_start_time))
        return CS_STOPPED;
    /* A created container may be paused too (runc allows it); resumed, it
     * is created again, its init still waiting on the fifo. */
    bool created = faccessat(h->dirfd, EXEC_FIFO, F_OK, 0) == 0;
    if (s->cgroup_path && *s->cgroup_path && cgroup_is_frozen(s->cgroup_path, &frozen, &err) < 0)
        aisbx_error_free(&err);
    return frozen ? CS_PAUSED : created ? CS_CREATED : CS_RUNNING;
}

int handle_open(const struct aisbx_context *ctx, const char *id, struct container_handle *h,
                aisbx_error **err)
{
    memset(h, 0, sizeof(*h));
    h->dirfd = h->lockfd = -1;
    if (container_id_validate(id, err) < 0 || state_dir_open(ctx->root, id, &h->dirfd, err) < 0)
        return -1;
    if (state_lock(h->dirfd, &h->lockfd, err) < 0 || state_load(h->dirfd, id, &h->state, err) < 0) {
        handle_close(h);
        return -1;
    }
    handle_set_status(h, handle_status(h));
    if (h->status == CS_STOPPED)
        h->state->pid = 0;
    return 0;
}

void handle_set_status(struct container_handle *h, enum container_status s)
{
    h->status = s;
    free(h->state->status);
    h->state->status = xstrdup(container_status_name(s));
}

void handle_close(struct container_handle *h)
{
    if (h->lockfd >= 0)
        close(h->lockfd);
    if (h->dirfd >= 0)
        close(h->dirfd);
    spec_state_free(h->state);
    memset(h, 0, sizeof(*h));
    h->dirfd = h->lockfd = -1;
}

int handle_load_config(const struct container_handle *h, struct spec_config **cfg,
                       aisbx_error **err)
{
    char *buf = NULL;
    size_t len = 0;
    int r = state_read_file(h->dirfd, STORED_CONFIG, &buf, &len, SPEC_MAX_CONFIG_BYTES, err);
    if (r == 0)
        r = spec_config_parse(buf, len, cfg, err);
    free(buf);
    return r;
}
