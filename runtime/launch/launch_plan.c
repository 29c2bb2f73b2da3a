#include "runtime/launch/launch_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/kernel/console.h"
#include "runtime/kernel/process_attrs.h"
#include "runtime/launch/process_final.h"
#include "runtime/log.h"
#include "runtime/overlay/overlay.h"
#include "runtime/userns_range.h"

/* In the range aisbx gives a container, an id past it is not mapped: the
 * process could not take it (setresuid fails, after the whole setup), and
 * its terminal would first be chowned to a host id of another container's
 * range. Refused before anything is made. */
static int check_ids_mapped(const struct spec_user *u, aisbx_error **err)
{
    const char *what = NULL;
    uint32_t id = 0;
    if (u->uid >= USERNS_RANGE_SIZE)
        what = "uid", id = u->uid;
    else if (u->gid >= USERNS_RANGE_SIZE)
        what = "gid", id = u->gid;
    for (size_t i = 0; !what && i < u->n_additional_gids; i++)
        if (u->additional_gids[i] >= USERNS_RANGE_SIZE)
            what = "additional gid", id = u->additional_gids[i];
    if (!what)
        return 0;
    return aisbx_error_make(err, 0,
                            "process %s %u is not mapped in the container's user namespace "
                            "(ids 0-%u)",
                            what, id, USERNS_RANGE_SIZE - 1);
}

int launch_plan_prepare(struct launch_plan *p, const struct spec_config *cfg,
                        const struct spec_process *proc, const char *console_socket, int relay_fd,
                        int preserve_fds, aisbx_error **err)
{
    memset(p, 0, sizeof(*p));
    p->console_fd = -1;
    p->process = proc;
    p->preserve_fds = preserve_fds;
    p->seccomp = cfg->linux_ ? cfg->linux_->seccomp : NULL;
    const char *base = spec_kvlist_get(&cfg->annotations, USERNS_ANNOTATION);
    p->userns_base = base ? (uint32_t)strtoul(base, NULL, 10) : 0;
    if (spec_env_check(&proc->env, err) < 0)
        return -1;
    if (p->userns_base && check_ids_mapped(&proc->user, err) < 0)
        return -1;
    if (proc->terminal && !console_socket && relay_fd < 0)
        return aisbx_error_make(err, 0,
                                "cannot allocate tty if aisbx will detach without "
                                "setting console socket");
    /* Decided here, on the host side: after pivot_root the container's /sys
     * has no securityfs and says nothing about the host's LSMs. */
    if (process_check_exec_labels("", proc->apparmor_profile, proc->selinux_label, err) < 0)
        return -1;
    if (seccomp_compile_floor(&p->floor, err) < 0)
        goto fail;
    if (p->seccomp) {
        if (seccomp_compile_config(p->seccomp, &p->filter, err) < 0)
            goto fail;
        p->filter_flags = seccomp_flags_from_spec(p->seccomp, err);
    }
    if (console_socket &&
        fd_connect_unix(console_socket, &p->console_fd, "console socket", err) < 0)
        goto fail;
    if (!console_socket && proc->terminal && relay_fd >= 0 &&
        (p->console_fd = fcntl(relay_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
        aisbx_error_make(err, errno, "duplicate the console relay socket");
        goto fail;
    }
    return 0;
fail:
    launch_plan_free(p);
    return -1;
}

void launch_plan_free(struct launch_plan *p)
{
    seccomp_program_free(&p->floor);
    seccomp_program_free(&p->filter);
    if (p->console_fd >= 0)
        close(p->console_fd);
    p->console_fd = -1;
}

int launch_connect_listener(const struct launch_plan *p, int *sock, aisbx_error **err)
{
    return process_connect_listener(p->seccomp, sock, err);
}

int launch_listener_state(const struct launch_plan *p, const struct spec_state *st, pid_t host_pid,
                          char **json, aisbx_error **err)
{
    size_t len;
    *json = NULL;
    return spec_process_state_generate(st, host_pid, p->seccomp->listener_metadata, json, &len,
                                       err);
}

int launch_console(const struct launch_plan *p, bool bind_dev_console, aisbx_error **err)
{
    const struct spec_process *proc = p->process;
    cleanup_free char *slave = NULL;
    int master = -1, r = -1;
    if (!proc->terminal)
        return 0;
    if (p->console_fd < 0)
        return aisbx_error_make(err, 0, "process.terminal is set but no --console-socket given");
    if (console_open_pty(&master, &slave, err) < 0)
        goto out;
    if (proc->has_console_size &&
        console_set_size(master, proc->console_size.height, proc->console_size.width, err) < 0)
        goto out;
    if (console_send_master(p->console_fd, master, err) < 0 ||
        console_make_controlling(slave, err) < 0)
        goto out;
    /* The terminal belongs to the process's user (runc's
     * fixStdioPermissions); the gid stays devpts's (tty, gid=5). A user
     * namespace that does not map the owner refuses: left as it is. In
     * the container's own namespace (still to be joined) the owner is the
     * host id of the process's uid, its root included. */
    uid_t owner = userns_host_id(proc->user.uid, p->userns_base);
    if (owner != 0 && fchown(STDIN_FILENO, owner, (gid_t)-1) < 0)
        log_debug("chown the terminal to %u: %s", owner, strerror(errno));
    /* /dev/console is the conventional name of the container's terminal;
     * its mount point was made while /dev was still writable. */
    if (bind_dev_console) {
        int fd = open("/dev/console", O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
        if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
            log_debug("bind %s on /dev/console: %s", slave, strerror(errno));
    }
    r = 0;
out:
    if (master >= 0)
        close(master);
    close(p->console_fd);
    return r;
}
