/* `exec`, both halves of the fork: the joining process (host pid namespace)
 * joins every namespace of the init and forks the exec process straight
 * into the container, which sets itself up by its step table and execs
 * hardened (process_final.h). The joining process comes into the
 * container's cgroup without a move by pid where it can (cgroup.h: born in
 * it on v2, moving itself on v1), else the parent (exec_launch_spawn) puts
 * it there; the protocol is in sync.h. The verb itself (state checks,
 * the process spec, the overlay, waiting) is lifecycle/exec.c. */
#include "runtime/launch/exec.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "runtime/kernel/clone_into.h"
#include "runtime/kernel/namespaces.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/launch/exec_path.h"
#include "runtime/launch/process_final.h"
#include "runtime/launch/sync.h"
#include "runtime/log.h"
#include "runtime/overlay/overlay.h"

/* What the exec steps share. */
struct exec_ctx {
    struct exec_launch *j;
    struct cgroup_self_join *cg_join; /* v1: the joining process moves itself */
    pid_t host_pid;
    int listener_sock;
    char *listener_json;
    char *exe;
};

struct exec_step {
    const char *name;
    int (*run)(struct exec_ctx *c, aisbx_error **err);
};

static void run_exec_steps(struct exec_ctx *c, const struct exec_step *s, size_t n)
{
    aisbx_error *err = NULL;
    for (size_t i = 0; i < n; i++) {
        FAULT_STEP("exec", s[i].name);
        log_debug("exec: %s", s[i].name);
        if (s[i].run(c, &err) < 0)
            sync_fail(c->j->sync[1], err);
    }
}

/* ---- the joining process (host pid namespace) ---------------------------- */

/* v1 cgroupfs: into the container's cgroup by our own hand ("0" to every
 * hierarchy's tasks: no threadgroup lock, so no grace period, cgroup.h),
 * first of all. The fds go before anything is forked: the exec process
 * never holds them. */
static int step_join_cgroup(struct exec_ctx *c, aisbx_error **err)
{
    struct cgroup_self_join *sj = c->cg_join;
    if (!sj || !sj->n)
        return 0;
    if (cgroup_self_join(sj, err) < 0)
        return -1;
    cgroup_self_join_close(sj);
    return sync_send(c->j->sync[1], SYNC_JOINED, 0, NULL, err);
}

/* /proc/self/stat is read: before joining the container's mount namespace. */
static int step_wipe_cmdline(struct exec_ctx *c, aisbx_error **err)
{
    proc_wipe_cmdline();
    return 0;
}

/* The parent has put us in the container's cgroup (or seen that we are). */
static int step_wait_cgroup(struct exec_ctx *c, aisbx_error **err)
{
    struct sync_msg m;
    return sync_expect(c->j->sync[1], SYNC_GO, &m, err);
}

/* listenerPath is a host path: connect while we still see the host. */
static int step_connect_listener(struct exec_ctx *c, aisbx_error **err)
{
    return launch_connect_listener(c->j->plan, &c->listener_sock, err);
}

/* Every namespace of the init at once, through its pidfd: the process the
 * parent checked, not a path. */
static int step_join(struct exec_ctx *c, aisbx_error **err)
{
    return ns_join_process(c->j->pidfd, c->j->state->pid, c->j->join_flags, err);
}

static const struct exec_step join_steps[] = {
    {"join-cgroup", step_join_cgroup},
    {"wipe-cmdline", step_wipe_cmdline},
    {"wait-cgroup", step_wait_cgroup},
    {"connect-listener", step_connect_listener},
    {"join", step_join},
};

/* ---- the exec process (born inside the container) ------------------------ */

/* SYNC_GO carries our host pid, which the pid namespace hides from us. */
static int step_wait_go(struct exec_ctx *c, aisbx_error **err)
{
    struct sync_msg m;
    if (sync_expect(c->j->sync[1], SYNC_GO, &m, err) < 0)
        return -1;
    c->host_pid = (pid_t)m.value;
    return 0;
}

static int step_listener_state(struct exec_ctx *c, aisbx_error **err)
{
    if (c->listener_sock < 0)
        return 0;
    return launch_listener_state(c->j->plan, c->j->state, c->host_pid, &c->listener_json, err);
}

static int step_chdir(struct exec_ctx *c, aisbx_error **err)
{
    return process_chdir(c->j->proc->cwd, err);
}

static int step_lookup_exe(struct exec_ctx *c, aisbx_error **err)
{
    const struct spec_process *p = c->j->proc;
    return exec_path_lookup(p->args.v ? p->args.v[0] : NULL, &p->env, &c->exe, err);
}

static int step_process_attrs(struct exec_ctx *c, aisbx_error **err)
{
    return process_apply_privileged_attrs(c->j->proc, err);
}

/* linux.personality: runc applies it to exec'd processes too. */
static int step_personality(struct exec_ctx *c, aisbx_error **err)
{
    const struct spec_linux *lx = c->j->cfg->linux_;
    return lx && lx->personality ? process_apply_personality(lx->personality, err) : 0;
}

static int step_console(struct exec_ctx *c, aisbx_error **err)
{
    return launch_console(c->j->plan, false, err);
}

/* The container's own user namespace (USERNS_ANNOTATION), joined last as
 * the init did, through the pidfd of the init the parent checked. */
static int step_join_userns(struct exec_ctx *c, aisbx_error **err)
{
    if (!spec_kvlist_get(&c->j->cfg->annotations, USERNS_ANNOTATION))
        return 0;
    if (c->j->pidfd < 0)
        return aisbx_error_make(err, ENOSYS, "join the container's user namespace: no pidfd");
    if (setns(c->j->pidfd, CLONE_NEWUSER) < 0)
        return aisbx_error_make(err, errno, "join the container's user namespace");
    return 0;
}

static const struct exec_step child_steps[] = {
    {"wait-go", step_wait_go},
    {"listener-state", step_listener_state},
    {"chdir", step_chdir},
    {"lookup-exe", step_lookup_exe},
    {"process-attrs", step_process_attrs},
    {"personality", step_personality},
    {"console", step_console},
    {"join-userns", step_join_userns},
};

/* Entered and checked: a sub-cgroup that exists nowhere must fail, not
 * leave the process silently in the container's own cgroup. */
static int enter_sub_cgroup(const char *path, pid_t pid, aisbx_error **err)
{
    pid_t *pids = NULL;
    size_t n = 0;
    bool in = false;
    if (cgroup_enter(path, pid, err) < 0)
        return -1;
    if (cgroup_pids(path, &pids, &n, NULL) == 0)
        for (size_t k = 0; k < n; k++)
            in |= pids[k] == pid;
    free(pids);
    return in ? 0 : aisbx_error_make(err, ENOENT, "exec --cgroup: no cgroup %s", path);
}

const char *const *exec_step_names(size_t *n)
{
    static const char *names[sizeof(join_steps) / sizeof(join_steps[0]) +
                             sizeof(child_steps) / sizeof(child_steps[0])];
    size_t k = 0;
    for (size_t i = 0; i < sizeof(join_steps) / sizeof(join_steps[0]); i++)
        names[k++] = join_steps[i].name;
    for (size_t i = 0; i < sizeof(child_steps) / sizeof(child_steps[0]); i++)
        names[k++] = child_steps[i].name;
    *n = k;
    return names;
}

/* The exec process: set up by the table, then hardened and exec'd (the
 * same process_harden as the init's). Never returns. */
__attribute__((noreturn)) static void exec_child(struct exec_ctx *c)
{
    aisbx_error *err = NULL;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    run_exec_steps(c, child_steps, sizeof(child_steps) / sizeof(child_steps[0]));
    struct final_args fa = {
        .plan = c->j->plan,
        .exe = c->exe,
        .listener_sock = c->listener_sock,
        .listener_state_json = c->listener_json,
    };
    /* A half-set-up exec dies with the runtime; the program itself outlives
     * it, detached or not (runc's behaviour, and what the code did before). */
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    process_harden_and_exec(&fa, &err);
    sync_fail(c->j->sync[1], err);
}

/* Runs in the host's pid namespace, so nothing in the container sees it.
 * Once it is in the container's cgroup (born there, moved itself or put
 * there by the parent: exec_launch_spawn), it joins every
 * namespace of the init at once, and only then forks the exec process
 * (CLONE_PARENT: it becomes our parent's child) straight into the
 * container's pid namespace. So the first moment the exec process is
 * visible inside, it is already in the container's mount, network, ipc,
 * uts and cgroup namespaces and cgroup, non-dumpable (inherited) and
 * with no command line to read. Never returns. */
__attribute__((noreturn)) static void exec_intermediate(struct exec_launch *j,
                                                        struct cgroup_self_join *cg_join, int cg_fd)
{
    struct exec_ctx c = {.j = j, .cg_join = cg_join, .listener_sock = -1};
    aisbx_error *err = NULL;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    close(j->sync[0]);
    if (cg_fd >= 0)
        close(cg_fd);
    run_exec_steps(&c, join_steps, sizeof(join_steps) / sizeof(join_steps[0]));
    fflush(NULL);
    pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0)
        exec_child(&c);
    if (pid < 0) {
        aisbx_error_make(&err, errno, "fork into the container");
        sync_fail(j->sync[1], err);
    }
    _exit(sync_send(j->sync[1], SYNC_READY, pid, NULL, &err) < 0 ? 1 : 0);
}

/* How the joining process comes into the container's cgroup without the
 * parent moving it by pid (cgroup_way_in_open: born in it, or moving
 * itself on v1 and saying SYNC_JOINED), as create's init does. Rootless
 * and --systemd-cgroup containers, a container without a cgroup, and
 * AISBX_CLONE_INTO_CGROUP=0 keep the move by pid (sj empty, *fd -1); so
 * does anything that cannot be opened. */
static void exec_cgroup_ways(const struct exec_launch *j, struct cgroup_self_join *sj, int *fd)
{
    const char *path = j->state->cgroup_path;
    aisbx_error *e = NULL;
    *fd = -1;
    if (!path || !*path || j->rootless || j->state->systemd_cgroup || cgroup_way_in_by_pid())
        return;
    if (cgroup_way_in_open(path, sj, fd, &e) < 0) {
        log_debug("%s; moving by pid", e ? e->msg : strerror(errno));
        aisbx_error_free(&e);
    }
}

int exec_launch_spawn(struct exec_launch *j, aisbx_error **err)
{
    const struct spec_linux *lx = j->cfg->linux_;
    struct cgroup_self_join sj = {.unified_fd = -1};
    struct sync_msg m;
    int status, cg_fd;
    bool born_in = false;
    for (size_t i = 0; lx && i < lx->n_namespaces; i++)
        j->join_flags |= ns_clone_flag(lx->namespaces[i].type);
    if (sync_pair(j->sync, err) < 0)
        return -1;
    /* The pidfd pins the init we checked: a recycled pid cannot be joined. */
    j->pidfd = (int)syscall(SYS_pidfd_open, j->state->pid, 0);
    if (j->pidfd < 0 && errno != ENOSYS)
        return aisbx_error_make(err, errno, "pidfd_open of the container init %d", j->state->pid);
    if (!proc_is_alive(j->state->pid, j->state->pid_start_time))
        return aisbx_error_make(err, ESRCH, "the container init %d is gone", j->state->pid);
    exec_cgroup_ways(j, &sj, &cg_fd);
    bool self_joining = sj.n > 0, unified = cgroup_version() == CGROUP_V1 && cg_fd >= 0;
    fflush(NULL);
    pid_t mid = clone_into_cgroup(0, cg_fd, &born_in);
    if (mid == 0)
        exec_intermediate(j, &sj, cg_fd);
    int fork_errno = errno;
    if (cg_fd >= 0)
        close(cg_fd);
    cgroup_self_join_close(&sj); /* the joining process has its copies */
    if (mid < 0)
        return aisbx_error_make(err, fork_errno, "fork");
    close(j->sync[1]);
    j->sync[1] = -1;
    FAULT_POINT("exec:forked");
    if (born_in)
        log_debug("exec: joining process %d born in cgroup %s (clone3 CLONE_INTO_CGROUP)", (int)mid,
                  j->state->cgroup_path);
    int r = 0;
    /* the exec process inherits the cgroup: it is never outside the pids cap */
    if (self_joining) { /* v1: it moved itself in */
        if (sync_expect(j->sync[0], SYNC_JOINED, &m, err) < 0)
            r = -1;
        /* hybrid, and clone3 refused the unified directory: by pid there */
        else if (unified && !born_in && cgroup_enter(j->state->cgroup_path, mid, err) < 0)
            r = -1;
    } else if (j->state->cgroup_path && *j->state->cgroup_path && !born_in &&
               cgroup_enter(j->state->cgroup_path, mid, err) < 0) {
        r = -1;
    }
    if (r == 0 && j->sub_cgroup && enter_sub_cgroup(j->sub_cgroup, mid, err) < 0)
        r = -1;
    if (r == 0 && sync_send(j->sync[0], SYNC_GO, mid, NULL, err) < 0)
        r = -1;
    if (r == 0) {
        r = sync_recv(j->sync[0], &m, err);
        if (r == 1)
            r = aisbx_error_make(err, 0, "exec: the joining process died");
        else if (r == 0 && m.type == SYNC_ERROR)
            r = sync_error_from(&m, err);
        else if (r == 0 && m.type != SYNC_READY)
            r = aisbx_error_make(err, 0, "sync: unexpected message %u", m.type);
        else if (r == 0)
            j->pid = (pid_t)m.value;
    }
    if (r < 0)
        kill(mid, SIGKILL);
    while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
        ;
    if (r < 0)
        return -1;
    if (sync_send(j->sync[0], SYNC_GO, j->pid, NULL, err) < 0)
        return -1;
    /* EOF: execve succeeded (the socket is close-on-exec). */
    r = sync_recv(j->sync[0], &m, err);
    if (r < 0)
        return -1;
    if (r == 0 && m.type == SYNC_ERROR)
        return sync_error_from(&m, err);
    if (r == 0)
        return aisbx_error_make(err, 0, "sync: unexpected message %u", m.type);
    return 0;
}

void exec_launch_close(struct exec_launch *x)
{
    if (x->sync[0] >= 0)
        close(x->sync[0]);
    if (x->pidfd >= 0)
        close(x->pidfd);
    x->sync[0] = x->pidfd = -1;
}
