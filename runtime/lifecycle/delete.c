/* `delete`: kill what is left (with --force), run poststop hooks, remove
 * the cgroup and the state dir. Tolerates a half-made container: a create
 * killed mid-way leaves a state.json that names its cgroup. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "runtime/kernel/hooks.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/lifecycle/container_id.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/rootless.h"
#include "runtime/lifecycle/state_store.h"
#include "runtime/lifecycle/userns_setup.h"
#include "runtime/lifecycle/verdict.h"
#include "runtime/log.h"

static void wait_gone(const struct spec_state *s)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    for (int i = 0; i < 2500 && proc_is_alive(s->pid, s->pid_start_time); i++)
        nanosleep(&ts, NULL);
}

/* Every process left in the cgroup. Skipped when it is empty: the freeze
 * that makes a SIGKILL race-free costs ~3 ms of kernel code patching. */
static void kill_cgroup(const char *path)
{
    aisbx_error *e = NULL;
    bool frozen = false;
    pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(path, &pids, &n, &e) == 0 && n == 0) {
        free(pids);
        return;
    }
    free(pids);
    aisbx_error_free(&e);
    cgroup_is_frozen(path, &frozen, &e);
    aisbx_error_free(&e);
    if (cgroup_kill_all(path, SIGKILL, &e) < 0)
        log_debug("delete: %s", e->msg);
    aisbx_error_free(&e);
    /* A frozen task only dies once thawed. */
    if (frozen && cgroup_freeze(path, false, &e) < 0)
        log_debug("delete: %s", e->msg);
    aisbx_error_free(&e);
}

/* state.json is unreadable: the stored config still names the cgroup, so
 * whatever runs there is killed and the cgroup removed before the state
 * dir goes (a corrupt file must not leak a running container). */
static int delete_broken(const struct aisbx_context *ctx, const char *id, int dirfd,
                         aisbx_error **err)
{
    struct container_handle h = {.dirfd = dirfd, .lockfd = -1};
    struct spec_config *cfg = NULL;
    aisbx_error *e = NULL;
    int r = 0;
    if (handle_load_config(&h, &cfg, &e) == 0) {
        /* runc's systemd form "slice:prefix:name" is told apart by its colons
         * (an empty path is taken as cgroupfs: the state that said which is
         * the file that is broken). */
        const char *cp = cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
        bool systemd = cp && strchr(cp, ':');
        char *path =
            systemd ? cgroup_resolve_systemd_path(cp, id, rootless_systemd_uid(ctx->rootless), NULL)
                    : cgroup_resolve_path(cp, id);
        if (path) {
            kill_cgroup(path);
            for (int i = 0; i < 500 && cgroup_destroy(path, systemd, &e) < 0; i++) {
                aisbx_error_free(&e);
                usleep(2000);
            }
            if (e)
                log_warning("delete: %s", e->msg);
        }
        free(path);
    } else {
        log_warning("delete: %s; its cgroup cannot be found", e->msg);
    }
    aisbx_error_free(&e);
    spec_config_free(cfg);
    r = state_dir_remove(ctx->root, id, err);
    return r;
}

static void kill_everything(struct container_handle *h)
{
    struct spec_state *s = h->state;
    if (s->cgroup_path && *s->cgroup_path)
        kill_cgroup(s->cgroup_path);
    if (s->pid > 0 && proc_is_alive(s->pid, s->pid_start_time)) {
        kill(s->pid, SIGKILL);
        wait_gone(s);
    }
}

static void run_poststop(struct container_handle *h)
{
    struct spec_config *cfg = NULL;
    aisbx_error *e = NULL;
    char *json = NULL;
    size_t len;
    handle_set_status(h, CS_STOPPED);
    if (handle_load_config(h, &cfg, &e) == 0 && cfg->hooks && cfg->hooks->poststop.n &&
        spec_state_generate(h->state, false, false, &json, &len, &e) == 0)
        hooks_run_all(&cfg->hooks->poststop, h->state->bundle, "poststop", json);
    /* The spec: a failing poststop hook is logged, the ones after it still
     * run and delete goes on. */
    if (e)
        log_warning("%s", e->msg);
    aisbx_error_free(&e);
    free(json);
    spec_config_free(cfg);
}

/* What the floor stopped, from the counters of the cgroup about to go. */
static void log_verdict(const struct container_handle *h)
{
    if (log_fd() < 0) /* nowhere to write it: skip the reads */
        return;
    char *v = verdict_compute(h); /* not stored: the state dir goes next */
    if (v)
        log_info("verdict: container %s: %s", h->state->id, v);
    free(v);
}

int container_delete(const struct aisbx_context *ctx, const char *id, bool force, aisbx_error **err)
{
    struct container_handle h;
    aisbx_error *e = NULL;
    if (container_id_validate(id, err) < 0)
        return -1;
    if (handle_open(ctx, id, &h, &e) < 0) {
        int dirfd = -1;
        /* Unknown id: runc's --force is silent; a broken state dir is
         * removed with --force (nothing in it can be trusted). */
        if (state_dir_open(ctx->root, id, &dirfd, err) < 0) {
            aisbx_error_free(&e);
            if (force) {
                aisbx_error_free(err);
                return 0;
            }
            return -1;
        }
        if (!force) {
            close(dirfd);
            *err = e;
            return -1;
        }
        log_warning("delete: %s; cleaning up by the stored config", e->msg);
        aisbx_error_free(&e);
        int r = delete_broken(ctx, id, dirfd, err);
        close(dirfd);
        return r;
    }
    enum container_status st = h.status;
    if (!force && !cs_can_delete_without_force(st)) {
        aisbx_error_make(err, 0, "cannot delete container %s that is not stopped: %s", id,
                         container_status_name(st));
        handle_close(&h);
        return -1;
    }
    kill_everything(&h);
    FAULT_POINT("delete:killed");
    if (cs_runs_poststop(st))
        run_poststop(&h);
    FAULT_POINT("delete:hooks");
    log_verdict(&h);
    int r = 0;
    if (h.state->cgroup_path && *h.state->cgroup_path &&
        cgroup_destroy(h.state->cgroup_path, h.state->systemd_cgroup, err) < 0)
        r = -1;
    FAULT_POINT("delete:cgroup");
    aisbx_error *ue = NULL;
    /* the processes are gone: the range may go to the next container (a
     * failure here only delays that to the next claim's collection) */
    if (r == 0 && userns_setup_release(ctx->root, h.state, &ue) < 0)
        log_warning("delete: user namespace slot: %s", ue->msg);
    aisbx_error_free(&ue);
    if (r == 0)
        r = state_dir_remove(ctx->root, id, err);
    handle_close(&h);
    return r;
}
