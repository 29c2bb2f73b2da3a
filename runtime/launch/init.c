/* The container init as a declared step table (init_steps below): the
 * order is written once, here. Each step is a small function that returns
 * -1 with an error; the first failure is sent to the parent over the sync
 * socket and the init exits. Fault points ("init:<step>") and debug lines
 * come from the step names. After the last step the init reports ready and
 * waits for `start` in the sealed stub (sealed_exec.h), which runs the
 * startContainer hooks and execs the program; errors after `start` travel
 * through exec.fifo. */
#include "runtime/launch/init.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "runtime/fd_util.h"
#include "runtime/kernel/console.h"
#include "runtime/kernel/hooks.h"
#include "runtime/kernel/namespaces.h"
#include "runtime/kernel/netns_scrub.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/kernel/sysctl.h"
#include "runtime/launch/exec_path.h"
#include "runtime/launch/launch_plan.h"
#include "runtime/launch/process_final.h"
#include "runtime/launch/sealed_exec.h"
#include "runtime/launch/sync.h"
#include "runtime/log.h"
#include "runtime/rootfs/rootfs.h"
#include "specs/state.h"

/* What the steps share. */
struct init_ctx {
    const struct init_args *a;
    pid_t host_pid;
    int *cc_fds; /* createContainer hook binaries, opened first */
    int listener_sock;
    char *listener_json;
    char *exe;
    const struct spec_hooklist *start_hooks;
    int state_fd; /* the state the startContainer hooks read, -1 */
    int stub;     /* the sealed stub, -2 where the build has none */
};

/* Into the container's cgroup by our own hand (v1: no wait for a grace
 * period, cgroup.h), before anything else: whatever we fork or unshare from
 * here on (the cgroup namespace) starts there. */
static int step_join_cgroup(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    if (!a->n_cgroup_tasks_fds)
        return 0;
    struct cgroup_self_join sj = {
        .tasks_fds = (int *)a->cgroup_tasks_fds, .n = a->n_cgroup_tasks_fds, .unified_fd = -1};
    if (cgroup_self_join(&sj, err) < 0)
        return -1;
    for (size_t i = 0; i < sj.n; i++)
        close(sj.tasks_fds[i]);
    return sync_send(a->sync_fd, SYNC_JOINED, 0, NULL, err);
}

/* createContainer hooks name host paths, but run after the image's mounts,
 * which could put another binary there: open them before any mount. */
static int step_open_hooks(struct init_ctx *c, aisbx_error **err)
{
    const struct spec_hooks *h = c->a->cfg->hooks;
    if (h)
        hooks_open_all(&h->create_container, &c->cc_fds);
    return 0;
}

/* SYNC_GO carries our host pid, which the pid namespace hides from us. */
static int step_wait_go(struct init_ctx *c, aisbx_error **err)
{
    struct sync_msg m;
    if (sync_expect(c->a->sync_fd, SYNC_GO, &m, err) < 0)
        return -1;
    c->host_pid = m.value;
    if (c->a->dumpable_until_go)
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    return 0;
}

static int step_namespaces(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    const struct spec_linux *lx = a->cfg->linux_;
    /* The pid namespace was entered by the parent before clone. */
    if (ns_join_fds(a->ns_fds, CLONE_NEWPID | a->joined_flags, err) < 0)
        return -1;
    /* Unshared only now, after the parent moved us into the container's
     * cgroup, so that the cgroup namespace is rooted there. */
    if ((ns_new_flags(lx) & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return aisbx_error_make(err, errno, "unshare cgroup namespace");
    return 0;
}

/* In a new user namespace we still carry the host's ids, which the new
 * namespace cannot represent (files we create would fail with EOVERFLOW):
 * become its root, now that the parent wrote the mappings. */
static int step_userns_root(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    if (!(a->new_flags & CLONE_NEWUSER) && !ns_path(a->cfg->linux_, SPEC_NS_USER))
        return 0;
    if (setresgid(0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "setresgid(0) in the user namespace");
    if (setresuid(0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "setresuid(0) in the user namespace");
    return 0;
}

static int step_uts(struct init_ctx *ctx, aisbx_error **err)
{
    const struct init_args *a = ctx->a;
    const struct spec_config *c = a->cfg;
    bool own_uts = (a->new_flags & CLONE_NEWUTS) || ns_path(c->linux_, SPEC_NS_UTS);
    if ((c->hostname && *c->hostname) || (c->domainname && *c->domainname)) {
        if (!own_uts)
            return aisbx_error_make(err, 0,
                                    "unable to set hostname without a private UTS "
                                    "namespace");
    }
    if (c->hostname && *c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
        return aisbx_error_make(err, errno, "sethostname");
    if (c->domainname && *c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
        return aisbx_error_make(err, errno, "setdomainname");
    return 0;
}

/* A fresh network namespace has lo down; the overlay promises localhost. */
static int step_loopback(struct init_ctx *c, aisbx_error **err)
{
    struct ifreq ifr = {0};
    int fd, r = 0;
    if (!(c->a->new_flags & CLONE_NEWNET))
        return 0;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return aisbx_error_make(err, errno, "socket for loopback");
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        r = aisbx_error_make(err, errno, "get lo flags");
    else if (!(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            r = aisbx_error_make(err, errno, "bring lo up");
    }
    close(fd);
    return r;
}

static int step_rootfs_prepare(struct init_ctx *c, aisbx_error **err)
{
    /* with an idmapped root or a user namespace create made the mount
     * points already (rootfs_precreate_mountpoints) */
    const struct init_args *a = c->a;
    return rootfs_prepare(a->cfg, a->rootfs, a->root_tree_fd, a->layer_fds, a->n_layer_fds, err);
}

static int step_mounts(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    return rootfs_mount_all(a->cfg, a->rootfs, a->bundle, a->mount_fds, err);
}

static int step_dev(struct init_ctx *c, aisbx_error **err)
{
    return rootfs_setup_dev(c->a->cfg, c->a->rootfs, c->a->plan->userns_base, err);
}

/* Host objects: nothing after this (hooks, the program) may hold them. */
static int step_close_host_fds(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    for (size_t i = 0; a->mount_fds && i < a->n_mount_fds; i++)
        if (a->mount_fds[i] >= 0)
            close(a->mount_fds[i]);
    for (int t = 0; a->ns_fds && t < SPEC_NS_COUNT; t++)
        if (a->ns_fds[t] >= 0)
            close(a->ns_fds[t]);
    if (a->root_tree_fd >= 0)
        close(a->root_tree_fd);
    for (size_t i = 0; i < a->n_layer_fds; i++)
        close(a->layer_fds[i]);
    return 0;
}

/* The container's state as the init reports it (hooks, the seccomp agent). */
static struct spec_state init_state(const struct init_args *a, const char *status, pid_t pid)
{
    return (struct spec_state){.oci_version = (char *)SPEC_OCI_VERSION,
                               .id = (char *)a->id,
                               .status = (char *)status,
                               .bundle = (char *)a->bundle,
                               .rootfs = (char *)a->rootfs,
                               .pid = pid,
                               .annotations = a->cfg->annotations};
}

/* Hooks run by the init itself, in the container's namespaces; exec_fds:
 * the binaries opened beforehand (hooks_open_all), or NULL. */
static int run_hooks_inside(const struct init_args *a, const struct spec_hooklist *l,
                            const int *exec_fds, const char *kind, const char *status,
                            aisbx_error **err)
{
    struct spec_state st = init_state(a, status, getpid());
    char *json = NULL;
    size_t len;
    int r = spec_state_generate(&st, false, false, &json, &len, err);
    /* runc's prefix, which scripts grep for; the hook's own error follows. */
    if (r == 0 && (r = hooks_run_fds(l, exec_fds, kind, json, err)) < 0)
        aisbx_error_wrap(err, "error running hook");
    free(json);
    return r;
}

/* The parent runs prestart + createRuntime (SYNC_HOOKS), then we run
 * createContainer from the binaries opened first. */
static int step_hooks(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    const struct spec_hooks *h = a->cfg->hooks;
    struct sync_msg m;
    int r = 0;
    if (a->hooks_roundtrip && (sync_send(a->sync_fd, SYNC_HOOKS, 0, NULL, err) < 0 ||
                               sync_expect(a->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0))
        r = -1;
    /* runc runs them from the rootfs (not yet pivoted): hooks written for
     * runc name image files as ./lib/... */
    if (r == 0 && h && h->create_container.n)
        r = chdir(a->rootfs) < 0 ? aisbx_error_make(err, errno, "chdir to rootfs %s", a->rootfs)
                                 : run_hooks_inside(a, &h->create_container, c->cc_fds,
                                                    "createContainer", "creating", err);
    if (c->cc_fds)
        hooks_close_all(&h->create_container, c->cc_fds);
    c->cc_fds = NULL;
    return r;
}

/* After the engine's hooks ran: they may have moved an interface in. */
static int step_scrub_network(struct init_ctx *c, aisbx_error **err)
{
    int removed = 0;
    if (!c->a->hooks_roundtrip)
        return 0;
    return netns_remove_non_lo(&removed, err);
}

/* linux.seccomp.listenerPath is a host path: connect before pivot_root. */
static int step_seccomp_listener(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    if (launch_connect_listener(a->plan, &c->listener_sock, err) < 0)
        return -1;
    if (c->listener_sock < 0)
        return 0;
    struct spec_state st = init_state(a, "running", c->host_pid);
    return launch_listener_state(a->plan, &st, c->host_pid, &c->listener_json, err);
}

static int step_pivot(struct init_ctx *c, aisbx_error **err)
{
    return rootfs_pivot(c->a->rootfs, c->a->no_pivot, err);
}

/* Before finalize: readonlyPaths usually makes /proc/sys read-only. */
static int step_sysctl(struct init_ctx *c, aisbx_error **err)
{
    const struct spec_linux *lx = c->a->cfg->linux_;
    return lx ? sysctl_apply(&lx->sysctl, err) : 0;
}

static int step_rootfs_finalize(struct init_ctx *c, aisbx_error **err)
{
    return rootfs_finalize(c->a->cfg, err);
}

/* The pty is opened inside the container's devpts, so it belongs to the
 * container; the master goes to the engine through the console socket. */
static int step_console(struct init_ctx *c, aisbx_error **err)
{
    return launch_console(c->a->plan, true, err);
}

static int step_chdir(struct init_ctx *c, aisbx_error **err)
{
    return process_chdir(c->a->cfg->process->cwd, err);
}

static int step_lookup_exe(struct init_ctx *c, aisbx_error **err)
{
    const struct spec_process *p = c->a->cfg->process;
    return exec_path_lookup(p->args.v ? p->args.v[0] : NULL, &p->env, &c->exe, err);
}

static int step_process_attrs(struct init_ctx *c, aisbx_error **err)
{
    return process_apply_privileged_attrs(c->a->cfg->process, err);
}

/* linux.personality (runc applies it in the init and in exec). */
static int step_personality(struct init_ctx *c, aisbx_error **err)
{
    const struct spec_linux *lx = c->a->cfg->linux_;
    return lx && lx->personality ? process_apply_personality(lx->personality, err) : 0;
}

static int step_session_keyring(struct init_ctx *c, aisbx_error **err)
{
    if (c->a->no_new_keyring)
        return 0;
    /* KEYCTL_JOIN_SESSION_KEYRING (1), anonymous: keys of the host session
     * must not be reachable. Failure (keyrings disabled) is not fatal. */
    if (syscall(SYS_keyctl, 1, NULL) < 0)
        log_debug("new session keyring: %s", strerror(errno));
    return 0;
}

/* The state the startContainer hooks get on stdin, in a memfd: the stub
 * that runs them cannot generate JSON. Then no host directory may stay
 * reachable from the hardened process: the state dir goes. */
static int step_start_hooks_state(struct init_ctx *c, aisbx_error **err)
{
    const struct init_args *a = c->a;
    const struct spec_hooks *h = a->cfg->hooks;
    c->start_hooks = h && h->start_container.n ? &h->start_container : NULL;
    if (c->start_hooks) {
        struct spec_state st = init_state(a, "created", getpid());
        char *json = NULL;
        size_t len;
        if (spec_state_generate(&st, false, false, &json, &len, err) < 0)
            return -1;
        c->state_fd = memfd_create("aisbx-state", MFD_CLOEXEC);
        int r = c->state_fd < 0 || write_all(c->state_fd, json, len) < 0
                    ? aisbx_error_make(err, errno, "state memfd")
                    : 0;
        free(json);
        if (r < 0)
            return -1;
    }
    close(a->state_dirfd);
    return 0;
}

/* "userns last": every other namespace, mount, sysctl and rlimit was set up
 * as root of the initial user namespace (they stay owned by it); only now
 * does the init enter its own user namespace, whose max_*_namespaces are
 * already 0, so the ids and capabilities the hardening sets next are the
 * namespace's: container root is an unprivileged host uid. */
static int step_userns_enter(struct init_ctx *c, aisbx_error **err)
{
    int fd = c->a->userns_fd;
    if (fd < 0)
        return 0;
    int r = setns(fd, CLONE_NEWUSER) < 0
                ? aisbx_error_make(err, errno, "join the container's user namespace")
                : 0;
    close(fd);
    return r;
}

/* The process's credentials, capabilities, no_new_privs, the config's
 * filter and the floor, verified: from here on the init is as privileged
 * as the program will be (startContainer hooks included). */
static int step_harden(struct init_ctx *c, aisbx_error **err)
{
    struct final_args fa = {
        .plan = c->a->plan,
        .exe = c->exe,
        .listener_sock = c->listener_sock,
        .listener_state_json = c->listener_json,
    };
    if (process_harden(&fa, &c->stub, err) < 0)
        return -1;
    /* The two fds the stub needs across its execve. */
    if (c->stub >= 0 && (fd_set_cloexec(c->a->fifo_fd, false) < 0 ||
                         (c->state_fd >= 0 && fd_set_cloexec(c->state_fd, false) < 0)))
        return aisbx_error_make(err, errno, "keep the exec fifo for the stub");
    return 0;
}

/* The order is the documentation; a step is named for what it does. The
 * stage groups them for the fault suite (each stage is one test). */
static const struct init_step init_steps[] = {
    {"join-cgroup", "setup", step_join_cgroup},
    {"open-hooks", "setup", step_open_hooks},
    {"wait-go", "setup", step_wait_go},
    {"namespaces", "setup", step_namespaces},
    {"userns-root", "setup", step_userns_root},
    {"uts", "setup", step_uts},
    {"loopback", "setup", step_loopback},
    {"rootfs-prepare", "rootfs", step_rootfs_prepare},
    {"mounts", "rootfs", step_mounts},
    {"dev", "rootfs", step_dev},
    {"close-host-fds", "rootfs", step_close_host_fds},
    {"hooks", "rootfs", step_hooks},
    {"scrub-network", "rootfs", step_scrub_network},
    {"seccomp-listener", "rootfs", step_seccomp_listener},
    {"pivot", "rootfs", step_pivot},
    {"sysctl", "rootfs", step_sysctl},
    {"rootfs-finalize", "rootfs", step_rootfs_finalize},
    {"console", "process", step_console},
    {"chdir", "process", step_chdir},
    {"lookup-exe", "process", step_lookup_exe},
    {"process-attrs", "process", step_process_attrs},
    {"personality", "process", step_personality},
    {"session-keyring", "process", step_session_keyring},
    {"start-hooks-state", "process", step_start_hooks_state},
    {"userns-enter", "harden", step_userns_enter},
    {"harden", "harden", step_harden},
};

const struct init_step *init_step_table(size_t *n)
{
    *n = sizeof(init_steps) / sizeof(init_steps[0]);
    return init_steps;
}

int init_run_stage(const struct init_args *a, const char *stage,
                   int (*before)(const char *step, void *arg), void *arg, aisbx_error **err)
{
    struct init_ctx c = {.a = a, .listener_sock = -1, .state_fd = -1, .stub = -2};
    size_t n;
    const struct init_step *steps = init_step_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(steps[i].stage, stage) != 0)
            continue;
        int r = before ? before(steps[i].name, arg) : 0;
        if (r != 0)
            return aisbx_error_make(err, 0, "before step %s: %d", steps[i].name, r);
        if (steps[i].run(&c, err) < 0)
            return aisbx_error_wrap(err, "init step %s", steps[i].name);
    }
    return 0;
}

/* Fallback for builds without the sealed stub (not x86_64): the hardened
 * init waits here, in the runtime binary. Blocks until `start` opens the
 * fifo for reading. The write end stays open, close-on-exec: `start` sees
 * EOF exactly when execve succeeded (so poststart hooks run after the
 * program started, as the spec says), and any failure before that is
 * written into the fifo for `start` to report. `start` unlinks the fifo. */
__attribute__((noreturn)) static void wait_start_here(struct init_ctx *c)
{
    const struct init_args *a = c->a;
    const struct spec_process *p = a->cfg->process;
    aisbx_error *err = NULL;
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", a->fifo_fd);
    int fifo = open(path, O_WRONLY | O_CLOEXEC);
    if (fifo < 0)
        aisbx_error_make(&err, errno, "open exec fifo");
    else if (write(fifo, "0", 1) != 1)
        aisbx_error_make(&err, errno, "write exec fifo");
    else if (c->start_hooks &&
             run_hooks_inside(a, c->start_hooks, NULL, "startContainer", "created", &err) < 0)
        ;
    else {
        execve(c->exe, p->args.v, p->env.v);
        aisbx_error_make(&err, errno, "exec %s", c->exe);
    }
    log_error("container init: %s", err ? err->msg : "unknown error");
    if (fifo >= 0 && err)
        write_all(fifo, err->msg, strlen(err->msg));
    _exit(127);
}

void init_main(const struct init_args *a)
{
    struct init_ctx c = {.a = a, .listener_sock = -1, .state_fd = -1, .stub = -2};
    aisbx_error *err = NULL;
    size_t n;
    const struct init_step *steps = init_step_table(&n);

    /* If create dies during setup, so do we; cleared once we are ready. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* Non-dumpable until execve: nothing in the container can open our
     * /proc/<pid>/exe or memory while we still are the runtime binary. */
    /* As runc's nsexec: dumpable explicitly while the parent writes our maps
     * (an unprivileged writer can open only a dumpable process's files);
     * non-dumpable from SYNC_GO on. */
    prctl(PR_SET_DUMPABLE, a->dumpable_until_go ? 1 : 0, 0, 0, 0);
    for (size_t i = 0; i < n; i++) {
        FAULT_STEP("init", steps[i].name);
        log_debug("init: %s", steps[i].name);
        if (steps[i].run(&c, &err) < 0)
            sync_fail(a->sync_fd, err); /* channel 1: the sync socket */
    }

    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    if (sync_send(a->sync_fd, SYNC_READY, getpid(), NULL, &err) < 0)
        _exit(1);
    close(a->sync_fd);

    /* Wait for `start` in the sealed stub: /proc/<pid>/exe of a created
     * container is then never the runtime's host binary. Channel 2 from
     * here on: exec.fifo, written by the stub. */
    if (c.stub >= 0) {
        const struct spec_process *p = a->cfg->process;
        sealed_execve_wait(c.stub, a->fifo_fd, c.state_fd, c.start_hooks, c.exe, p->args.v,
                           p->env.v, &err);
        log_error("container init: %s", err ? err->msg : "unknown error");
        _exit(127);
    }
    wait_start_here(&c);
}
