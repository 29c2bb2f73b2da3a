/* `exec`: a new process in a running container. It joins every namespace
 * and the cgroup of the init, and gets the same floor: the overlay on its
 * process spec, no_new_privs, the floor filter plus the config's filter. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/fault.h"
#include "runtime/fd_util.h"
#include "runtime/kernel/console.h"
#include "runtime/kernel/console_relay.h"
#include "runtime/kernel/namespaces.h"
#include "runtime/kernel/proc_info.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/launch/exec.h"
#include "runtime/launch/exec_path.h"
#include "runtime/launch/launch_plan.h"
#include "runtime/launch/process_final.h"
#include "runtime/launch/sync.h"
#include "runtime/lifecycle/bundle.h"
#include "runtime/lifecycle/handle.h"
#include "runtime/lifecycle/pid_file.h"
#include "runtime/lifecycle/rootless.h"
#include "runtime/log.h"

struct exec_job {
    struct container_handle h;
    struct spec_config *cfg;
    struct spec_process *proc;  /* hardened */
    struct launch_plan plan;    /* the same preparation as create's */
    struct exec_launch x;       /* the fork (launch/exec_spawn.c) */
    struct console_relay relay; /* -t in the foreground without a socket */
};

static int parse_user(const char *s, struct spec_user *u, aisbx_error **err)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || (*end && *end != ':'))
        return aisbx_error_make(err, 0, "invalid --user \"%s\": want uid[:gid]", s);
    u->uid = (uint32_t)v;
    if (*end == ':') {
        const char *g = end + 1;
        v = strtoul(g, &end, 10);
        if (end == g || *end)
            return aisbx_error_make(err, 0, "invalid --user \"%s\": want uid[:gid]", s);
        u->gid = (uint32_t)v;
    }
    return 0;
}

/* Rootless without a cgroup (create's ANNOTATION_PIDS_CAP): the exec
 * process gets the init's RLIMIT_NPROC, or the policy's if lower. The
 * count is shared by the container's uid, so the cap holds for all. */
static uint64_t exec_nproc_max(const struct spec_state *s, const struct aisbx_policy *pol)
{
    const char *v = spec_kvlist_get(&s->annotations, ANNOTATION_PIDS_CAP);
    const char *pre = "rlimit-nproc:";
    if (!v || strncmp(v, pre, strlen(pre)) != 0)
        return 0;
    unsigned long long n = strtoull(v + strlen(pre), NULL, 10);
    if (n == 0 || n > (unsigned long long)pol->pids_max)
        n = (unsigned long long)pol->pids_max;
    return n;
}

/* --additional-gids: added to the process's supplementary groups, from
 * --process too (the overlay judges the result either way). */
static int add_gids(const struct spec_strlist *gids, struct spec_process *p, aisbx_error **err)
{
    for (size_t i = 0; i < gids->n; i++) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(gids->v[i], &end, 10);
        if (errno || end == gids->v[i] || *end || gids->v[i][0] == '-' || v > UINT32_MAX - 1)
            return aisbx_error_make(err, 0, "additional-gids must be a positive number: \"%s\"",
                                    gids->v[i]);
        struct spec_user *u = &p->user;
        u->additional_gids =
            realloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
        if (!u->additional_gids)
            abort();
        u->additional_gids[u->n_additional_gids++] = (uint32_t)v;
    }
    return 0;
}

/* --cgroup SUB: runc's [<controller>:]<cgroup>; only the form without a
 * controller (every hierarchy, the only one on cgroup v2) is supported,
 * the other is refused rather than approximated. SUB stays under the
 * container's cgroup: no ".." component. */
static int sub_cgroup_path(const struct spec_strlist *cg, const char *base, char **out,
                           aisbx_error **err)
{
    *out = NULL;
    if (!cg->n)
        return 0;
    const char *s = cg->v[0];
    if (cg->n > 1 || strchr(s, ':'))
        return aisbx_error_make(err, 0,
                                "exec --cgroup %s: only one sub-cgroup without a controller "
                                "prefix is supported",
                                s);
    if (!base || !*base)
        return aisbx_error_make(err, 0, "exec --cgroup: the container has no cgroup");
    while (*s == '/')
        s++;
    for (const char *c = s; *c;) {
        size_t len = strcspn(c, "/");
        if (len == 2 && c[0] == '.' && c[1] == '.')
            return aisbx_error_make(err, 0, "exec --cgroup %s is not a sub cgroup path", cg->v[0]);
        c += len + (c[len] == '/');
    }
    if (!*s)
        return 0;
    *out = xasprintf("%s/%s", base, s);
    return 0;
}

static int build_process(const struct exec_options *o, const struct spec_config *cfg,
                         struct spec_process **out, aisbx_error **err)
{
    struct spec_process *p;
    if (o->process_file) {
        char *buf = NULL;
        size_t len = 0;
        int fd = open(o->process_file, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return aisbx_error_make(err, errno, "open process file %s", o->process_file);
        int r = read_all(fd, &buf, &len, SPEC_MAX_CONFIG_BYTES);
        close(fd);
        if (r < 0) {
            free(buf);
            return aisbx_error_make(err, errno, "read process file %s", o->process_file);
        }
        r = spec_process_parse(buf, len, out, err);
        free(buf);
        if (r < 0)
            return aisbx_error_wrap(err, "process file %s", o->process_file);
        if (add_gids(&o->additional_gids, *out, err) < 0) {
            spec_process_free(*out);
            *out = NULL;
            return -1;
        }
        return 0;
    }
    /* runc: the container's process with args, env, cwd, user replaced. */
    p = spec_process_dup(cfg->process);
    spec_strlist_free(&p->args);
    for (size_t i = 0; i < o->args.n; i++)
        spec_strlist_push(&p->args, o->args.v[i]);
    for (size_t i = 0; i < o->env.n; i++)
        spec_strlist_push(&p->env, o->env.v[i]);
    if (o->cwd) {
        free(p->cwd);
        p->cwd = xstrdup(o->cwd);
    }
    p->terminal = o->tty;
    /* runc: these replace the container's own (without --process only). */
    if (o->apparmor && *o->apparmor) {
        free(p->apparmor_profile);
        p->apparmor_profile = xstrdup(o->apparmor);
    }
    if (o->process_label && *o->process_label) {
        free(p->selinux_label);
        p->selinux_label = xstrdup(o->process_label);
    }
    if ((o->user && parse_user(o->user, &p->user, err) < 0) ||
        add_gids(&o->additional_gids, p, err) < 0) {
        spec_process_free(p);
        return -1;
    }
    if (o->caps.n && p->capabilities)
        for (size_t i = 0; i < o->caps.n; i++) {
            spec_strlist_push(&p->capabilities->bounding, o->caps.v[i]);
            spec_strlist_push(&p->capabilities->effective, o->caps.v[i]);
            spec_strlist_push(&p->capabilities->permitted, o->caps.v[i]);
        }
    *out = p;
    return 0;
}

int container_exec(const struct aisbx_context *ctx, const char *id, const struct exec_options *o,
                   int *status, aisbx_error **err)
{
    struct exec_job j = {.plan = {.console_fd = -1},
                         .x = {.sync = {-1, -1}, .pidfd = -1},
                         .relay = CONSOLE_RELAY_NONE};
    struct spec_process *raw = NULL;
    struct overlay_changes ch = {0};
    struct aisbx_policy pol;
    char *sub_cgroup = NULL;
    int r = -1, ws;

    if (handle_open(ctx, id, &j.h, err) < 0)
        return -1;
    /* A created container counts (runc allows it): its init is waiting in
     * its namespaces; the exec'd process gets the same launch plan. */
    if (!cs_is_live(j.h.status) && j.h.status != CS_CREATED) {
        /* runc's text, which scripts and error classifiers match */
        if (j.h.status == CS_STOPPED)
            aisbx_error_make(err, 0, "cannot exec in a stopped container");
        else
            aisbx_error_make(err, 0, "cannot exec in a container that is %s",
                             container_status_name(j.h.status));
        goto out;
    }
    /* The new process would join the frozen cgroup and wait with it: a
     * call that cannot progress must fail, unless asked for (runc's text). */
    if (j.h.status == CS_PAUSED && !o->ignore_paused) {
        aisbx_error_make(err, 0,
                         "cannot exec in a paused container (use --ignore-paused to override)");
        goto out;
    }
    if (sub_cgroup_path(&o->cgroups, j.h.state->cgroup_path, &sub_cgroup, err) < 0 ||
        handle_load_config(&j.h, &j.cfg, err) < 0 || build_process(o, j.cfg, &raw, err) < 0 ||
        policy_load(ctx->policy_path, &pol, err) < 0 ||
        overlay_apply_process(raw, &pol, &j.proc, &ch, err) < 0)
        goto out;
    overlay_changes_log(&ch);
    if (j.proc->terminal && !o->console_socket && !o->detach &&
        console_relay_open(&j.relay, err) < 0)
        goto out;
    if (launch_plan_prepare(&j.plan, j.cfg, j.proc, o->console_socket, j.relay.theirs,
                            o->preserve_fds, err) < 0)
        goto out;
    j.plan.nproc_max = exec_nproc_max(j.h.state, &pol);
    if (j.plan.nproc_max && rootless_nproc_check_process(j.proc, err) < 0)
        goto out;
    /* Unlock before the program runs: a long exec must not block delete. */
    close(j.h.lockfd);
    j.h.lockfd = -1;
    j.x = (struct exec_launch){.cfg = j.cfg,
                               .proc = j.proc,
                               .state = j.h.state,
                               .plan = &j.plan,
                               .sub_cgroup = sub_cgroup,
                               .rootless = ctx->rootless,
                               .sync = {-1, -1},
                               .pidfd = -1};
    if (exec_launch_spawn(&j.x, err) < 0) {
        if (j.x.pid > 0) {
            kill(j.x.pid, SIGKILL);
            waitpid(j.x.pid, NULL, 0);
        }
        goto out;
    }
    /* A pid file that cannot be written fails the exec: the process it
     * would have named is killed and reaped, as runc's exec does, not left
     * running for nobody to wait for. */
    if (o->pid_file && pid_file_write(o->pid_file, j.x.pid, err) < 0) {
        kill(j.x.pid, SIGKILL);
        waitpid(j.x.pid, NULL, 0);
        goto out;
    }
    *status = 0;
    r = 0;
    if (!o->detach && j.relay.ours >= 0) {
        if (console_relay_run(&j.relay, j.x.pid, status, err) < 0) {
            kill(j.x.pid, SIGKILL);
            waitpid(j.x.pid, NULL, 0);
            r = -1;
        }
    } else if (!o->detach) {
        while (waitpid(j.x.pid, &ws, 0) < 0)
            if (errno != EINTR) {
                r = aisbx_error_make(err, errno, "wait for exec process");
                goto out;
            }
        *status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
    }
out:
    free(sub_cgroup);
    console_relay_close(&j.relay);
    exec_launch_close(&j.x);
    overlay_changes_free(&ch);
    spec_process_free(raw);
    spec_process_free(j.proc);
    spec_config_free(j.cfg);
    launch_plan_free(&j.plan);
    handle_close(&j.h);
    return r;
}
