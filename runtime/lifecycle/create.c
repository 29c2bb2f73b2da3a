/* `create`, parent side: harden the config, make the state dir, clone the
 * init, put it in its cgroup, drive it through the sync protocol (sync.h),
 * and leave it waiting on exec.fifo. Any failure undoes every step. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "runtime/fd_util.h"
#include "runtime/kernel/clone_into.h"
#include "runtime/kernel/console.h"
#include "runtime/kernel/hooks.h"
#include "runtime/kernel/idmap.h"
#include "runtime/kernel/namespaces.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/launch/init.h"
#include "runtime/launch/launch_plan.h"
#include "runtime/launch/sync.h"
#include "runtime/lifecycle/bundle.h"
#include "runtime/lifecycle/container_id.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/lifecycle.h"
#include "runtime/lifecycle/pid_file.h"
#include "runtime/lifecycle/rootless.h"
#include "runtime/lifecycle/state_store.h"
#include "runtime/lifecycle/userns_setup.h"
#include "runtime/log.h"
#include "runtime/rootfs/rootfs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct create_job {
    const struct aisbx_context *ctx;
    const char *id;
    const struct create_options *o;
    struct hardened_bundle b;
    struct spec_state st;
    int dirfd, lockfd, fifo_fd, sync[2];
    bool dir_created, cgroup_created;
    bool cgroup_early;   /* rootless: made before the clone, joined after */
    bool cgroup_born_in; /* v2: cloned into it (clone3 CLONE_INTO_CGROUP) */
    /* v1 cgroupfs: made before the clone, the init moves itself in
     * (cgroup_self_join); self_join's fds are closed once it is cloned */
    bool cgroup_self_joining, cgroup_unified;
    struct cgroup_self_join self_join;
    pid_t pid;
    struct launch_plan plan;
};

static int state_json(struct create_job *j, const char *status, char **out, aisbx_error **err)
{
    size_t len;
    free(j->st.status);
    j->st.status = xstrdup(status);
    return spec_state_generate(&j->st, false, false, out, &len, err);
}

static int save_state(struct create_job *j, const char *status, aisbx_error **err)
{
    free(j->st.status);
    j->st.status = xstrdup(status);
    return state_save(j->dirfd, &j->st, err);
}

/* Step 1: everything that can fail without touching the host. */
static int job_prepare(struct create_job *j, aisbx_error **err)
{
    const struct create_options *o = j->o;
    if (container_id_validate(j->id, err) < 0 || state_dir_check_free(j->ctx->root, j->id, err) < 0)
        return -1;
    if (o->console_socket && console_check_socket(o->console_socket, err) < 0)
        return -1;
    if (bundle_load_hardened(j->ctx, o->bundle, j->id, &j->b, err) < 0)
        return -1;
    if (j->ctx->rootless && rootless_check_config(j->b.cfg, geteuid() == 0, err) < 0)
        return -1;
    if (launch_plan_prepare(&j->plan, j->b.cfg, j->b.cfg->process, o->console_socket,
                            o->console_relay ? o->console_relay_fd : -1, o->preserve_fds, err) < 0)
        return -1;
    /* The cgroup is named before anything exists, so a malformed path leaves
     * nothing behind. */
    const char *cp = j->b.cfg->linux_ ? j->b.cfg->linux_->cgroups_path : NULL;
    j->st.systemd_cgroup = j->ctx->systemd_cgroup;
    if (j->st.systemd_cgroup)
        j->st.cgroup_path =
            cgroup_resolve_systemd_path(cp, j->id, rootless_systemd_uid(j->ctx->rootless), err);
    else if (!(j->st.cgroup_path = cgroup_resolve_path(cp, j->id)))
        aisbx_error_make(err, 0, "invalid cgroupsPath \"%s\"", cp);
    if (!j->st.cgroup_path)
        return -1;
    /* A pre-existing frozen cgroup would freeze the init on entry and hang
     * create (runc refuses it too, with this text). Absent: not frozen. */
    bool frozen = false;
    aisbx_error *e = NULL;
    if (cgroup_is_frozen(j->st.cgroup_path, &frozen, &e) < 0)
        aisbx_error_free(&e);
    if (frozen)
        return aisbx_error_make(err, 0, "container's cgroup unexpectedly frozen: %s",
                                j->st.cgroup_path);
    /* Sharing a cgroup is allowed (runc warns with this text): the pids
     * cap then counts the other processes too. */
    pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(j->st.cgroup_path, &pids, &n, NULL) == 0 && n)
        log_warning("container's cgroup is not empty: %zu process(es) in %s", n, j->st.cgroup_path);
    free(pids);
    return 0;
}

/* Step 2b, rootless only: which mechanism holds the pids cap
 * (rootless_pids_cap: a cgroup made now, before the clone, or
 * RLIMIT_NPROC), recorded in the state for exec. */
static int job_rootless_cgroup(struct create_job *j, aisbx_error **err)
{
    struct rootless_pids_cap cap;
    if (!j->ctx->rootless || j->st.systemd_cgroup)
        return 0;
    if (rootless_pids_cap(j->st.cgroup_path, j->b.cfg, j->b.policy.pids_max, &cap, err) < 0)
        return -1;
    spec_kvlist_set(&j->st.annotations, ANNOTATION_PIDS_CAP, cap.annotation);
    if (cap.cgroup_made) {
        j->cgroup_created = j->cgroup_early = true;
        return 0;
    }
    j->plan.nproc_max = cap.nproc_max;
    free(j->st.cgroup_path);
    j->st.cgroup_path = xstrdup("");
    return save_state(j, "creating", err);
}

/* Step 2: the state dir, with a first state.json that names the cgroup, so
 * that `delete --force` can clean up after a create killed half-way. */
static int job_state_dir(struct create_job *j, aisbx_error **err)
{
    char *json = NULL, *text;
    size_t len;
    const struct spec_config *c = j->b.cfg;
    char *owner;

    if (state_root_ensure(j->ctx->root, err) < 0 ||
        state_dir_create(j->ctx->root, j->id, &j->dirfd, err) < 0) {
        if (j->ctx->rootless && err && *err && (*err)->errnum == EACCES) {
            char *m = xasprintf("%s (rootless: set $XDG_RUNTIME_DIR or --root)", (*err)->msg);
            free((*err)->msg);
            (*err)->msg = m;
        }
        return -1;
    }
    j->dir_created = true;
    if (state_lock(j->dirfd, &j->lockfd, err) < 0)
        return -1;
    j->st.oci_version = xstrdup(SPEC_OCI_VERSION);
    j->st.id = xstrdup(j->id);
    j->st.bundle = xstrdup(j->b.bundle);
    j->st.rootfs = xstrdup(j->b.rootfs);
    j->st.created = time_rfc3339_nano_now();
    owner = getenv("USER");
    j->st.owner = xstrdup(owner && *owner ? owner : "root");
    j->st.use_terminal = c->process->terminal;
    for (size_t i = 0; i < c->annotations.n; i++)
        spec_kvlist_set(&j->st.annotations, c->annotations.v[i].key, c->annotations.v[i].value);
    spec_kvlist_set(&j->st.annotations, ANNOTATION_PIDS_CAP, "cgroup");
    if (j->b.userns_claimed) { /* for delete, also after a create killed half-way */
        char slot[16];
        snprintf(slot, sizeof(slot), "%u", j->b.userns_slot);
        spec_kvlist_set(&j->st.annotations, USERNS_SLOT_ANNOTATION, slot);
    }
    if (save_state(j, "creating", err) < 0)
        return -1;
    if (spec_config_generate(c, true, &json, &len, err) < 0)
        return -1;
    int r = state_write_file(j->dirfd, STORED_CONFIG, json, len, err);
    free(json);
    text = overlay_changes_text(&j->b.changes);
    if (r == 0)
        r = state_write_file(j->dirfd, OVERLAY_LOG, text, strlen(text), err);
    free(text);
    if (r < 0)
        return -1;
    /* 0622 as runc: the init waits for `start` already as the process's
     * user, which must be able to open it for writing. */
    if (mkfifoat(j->dirfd, EXEC_FIFO, 0622) < 0 || fchmodat(j->dirfd, EXEC_FIFO, 0622, 0) < 0)
        return aisbx_error_make(err, errno, "mkfifo %s", EXEC_FIFO);
    /* In a user namespace the init opens the fifo as the namespace's root. */
    if (c->linux_ && c->linux_->n_uid_mappings) {
        uid_t uid = 0;
        gid_t gid = 0;
        for (size_t i = 0; i < c->linux_->n_uid_mappings; i++)
            if (c->linux_->uid_mappings[i].container_id == 0)
                uid = c->linux_->uid_mappings[i].host_id;
        for (size_t i = 0; i < c->linux_->n_gid_mappings; i++)
            if (c->linux_->gid_mappings[i].container_id == 0)
                gid = c->linux_->gid_mappings[i].host_id;
        /* Rootless: the user may chown only to ids it has; the fifo is
         * 0622, so a namespace root we cannot chown to can still open it. */
        if ((uid != geteuid() || gid != getegid()) &&
            fchownat(j->dirfd, EXEC_FIFO, uid, gid, 0) < 0 && !(j->ctx->rootless && errno == EPERM))
            return aisbx_error_make(err, errno, "chown %s", EXEC_FIFO);
    }
    j->fifo_fd = openat(j->dirfd, EXEC_FIFO, O_PATH | O_CLOEXEC);
    if (j->fifo_fd < 0)
        return aisbx_error_make(err, errno, "open %s", EXEC_FIFO);
    return 0;
}

/* With a shared pid namespace (a pod), the init is visible to the pod from
 * its birth, so it must be born in the network, ipc and uts namespaces it
 * joins rather than join them later from the host's (the pod would read
 * the host's interfaces, sockets and hostname meanwhile). The parent joins
 * them just for the clone, then returns: they do not change its view of
 * files. The user and mount namespace paths stay the init's to join. */
static const int born_in[] = {SPEC_NS_NETWORK, SPEC_NS_IPC, SPEC_NS_UTS};
static const char *const born_in_proc[] = {"/proc/self/ns/net", "/proc/self/ns/ipc",
                                           "/proc/self/ns/uts"};

static int enter_born_in(const int *ns_fds, int *restore, int *joined, aisbx_error **err)
{
    for (size_t k = 0; k < 3; k++) {
        restore[k] = -1;
        if (ns_fds[SPEC_NS_PID] < 0 || ns_fds[born_in[k]] < 0)
            continue;
        restore[k] = open(born_in_proc[k], O_RDONLY | O_CLOEXEC);
        if (restore[k] < 0)
            return aisbx_error_make(err, errno, "open %s", born_in_proc[k]);
        if (setns(ns_fds[born_in[k]], ns_clone_flag(born_in[k])) < 0)
            return aisbx_error_make(err, errno, "join the configured %s namespace",
                                    spec_ns_type_name(born_in[k]));
        *joined |= ns_clone_flag(born_in[k]);
    }
    return 0;
}

static int leave_born_in(int *restore, aisbx_error **err)
{
    int r = 0;
    for (size_t k = 0; k < 3; k++)
        if (ns_restore_for_children(restore[k], ns_clone_flag(born_in[k]), err) < 0)
            r = -1;
    return r;
}

/* Step 3a, the cgroupfs driver: the cgroup is made and limited before the
 * clone, so that the init never waits for the move by pid (a grace period
 * on v1, cgroup.h). v2: *fd is opened on it and the init is born in it
 * (clone_into.h). v1: the init moves itself in through the `tasks` fds
 * opened here (cgroup_self_join) and says so; on a hybrid host *fd is the
 * unified hierarchy's directory, which it is born in. Elsewhere (systemd,
 * rootless) *fd stays -1 and step 4 makes or joins the cgroup once the
 * init exists. Before the namespaces are entered: /sys/fs/cgroup is the
 * host's here. AISBX_CLONE_INTO_CGROUP=0 takes the old order (clone, then
 * make the cgroup and write the pid): benchmarks measure the difference,
 * tests the other path. */
static int job_cgroup_before_clone(struct create_job *j, int *fd, aisbx_error **err)
{
    const struct spec_config *c = j->b.cfg;
    *fd = -1;
    if (j->plan.nproc_max || j->cgroup_early || j->st.systemd_cgroup || cgroup_way_in_by_pid())
        return 0;
    if (cgroup_create(j->st.cgroup_path, c->linux_ ? c->linux_->resources : NULL, 0, err) < 0)
        return -1;
    j->cgroup_created = true;
    if (cgroup_way_in_open(j->st.cgroup_path, &j->self_join, fd, err) < 0)
        return -1;
    j->cgroup_self_joining = j->self_join.n > 0;
    j->cgroup_unified = j->cgroup_self_joining && *fd >= 0;
    return 0;
}

/* Step 2c: the mount points, made here as host root when the init could
 * not make them: through an idmapped root (host root is not mapped there:
 * EOVERFLOW) or as the mapped root of a config-asked user namespace (a
 * root-owned image, issue 15 item 6). The same directory the init would
 * write, resolved inside the root the same way. */
static int job_mountpoints(struct create_job *j, aisbx_error **err)
{
    const struct spec_linux *lx = j->b.cfg->linux_;
    bool userns = (ns_new_flags(lx) & CLONE_NEWUSER) || ns_path(lx, SPEC_NS_USER);
    if (j->ctx->rootless || (j->b.root_tree_fd < 0 && !j->b.n_layer_fds && !userns))
        return 0;
    return rootfs_precreate_mountpoints(j->b.cfg, j->b.rootfs, j->b.mount_fds, err);
}

/* Step 3: clone the init into its new namespaces (and, v2, its cgroup). */
static int job_clone(struct create_job *j, aisbx_error **err)
{
    const struct spec_linux *lx = j->b.cfg->linux_;
    int pid_restore = -1, time_restore = -1, flags, r = 0, joined = 0;
    int born_restore[3] = {-1, -1, -1};
    cleanup_close int cg_fd = -1;

    if (job_cgroup_before_clone(j, &cg_fd, err) < 0)
        return -1;
    if (sync_pair(j->sync, err) < 0)
        return -1;
    if (ns_enter_pid_for_children(j->b.ns_fds[SPEC_NS_PID], &pid_restore, err) < 0)
        return -1;
    if (ns_new_time_for_children(lx, &time_restore, err) < 0 ||
        enter_born_in(j->b.ns_fds, born_restore, &joined, err) < 0) {
        leave_born_in(born_restore, NULL);
        ns_restore_for_children(time_restore, CLONE_NEWTIME, NULL);
        ns_restore_for_children(pid_restore, CLONE_NEWPID, NULL);
        return -1;
    }
    /* cgroup: unshared by the child once it is in its cgroup; time: above. */
    flags = ns_new_flags(lx) & ~(CLONE_NEWCGROUP | CLONE_NEWTIME);
    /* Decided here, not in the child: once the parent has written the
     * child's uid_map ("0 <uid> 1"), geteuid() in the child is 0, and a
     * child that asked then made itself non-dumpable, so that the parent's
     * next open (setgroups, gid_map) failed with EACCES (issue 13's
     * intermittent rootless failure, ~0.3% of creates). */
    bool dumpable_until_go = (flags & CLONE_NEWUSER) && geteuid() != 0;
    fflush(NULL);
    j->pid = clone_into_cgroup((unsigned long)flags, cg_fd, &j->cgroup_born_in);
    if (j->pid == 0) {
        const struct spec_hooks *h = j->b.cfg->hooks;
        struct init_args a = {
            .cfg = j->b.cfg,
            .plan = &j->plan,
            .id = j->id,
            .rootfs = j->b.rootfs,
            .bundle = j->b.bundle,
            .sync_fd = j->sync[1],
            .fifo_fd = j->fifo_fd,
            .state_dirfd = j->dirfd,
            .new_flags = ns_new_flags(lx),
            /* an unprivileged parent writes the maps (or runs newuidmap)
             * only into a dumpable child's /proc files */
            .dumpable_until_go = dumpable_until_go,
            .joined_flags = joined,
            .no_pivot = j->o->no_pivot,
            .no_new_keyring = j->o->no_new_keyring,
            .hooks_roundtrip = h && (h->prestart.n || h->create_runtime.n),
            .ns_fds = j->b.ns_fds,
            .mount_fds = j->b.mount_fds,
            .n_mount_fds = j->b.cfg->n_mounts,
            .userns_fd = j->b.userns_fd,
            .root_tree_fd = j->b.root_tree_fd,
            .layer_fds = j->b.layer_fds,
            .n_layer_fds = j->b.n_layer_fds,
            .cgroup_tasks_fds = j->self_join.tasks_fds,
            .n_cgroup_tasks_fds = j->self_join.n,
        };
        close(j->sync[0]);
        close(j->lockfd);
        if (cg_fd >= 0)
            close(cg_fd);
        init_main(&a);
    }
    cgroup_self_join_close(&j->self_join); /* the init has its copies */
    if (j->pid < 0)
        r = aisbx_error_make(err, errno, "clone the container init");
    else if (j->cgroup_born_in)
        log_debug("init %d born in cgroup %s (clone3 CLONE_INTO_CGROUP)", (int)j->pid,
                  j->st.cgroup_path);
    if (leave_born_in(born_restore, err) < 0 ||
        ns_restore_for_children(time_restore, CLONE_NEWTIME, err) < 0 ||
        ns_restore_for_children(pid_restore, CLONE_NEWPID, err) < 0)
        r = -1;
    close(j->sync[1]);
    j->sync[1] = -1;
    return r;
}

/* Step 4: what the parent does for the child before it may go on. */
static int job_parent_setup(struct create_job *j, aisbx_error **err)
{
    const struct spec_config *c = j->b.cfg;
    int64_t pids_max = 0;
    if (proc_start_time(j->pid, &j->st.pid_start_time, err) < 0)
        return -1;
    j->st.pid = j->pid;
    bool no_groups = false;
    if (c->linux_ && idmap_write_all(j->pid, c->linux_, geteuid() == 0, &no_groups, err) < 0)
        return -1;
    if (no_groups && c->process->user.n_additional_gids)
        return aisbx_error_make(err, 0,
                                "process.user.additionalGids: setgroups is denied in a user "
                                "namespace with a single gid mapping (rootless)");
    if (c->process->has_oom_score_adj &&
        process_set_oom_score_adj(j->pid, c->process->oom_score_adj, err) < 0)
        return -1;
    if (j->plan.nproc_max) /* rootless without a cgroup: job_rootless_cgroup */
        return save_state(j, "creating", err) < 0
                   ? -1
                   : sync_send(j->sync[0], SYNC_GO, j->pid, NULL, err);
    if (j->cgroup_self_joining) { /* v1: the init moved itself in (step 3a) */
        struct sync_msg m;
        if (sync_expect(j->sync[0], SYNC_JOINED, &m, err) < 0)
            return -1;
        /* hybrid, and clone3 refused the unified directory: by pid there */
        if (j->cgroup_unified && !j->cgroup_born_in &&
            cgroup_enter(j->st.cgroup_path, j->pid, err) < 0)
            return -1;
    } else if (j->cgroup_early || j->cgroup_created) { /* rootless, or v2 made before the clone */
        if (!j->cgroup_born_in && cgroup_enter(j->st.cgroup_path, j->pid, err) < 0)
            return -1;
    } else if (j->st.systemd_cgroup) {
        /* Rootless: a unit of the user's systemd, without the device
         * cgroup no user may set (rootless_cgroup_resources). */
        const struct spec_resources *res = c->linux_ ? c->linux_->resources : NULL;
        struct spec_resources *rl = j->ctx->rootless ? rootless_cgroup_resources(res) : NULL;
        int made = cgroup_create_unit(&j->st.cgroup_path, rl ? rl : res, j->pid, err);
        spec_resources_free(rl);
        if (made < 0)
            return -1;
    } else {
        /* made and limited first, then entered: a failure to enter (a
         * hierarchy refusing the pid after others took it) is undone by
         * job_undo, which kills the init before removing the directories
         * (they are busy while it is in them) */
        if (cgroup_create(j->st.cgroup_path, c->linux_ ? c->linux_->resources : NULL, 0, err) < 0)
            return -1;
        j->cgroup_created = true;
        if (cgroup_enter(j->st.cgroup_path, j->pid, err) < 0)
            return -1;
    }
    j->cgroup_created = true;
    /* The floor's pids cap holds only for a member: born in or attached,
     * check where the kernel says the init is before it may go on. */
    if (cgroup_check_member(j->st.cgroup_path, j->pid, err) < 0)
        return aisbx_error_wrap(err, "overlay verification failed: cgroup membership");
    /* The floor: never run without a pids limit, whatever the cgroup code
     * did with the config. */
    if (cgroup_pids_max(j->st.cgroup_path, &pids_max, err) < 0)
        return aisbx_error_wrap(err, "overlay verification failed: pids limit");
    if (pids_max < 0 || pids_max > j->b.policy.pids_max)
        return aisbx_error_make(err, 0,
                                "overlay verification failed: pids.max is %lld, "
                                "policy allows %lld",
                                (long long)pids_max, (long long)j->b.policy.pids_max);
    if (save_state(j, "creating", err) < 0)
        return -1;
    return sync_send(j->sync[0], SYNC_GO, j->pid, NULL, err);
}

static int run_runtime_hooks(struct create_job *j, aisbx_error **err)
{
    const struct spec_hooks *h = j->b.cfg->hooks;
    char *json = NULL;
    int r;
    if (state_json(j, "creating", &json, err) < 0)
        return -1;
    r = hooks_run(&h->prestart, j->b.bundle, "prestart", json, err);
    if (r == 0)
        r = hooks_run(&h->create_runtime, j->b.bundle, "createRuntime", json, err);
    free(json);
    return r;
}

/* Step 5: follow the child through the protocol until it is ready. */
static int job_wait_ready(struct create_job *j, aisbx_error **err)
{
    struct sync_msg m;
    for (;;) {
        int r = sync_recv(j->sync[0], &m, err);
        if (r < 0)
            return -1;
        if (r == 1) {
            int status = 0;
            waitpid(j->pid, &status, 0);
            j->pid = 0;
            return aisbx_error_make(err, 0, "container init exited before it was ready (%s %d)",
                                    WIFSIGNALED(status) ? "signal" : "status",
                                    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        }
        switch (m.type) {
        case SYNC_HOOKS:
            if (run_runtime_hooks(j, err) < 0)
                return -1;
            if (sync_send(j->sync[0], SYNC_HOOKS_DONE, 0, NULL, err) < 0)
                return -1;
            break;
        case SYNC_READY:
            return 0;
        case SYNC_ERROR:
            return sync_error_from(&m, err);
        default:
            return aisbx_error_make(err, 0, "sync: unexpected message %u", m.type);
        }
    }
}

void create_add_cleanup_error(aisbx_error **err, aisbx_error **cleanup)
{
    if (!cleanup || !*cleanup)
        return;
    log_warning("cleanup: %s", (*cleanup)->msg);
    if (err && *err) {
        char *m = xasprintf("%s; cleanup also failed: %s", (*err)->msg, (*cleanup)->msg);
        free((*err)->msg);
        (*err)->msg = m;
    } else if (err) {
        aisbx_error_make(err, (*cleanup)->errnum, "cleanup failed: %s", (*cleanup)->msg);
    }
    aisbx_error_free(cleanup);
}

/* Every step is tried even when an earlier one fails; each failure is
 * added to *err (the create error the caller returns). */
static void job_undo(struct create_job *j, aisbx_error **err)
{
    aisbx_error *e = NULL;
    if (j->pid > 0) {
        kill(j->pid, SIGKILL);
        waitpid(j->pid, NULL, 0);
    }
    if (j->cgroup_created && cgroup_destroy(j->st.cgroup_path, j->st.systemd_cgroup, &e) < 0)
        create_add_cleanup_error(err, &e);
    if (j->dir_created && state_dir_remove(j->ctx->root, j->id, &e) < 0)
        create_add_cleanup_error(err, &e);
}

static void job_free(struct create_job *j)
{
    int fds[] = {j->dirfd, j->lockfd, j->fifo_fd, j->sync[0], j->sync[1]};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    cgroup_self_join_close(&j->self_join);
    launch_plan_free(&j->plan);
    free(j->st.oci_version);
    free(j->st.id);
    free(j->st.status);
    free(j->st.bundle);
    free(j->st.rootfs);
    free(j->st.created);
    free(j->st.owner);
    free(j->st.cgroup_path);
    spec_kvlist_free(&j->st.annotations);
    hardened_bundle_free(&j->b);
}

int create_container_internal(const struct aisbx_context *ctx, const char *id,
                              const struct create_options *o, pid_t *pid, aisbx_error **err)
{
    struct create_job j = {.ctx = ctx,
                           .id = id,
                           .o = o,
                           .plan = {.console_fd = -1},
                           .b = {.userns_fd = -1, .root_tree_fd = -1},
                           .self_join = {.unified_fd = -1}};
    int r;
    j.dirfd = j.lockfd = j.fifo_fd = j.sync[0] = j.sync[1] = -1;

    r = job_prepare(&j, err);
    if (r == 0)
        overlay_changes_log(&j.b.changes);
    FAULT_POINT("create:prepared");
    if (r == 0)
        r = job_state_dir(&j, err);
    FAULT_POINT("create:state-dir");
    if (r == 0)
        r = job_rootless_cgroup(&j, err);
    if (r == 0)
        r = job_mountpoints(&j, err);
    if (r == 0)
        r = job_clone(&j, err);
    FAULT_POINT("create:cloned");
    if (r == 0)
        r = job_parent_setup(&j, err);
    FAULT_POINT("create:cgroup");
    if (r == 0)
        r = job_wait_ready(&j, err);
    FAULT_POINT("create:ready");
    if (r == 0)
        r = userns_setup_keep(&j.b, j.pid, err);
    if (r == 0 && o->pid_file)
        r = pid_file_write(o->pid_file, j.pid, err);
    FAULT_POINT("create:pid-file");
    if (r == 0)
        r = save_state(&j, "created", err);
    FAULT_POINT("create:state-saved");
    if (r < 0) {
        job_undo(&j, err);
        j.b.userns_kept = false; /* job_free releases the slot */
    } else {
        *pid = j.pid;
    }
    job_free(&j);
    return r;
}

int container_create(const struct aisbx_context *ctx, const char *id,
                     const struct create_options *o, aisbx_error **err)
{
    pid_t pid;
    return create_container_internal(ctx, id, o, &pid, err);
}
