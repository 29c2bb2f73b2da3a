/* The container init, step by step. Each step is a small function that
 * returns -1 with an error; the first failure is sent to the parent over
 * the sync socket (before `start`) or to the log (after), and init exits. */
#include "runtime/init.h"

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

#include "runtime/console.h"
#include "runtime/exec_path.h"
#include "runtime/fault.h"
#include "runtime/fd_util.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/namespaces.h"
#include "runtime/netns_scrub.h"
#include "runtime/process_attrs.h"
#include "runtime/process_final.h"
#include "runtime/rootfs.h"
#include "runtime/sealed_exec.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"
#include "specs/state.h"

/* SYNC_GO carries our host pid, which the pid namespace hides from us. */
static int step_wait_go(const struct init_args *a, pid_t *host_pid, aisbx_error **err)
{
    struct sync_msg m;
    if (sync_expect(a->sync_fd, SYNC_GO, &m, err) < 0)
        return -1;
    *host_pid = m.value;
    return 0;
}

static int step_namespaces(const struct init_args *a, aisbx_error **err)
{
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
static int step_userns_root(const struct init_args *a, aisbx_error **err)
{
    if (!(a->new_flags & CLONE_NEWUSER) && !ns_path(a->cfg->linux_, SPEC_NS_USER))
        return 0;
    if (setresgid(0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "setresgid(0) in the user namespace");
    if (setresuid(0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "setresuid(0) in the user namespace");
    return 0;
}

static int step_uts(const struct init_args *a, aisbx_error **err)
{
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
static int step_loopback(const struct init_args *a, aisbx_error **err)
{
    struct ifreq ifr = {0};
    int fd, r = 0;
    if (!(a->new_flags & CLONE_NEWNET))
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

static int step_rootfs(const struct init_args *a, aisbx_error **err)
{
    if (rootfs_prepare(a->cfg, a->rootfs, err) < 0 ||
        rootfs_mount_all(a->cfg, a->rootfs, a->bundle, a->mount_fds, err) < 0 ||
        rootfs_setup_dev(a->cfg, a->rootfs, err) < 0)
        return -1;
    /* Host objects: nothing after this (hooks, the program) may hold them. */
    for (size_t i = 0; a->mount_fds && i < a->n_mount_fds; i++)
        if (a->mount_fds[i] >= 0)
            close(a->mount_fds[i]);
    for (int t = 0; a->ns_fds && t < SPEC_NS_COUNT; t++)
        if (a->ns_fds[t] >= 0)
            close(a->ns_fds[t]);
    return 0;
}

/* Hooks run by the init itself, in the container's namespaces; exec_fds:
 * the binaries opened beforehand (hooks_open_all), or NULL. */
static int run_hooks_inside(const struct init_args *a, const struct spec_hooklist *l,
                            const int *exec_fds, const char *kind, const char *status,
                            aisbx_error **err)
{
    struct spec_state st = {.oci_version = (char *)SPEC_OCI_VERSION,
                            .id = (char *)a->id,
                            .status = (char *)status,
                            .bundle = (char *)a->bundle,
                            .rootfs = (char *)a->rootfs,
                            .pid = getpid(),
                            .annotations = a->cfg->annotations};
    char *json = NULL;
    size_t len;
    int r = spec_state_generate(&st, false, false, &json, &len, err);
    if (r == 0)
        r = hooks_run_fds(l, exec_fds, kind, json, err);
    free(json);
    return r;
}

static int step_hooks(const struct init_args *a, const int *cc_fds, aisbx_error **err)
{
    struct sync_msg m;
    const struct spec_hooks *h = a->cfg->hooks;
    if (a->hooks_roundtrip) {
        if (sync_send(a->sync_fd, SYNC_HOOKS, 0, NULL, err) < 0 ||
            sync_expect(a->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
            return -1;
    }
    if (h && h->create_container.n)
        return run_hooks_inside(a, &h->create_container, cc_fds, "createContainer", "creating",
                                err);
    return 0;
}

/* After the engine's hooks ran: they may have moved an interface in. */
static int step_scrub_network(const struct init_args *a, aisbx_error **err)
{
    int removed = 0;
    if (!a->hooks_roundtrip)
        return 0;
    return netns_remove_non_lo(&removed, err);
}

static int step_pivot(const struct init_args *a, aisbx_error **err)
{
    if (rootfs_pivot(a->rootfs, a->no_pivot, err) < 0)
        return -1;
    if (a->cfg->linux_ && sysctl_apply(&a->cfg->linux_->sysctl, err) < 0)
        return -1;
    return rootfs_finalize(a->cfg, err);
}

/* The pty is opened inside the container's devpts, so it belongs to the
 * container; the master goes to the engine through the console socket. */
static int step_console(const struct init_args *a, aisbx_error **err)
{
    const struct spec_process *p = a->cfg->process;
    cleanup_free char *slave = NULL;
    int master = -1, r = -1;
    if (!p->terminal)
        return 0;
    if (a->console_fd < 0)
        return aisbx_error_make(err, 0, "process.terminal is set but no --console-socket given");
    if (console_open_pty(&master, &slave, err) < 0)
        return -1;
    if (p->has_console_size &&
        console_set_size(master, p->console_size.height, p->console_size.width, err) < 0)
        goto out;
    if (console_send_master(a->console_fd, master, err) < 0 ||
        console_make_controlling(slave, err) < 0)
        goto out;
    /* /dev/console is the conventional name of the container's terminal. */
    int fd = open("/dev/console", O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
        log_debug("bind %s on /dev/console: %s", slave, strerror(errno));
    r = 0;
out:
    close(master);
    close(a->console_fd);
    return r;
}

static int step_session_keyring(const struct init_args *a)
{
    if (a->no_new_keyring)
        return 0;
    /* KEYCTL_JOIN_SESSION_KEYRING (1), anonymous: keys of the host session
     * must not be reachable. Failure (keyrings disabled) is not fatal. */
    if (syscall(SYS_keyctl, 1, NULL) < 0)
        log_debug("new session keyring: %s", strerror(errno));
    return 0;
}

/* Fallback for builds without the sealed stub (not x86_64): the hardened
 * init waits here, in the runtime binary. Blocks until `start` opens the
 * fifo for reading. The write end stays open, close-on-exec: `start` sees
 * EOF exactly when execve succeeded (so poststart hooks run after the
 * program started, as the spec says), and any failure before that is
 * written into the fifo for `start` to report. `start` unlinks the fifo. */
static int step_wait_start(const struct init_args *a, int *fifo, aisbx_error **err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", a->fifo_fd);
    *fifo = open(path, O_WRONLY | O_CLOEXEC);
    if (*fifo < 0)
        return aisbx_error_make(err, errno, "open exec fifo");
    close(a->fifo_fd);
    if (write(*fifo, "0", 1) != 1)
        return aisbx_error_make(err, errno, "write exec fifo");
    return 0;
}

/* The state the startContainer hooks get on stdin, in a memfd: the stub
 * that runs them cannot generate JSON. */
static int state_memfd(const struct init_args *a, int *fd, aisbx_error **err)
{
    struct spec_state st = {.oci_version = (char *)SPEC_OCI_VERSION,
                            .id = (char *)a->id,
                            .status = (char *)"created",
                            .bundle = (char *)a->bundle,
                            .rootfs = (char *)a->rootfs,
                            .pid = getpid(),
                            .annotations = a->cfg->annotations};
    char *json = NULL;
    size_t len;
    *fd = -1;
    if (spec_state_generate(&st, false, false, &json, &len, err) < 0)
        return -1;
    *fd = memfd_create("aisbx-state", MFD_CLOEXEC);
    int r =
        *fd < 0 || write_all(*fd, json, len) < 0 ? aisbx_error_make(err, errno, "state memfd") : 0;
    free(json);
    return r;
}

void init_main(const struct init_args *a)
{
    const struct spec_process *p = a->cfg->process;
    aisbx_error *err = NULL;
    char *exe = NULL;
    int fifo = -1;
    pid_t host_pid = 0;

    /* If create dies during setup, so do we; cleared once we are ready. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* Non-dumpable until execve: nothing in the container can open our
     * /proc/<pid>/exe or memory while we still are the runtime binary. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    /* createContainer hooks name host paths, but run after the image's
     * mounts, which could put another binary there: open them now. */
    int *cc_fds = NULL;
    if (a->cfg->hooks)
        hooks_open_all(&a->cfg->hooks->create_container, &cc_fds);
    FAULT_POINT("init:start");
    if (step_wait_go(a, &host_pid, &err) < 0 || step_namespaces(a, &err) < 0 ||
        step_userns_root(a, &err) < 0 || step_uts(a, &err) < 0 || step_loopback(a, &err) < 0 ||
        step_rootfs(a, &err) < 0 || step_hooks(a, cc_fds, &err) < 0 ||
        step_scrub_network(a, &err) < 0)
        sync_fail(a->sync_fd, err);
    if (cc_fds)
        hooks_close_all(&a->cfg->hooks->create_container, cc_fds);
    FAULT_POINT("init:mounted");
    /* The listener socket is a host path: connect before pivot_root. */
    int listener_sock = -1;
    char *listener_json = NULL;
    const struct spec_seccomp *sc = a->cfg->linux_ ? a->cfg->linux_->seccomp : NULL;
    if (process_connect_listener(sc, &listener_sock, &err) < 0)
        sync_fail(a->sync_fd, err);
    if (listener_sock >= 0) {
        struct spec_state st = {.oci_version = (char *)SPEC_OCI_VERSION,
                                .id = (char *)a->id,
                                .status = (char *)"running",
                                .bundle = (char *)a->bundle,
                                .rootfs = (char *)a->rootfs,
                                .pid = host_pid,
                                .annotations = a->cfg->annotations};
        size_t len;
        if (spec_process_state_generate(&st, host_pid, sc->listener_metadata, &listener_json, &len,
                                        &err) < 0)
            sync_fail(a->sync_fd, err);
    }
    if (step_pivot(a, &err) < 0 || step_console(a, &err) < 0)
        sync_fail(a->sync_fd, err);
    FAULT_POINT("init:pivoted");
    if (process_chdir(p->cwd, &err) < 0)
        sync_fail(a->sync_fd, err);
    /* personality before the filters: the floor only lets PER_LINUX through. */
    if (exec_path_lookup(p->args.v ? p->args.v[0] : NULL, &p->env, &exe, &err) < 0 ||
        process_apply_privileged_attrs(p, &err) < 0 ||
        process_apply_personality(a->cfg->linux_ ? a->cfg->linux_->personality : NULL, &err) < 0 ||
        step_session_keyring(a) < 0)
        sync_fail(a->sync_fd, err);

    /* startContainer hooks run after hardening, with the process's own
     * privileges (runc does the same): they resolve in the image. */
    const struct spec_hooklist *start_hooks =
        a->cfg->hooks && a->cfg->hooks->start_container.n ? &a->cfg->hooks->start_container : NULL;
    int state_fd = -1, stub = -2;
    if (start_hooks && state_memfd(a, &state_fd, &err) < 0)
        sync_fail(a->sync_fd, err);
    /* No host directory may stay reachable from the hardened process. */
    close(a->state_dirfd);
    struct final_args fa = {
        .process = p,
        .exe = exe,
        .floor = a->floor,
        .filter = a->filter,
        .filter_flags = a->filter_flags,
        .preserve_fds = a->preserve_fds,
        .listener_sock = listener_sock,
        .listener_state_json = listener_json,
    };
    if (process_harden(&fa, &stub, &err) < 0)
        sync_fail(a->sync_fd, err);
    /* The two fds the stub needs across its execve. */
    if (stub >= 0 && (fd_set_cloexec(a->fifo_fd, false) < 0 ||
                      (state_fd >= 0 && fd_set_cloexec(state_fd, false) < 0))) {
        aisbx_error_make(&err, errno, "keep the exec fifo for the stub");
        sync_fail(a->sync_fd, err);
    }
    FAULT_POINT("init:hardened");

    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    if (sync_send(a->sync_fd, SYNC_READY, getpid(), NULL, &err) < 0)
        _exit(1);
    close(a->sync_fd);

    /* Wait for `start` in the sealed stub: /proc/<pid>/exe of a created
     * container is then never the runtime's host binary. */
    if (stub >= 0) {
        sealed_execve_wait(stub, a->fifo_fd, state_fd, start_hooks, exe, p->args.v, p->env.v, &err);
        goto fail;
    }
    if (step_wait_start(a, &fifo, &err) < 0)
        goto fail;
    if (start_hooks &&
        run_hooks_inside(a, start_hooks, NULL, "startContainer", "created", &err) < 0)
        goto fail;
    execve(exe, p->args.v, p->env.v);
    aisbx_error_make(&err, errno, "exec %s", exe);
fail:
    log_error("container init: %s", err ? err->msg : "unknown error");
    if (fifo >= 0 && err)
        write_all(fifo, err->msg, strlen(err->msg));
    _exit(127);
}
