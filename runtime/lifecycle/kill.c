/* `kill`: signal the init (by pidfd, so a reused pid is never hit) or,
 * with --all, every process in the container's cgroup (rootless without a
 * cgroup: in its pid namespace; SIGKILL of its init ends all of them). */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/pidns_procs.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/lifecycle/handle.h"

static int signal_init(const struct spec_state *s, int sig, aisbx_error **err)
{
    int pidfd = proc_pidfd_checked(s->pid, s->pid_start_time);
    if (pidfd < 0)
        return errno == ESRCH ? aisbx_error_make(err, 0, "container not running")
                              : aisbx_error_make(err, errno, "pidfd_open %d", s->pid);
    int r = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
    int e = errno;
    close(pidfd);
    if (r < 0)
        return e == ESRCH ? aisbx_error_make(err, 0, "container not running")
                          : aisbx_error_make(err, e, "send signal %d", sig);
    return 0;
}

int container_kill(const struct aisbx_context *ctx, const char *id, int sig, bool all,
                   aisbx_error **err)
{
    struct container_handle h;
    int r;
    if (handle_open(ctx, id, &h, err) < 0)
        return -1;
    if (!cs_has_processes(h.status) && !all)
        r = aisbx_error_make(err, 0, "container not running");
    else if (all && !*h.state->cgroup_path)
        r = proc_is_alive(h.state->pid, h.state->pid_start_time)
                ? pidns_procs_kill(h.state->pid, sig, err)
                : 0;
    else if (all)
        r = cgroup_kill_all(h.state->cgroup_path, sig, err);
    else
        r = signal_init(h.state, sig, err);
    handle_close(&h);
    return r;
}
