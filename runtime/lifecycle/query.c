/* The read-only commands: state, list, ps. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/pidns_procs.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/state_store.h"
#include "runtime/lifecycle/verdict.h"
#include "runtime/log.h"
#include "runtime/overlay/overlay.h"

int container_state(const struct aisbx_context *ctx, const char *id, struct spec_state **out,
                    aisbx_error **err)
{
    struct container_handle h;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    /* A stopped container's verdict is brought up to date (its cgroup
     * stays until delete); one stored earlier is shown as it is. */
    char *v = h.status == CS_STOPPED ? verdict_update(&h) : verdict_load(&h);
    if (v)
        spec_kvlist_set(&h.state->annotations, ANNOTATION_VERDICT, v);
    free(v);
    *out = h.state;
    h.state = NULL;
    handle_close(&h);
    return 0;
}

int container_list(const struct aisbx_context *ctx, struct spec_state ***out, size_t *n,
                   aisbx_error **err)
{
    char **ids = NULL;
    size_t nids = 0, k = 0;
    if (state_list_ids(ctx->root, &ids, &nids, err) < 0)
        return -1;
    *out = xmalloc0((nids + 1) * sizeof(**out));
    for (size_t i = 0; i < nids; i++) {
        aisbx_error *e = NULL;
        /* A container deleted or half-made meanwhile is skipped, not an
         * error; a broken one is named (runc warns too). */
        if (container_state(ctx, ids[i], &(*out)[k], &e) == 0)
            k++;
        else if (e && e->errnum != ENOENT)
            log_warning("list: %s", e->msg);
        aisbx_error_free(&e);
    }
    state_ids_free(ids, nids);
    *n = k;
    return 0;
}

void container_state_list_free(struct spec_state **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spec_state_free(v[i]);
    free(v);
}

int container_ps(const struct aisbx_context *ctx, const char *id, pid_t **pids, size_t *n,
                 aisbx_error **err)
{
    struct container_handle h;
    int r = 0;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    *pids = NULL;
    *n = 0;
    if (cs_has_processes(h.status) && !*h.state->cgroup_path) /* rootless, no cgroup */
        r = pidns_procs_list(h.state->pid, pids, n, err);
    else if (cs_has_processes(h.status))
        r = cgroup_pids(h.state->cgroup_path, pids, n, err);
    handle_close(&h);
    return r;
}

int container_ps_view(const struct aisbx_context *ctx, const char *id, aisbx_error **err)
{
    struct container_handle h;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    int r = 0;
    if (cs_has_processes(h.status) && spec_kvlist_get(&h.state->annotations, USERNS_ANNOTATION)) {
        /* the pidfd pins the init we check: a recycled pid is not joined;
         * without pidfd_open (valgrind, kernels before 5.3) the namespace's
         * own fd, opened first and the init checked after */
        int pidfd = proc_pidfd_checked(h.state->pid, h.state->pid_start_time);
        if (pidfd < 0 && errno == ENOSYS) {
            char path[64];
            snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)h.state->pid);
            if ((pidfd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
                !proc_is_alive(h.state->pid, h.state->pid_start_time)) {
                close(pidfd);
                pidfd = -1;
                errno = ESRCH;
            }
        }
        if (pidfd < 0 && errno == ESRCH)
            r = aisbx_error_make(err, ESRCH, "the container init %d is gone", (int)h.state->pid);
        else if (pidfd < 0)
            r = aisbx_error_make(err, errno, "open the container init %d", (int)h.state->pid);
        else if (setns(pidfd, CLONE_NEWUSER) < 0)
            r = aisbx_error_make(err, errno, "join the container's user namespace");
        else if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
            r = aisbx_error_make(err, errno, "become the container's root");
        if (pidfd >= 0)
            close(pidfd);
    }
    handle_close(&h);
    return r;
}
