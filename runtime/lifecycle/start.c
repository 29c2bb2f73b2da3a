/* `start`: release the init blocked on exec.fifo, then poststart hooks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/kernel/hooks.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/launch/sync.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/lifecycle.h"
#include "runtime/log.h"

/* The init holds the write side open only while it waits; poll so that a
 * dead init cannot block us forever. */
static int release_init(struct container_handle *h, aisbx_error **err)
{
    int fd = openat(h->dirfd, EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", EXEC_FIFO);
    /* Unlinked at once: the init (already the container's program, in the
     * sealed stub) cannot unlink it, and from here the container must not
     * look "created" even if we die before the init's "0" arrives. The
     * init's open for writing still meets our read end (same inode). */
    unlinkat(h->dirfd, EXEC_FIFO, 0);
    /* Until the init has opened its end, nothing (not even EOF) would wake
     * sync_fifo_collect: wait for it here, checking that it still lives. */
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r > 0)
            break;
        if (r < 0 && errno != EINTR) {
            close(fd);
            return aisbx_error_make(err, errno, "poll %s", EXEC_FIFO);
        }
        if (!proc_is_alive(h->state->pid, h->state->pid_start_time)) {
            close(fd);
            return aisbx_error_make(err, 0, "container init exited before start");
        }
    }
    /* "0", then EOF when the program is exec'd or the init's error text. */
    int r = sync_fifo_collect(fd, err);
    close(fd);
    return r;
}

int start_container_handle(struct container_handle *h, aisbx_error **err)
{
    struct spec_config *cfg = NULL;
    if (!cs_can_start(h->status))
        return aisbx_error_make(
            err, 0,
            h->status == CS_STOPPED  ? "cannot start a container that has stopped"
            : h->status == CS_PAUSED ? "cannot start a container in the paused state"
                                     : "cannot start an already running container");
    if (handle_load_config(h, &cfg, err) < 0)
        return -1;
    if (release_init(h, err) < 0) {
        spec_config_free(cfg);
        return -1;
    }
    if (cfg->hooks && cfg->hooks->poststart.n) {
        char *json = NULL;
        size_t len;
        aisbx_error *e = NULL;
        handle_set_status(h, CS_RUNNING);
        /* The spec: a failing poststart hook is logged, not fatal, and the
         * ones after it still run. */
        if (spec_state_generate(h->state, false, false, &json, &len, &e) == 0)
            hooks_run_all(&cfg->hooks->poststart, h->state->bundle, "poststart", json);
        if (e)
            log_warning("%s", e->msg);
        aisbx_error_free(&e);
        free(json);
    }
    spec_config_free(cfg);
    return 0;
}

int container_start(const struct aisbx_context *ctx, const char *id, aisbx_error **err)
{
    struct container_handle h;
    int r;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    r = start_container_handle(&h, err);
    handle_close(&h);
    return r;
}
