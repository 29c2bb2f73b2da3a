#include "runtime/launch/process_final.h"

#include <errno.h>
#include <limits.h>
#include <linux/close_range.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/fault.h"
#include "runtime/fd_util.h"
#include "runtime/kernel/capabilities.h"
#include "runtime/kernel/credentials.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/kernel/rlimits.h"
#include "runtime/kernel/signals.h"
#include "runtime/launch/launch_plan.h"
#include "runtime/launch/sealed_exec.h"
#include "runtime/launch/verify.h"
#include "runtime/log.h"

int process_apply_privileged_attrs(const struct spec_process *p, aisbx_error **err)
{
    if (rlimits_apply(p->rlimits, p->n_rlimits, err) < 0)
        return -1;
    if (p->io_priority && process_apply_io_priority(p->io_priority, err) < 0)
        return -1;
    if (p->scheduler && process_apply_scheduler(p->scheduler, err) < 0)
        return -1;
    if ((p->apparmor_profile || p->selinux_label) &&
        process_set_exec_labels(p->apparmor_profile, p->selinux_label, err) < 0)
        return -1;
    return 0;
}

int process_chdir(const char *cwd, aisbx_error **err)
{
    char buf[PATH_MAX];
    if (!cwd || cwd[0] != '/')
        return aisbx_error_make(err, 0, "cwd \"%s\" must be an absolute path", cwd ? cwd : "");
    if (chdir(cwd) < 0)
        return aisbx_error_make(err, errno, "chdir to cwd (\"%s\") set in config.json", cwd);
    /* glibc turns the kernel's "(unreachable)" into ENOENT. */
    if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
        return aisbx_error_make(err, 0, "cwd \"%s\" resolves outside the container's root", cwd);
    return 0;
}

int process_connect_listener(const struct spec_seccomp *s, int *sock, aisbx_error **err)
{
    *sock = -1;
    if (!s || !seccomp_uses_notify(s))
        return 0;
    if (!s->listener_path || !*s->listener_path)
        return aisbx_error_make(err, 0, "seccomp: SCMP_ACT_NOTIFY needs a listenerPath");
    /* runc's text first: scripts look for it. */
    if (fd_connect_unix(s->listener_path, sock, "seccomp listenerPath", err) < 0)
        return aisbx_error_wrap(err, "failed to connect with seccomp agent specified in the "
                                     "seccomp profile");
    return 0;
}

int process_harden(const struct final_args *a, int *stub_fd, aisbx_error **err)
{
    const struct launch_plan *plan = a->plan;
    const struct spec_process *p = plan->process;
    struct verify_expect expect;
    int listener = -1;

    /* Made while we may still create files; sealed before any filter. */
    int stub = sealed_stub_open(err);
    if (stub == -1)
        return -1;
    *stub_fd = stub;
    /* Rootless without a cgroup, RLIMIT_NPROC holds the pids cap: set after
     * the config's rlimits, so none of them can raise it again. */
    if (plan->nproc_max && rlimit_cap(RLIMIT_NPROC, plan->nproc_max, err) < 0)
        return aisbx_error_wrap(err, "pids cap");
    if (caps_drop_bounding(p->capabilities, err) < 0 || credentials_apply(&p->user, err) < 0 ||
        caps_apply(p->capabilities, err) < 0)
        return -1;
    /* The floor demands it whatever the config said; the overlay already
     * set the field, this makes it unconditional. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "set no_new_privs");
    /* Every fd past stdio and --preserve-fds is closed by execve itself:
     * marking them close-on-exec keeps the error channel usable until then
     * and leaves no window where the program sees a runtime fd. */
    if (syscall(SYS_close_range, 3u + (unsigned)plan->preserve_fds, ~0u, CLOSE_RANGE_CLOEXEC) < 0 &&
        fds_close_from(plan->preserve_fds, err) < 0)
        return -1;
    /* The config's filter first: if it has a listener, it must not sit
     * below another filter with one (there is none: the floor has none). */
    if (plan->filter.len &&
        seccomp_program_load(&plan->filter, plan->filter_flags, &listener, err) < 0)
        return aisbx_error_wrap(err, "load the config's seccomp filter");
    if (listener >= 0 && a->listener_sock >= 0) {
        /* The agent gets the notification fd; we keep no copy. */
        if (fd_send_fd(a->listener_sock, listener, a->listener_state_json) < 0)
            return aisbx_error_make(err, errno, "send the seccomp listener fd to listenerPath");
        close(listener);
        close(a->listener_sock);
    }
    signals_reset_all();
    FAULT_POINT("process:before-seccomp");
    if (seccomp_program_load(&plan->floor, 0, NULL, err) < 0)
        return aisbx_error_wrap(err, "load the floor seccomp filter");
    FAULT_POINT("process:after-seccomp");
    if (verify_expect_from_process(p, &expect, err) < 0)
        return -1;
    expect.nproc_max = plan->nproc_max;
    return verify_floor(&expect, err);
}

int process_harden_and_exec(const struct final_args *a, aisbx_error **err)
{
    const struct spec_process *p = a->plan->process;
    int stub = -2;
    if (process_harden(a, &stub, err) < 0)
        return -1;
    if (stub >= 0)
        return sealed_execve(stub, a->exe, p->args.v, p->env.v, err);
    execve(a->exe, p->args.v, p->env.v);
    return aisbx_error_make(err, errno, "exec %s", a->exe);
}
