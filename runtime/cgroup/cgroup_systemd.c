/* The systemd half of --systemd-cgroup: starts, changes and stops the
 * container's transient unit by running aisbx-systemd (the dynamically
 * linked helper next to the aisbx binary, cmd/aisbx-systemd/), which speaks
 * systemd's D-Bus API through sd-bus. The cgroupfs work inside the unit's
 * cgroup stays with the v1/v2 drivers (cgroup.c composes the two). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup/cgroup_internal.h"
#include "runtime/cgroup/systemd_unit.h"
#include "runtime/fd_util.h"
#include "runtime/log.h"

#define HELPER_NAME "aisbx-systemd"

/* The helper is judged once: opened next to the running binary, checked
 * (a regular file that only its owner may write, owned by root, by us, or
 * by whoever owns the aisbx binary itself: it is trusted no more than that
 * binary is; in rootless podman's user namespace a root-owned install shows
 * the overflow uid for both) and executed through that fd. */
static int open_helper(char **where, aisbx_error **err)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return aisbx_error_make(err, errno, "readlink /proc/self/exe");
    self[n] = '\0';
    struct stat self_st;
    bool self_ok = stat(self, &self_st) == 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    *where = xasprintf("%s/%s", self, HELPER_NAME);
    int fd = open(*where, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(
            err, errno, "systemd cgroup driver: %s is missing (install it next to aisbx)", *where);
    struct stat st;
    bool owner_ok = false;
    if (fstat(fd, &st) == 0)
        owner_ok =
            st.st_uid == 0 || st.st_uid == geteuid() || (self_ok && st.st_uid == self_st.st_uid);
    if (!owner_ok || !S_ISREG(st.st_mode) || (st.st_mode & 0022)) {
        close(fd);
        return aisbx_error_make(err, EPERM,
                                "systemd cgroup driver: %s is not a regular file owned by root "
                                "(or aisbx's owner) and writable only by its owner",
                                *where);
    }
    return fd;
}

/* The last non-empty line of the helper's stderr, without its prefix. */
static char *last_line(char *buf)
{
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    char *nl = strrchr(buf, '\n'), *line = nl ? nl + 1 : buf;
    static const char prefix[] = "aisbx-systemd: ";
    if (strncmp(line, prefix, sizeof(prefix) - 1) == 0)
        line += sizeof(prefix) - 1;
    return line;
}

/* Reads fd to EOF into a NUL-terminated buf of len bytes (the rest is
 * drained and dropped: the helper writes one line to each). */
static void read_capped(int fd, char *buf, size_t len)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, len - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == len - 1) {
            char junk[512];
            while (read(fd, junk, sizeof(junk)) > 0)
                ;
            break;
        }
    }
    buf[n] = '\0';
}

/* Runs the helper with args (NULL-terminated, without argv[0]), for the
 * user's manager when user; its one error line becomes the error. out (may
 * be NULL): its stdout, heap. */
static int run_helper(bool user, char *const *args, char **out, aisbx_error **err)
{
    char *where = NULL;
    int fd = open_helper(&where, err);
    if (fd < 0) {
        free(where);
        return -1;
    }
    size_t nargs = 0;
    while (args[nargs])
        nargs++;
    char **argv = calloc(nargs + 3, sizeof(*argv));
    if (!argv)
        abort();
    size_t a = 0;
    argv[a++] = (char *)HELPER_NAME;
    if (user)
        argv[a++] = (char *)"--user";
    for (size_t i = 0; i < nargs; i++)
        argv[a++] = args[i];
    /* A clean environment: only the bus's address is the caller's to
     * choose (the system bus's, or for the user's manager the user bus's
     * and the runtime dir that holds it). */
    char *env[3] = {NULL, NULL, NULL};
    static const char *const sys_vars[] = {"DBUS_SYSTEM_BUS_ADDRESS", NULL};
    static const char *const user_vars[] = {"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", NULL};
    size_t ne = 0;
    for (const char *const *v = user ? user_vars : sys_vars; *v; v++)
        if (getenv(*v))
            env[ne++] = xasprintf("%s=%s", *v, getenv(*v));
    char *envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", env[0], env[1], NULL};
    int errp[2] = {-1, -1}, outp[2] = {-1, -1};
    int ret = -1;
    if (pipe2(errp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0) {
        aisbx_error_make(err, errno, "pipe");
        goto out;
    }
    pid_t pid = fork();
    if (pid < 0) {
        aisbx_error_make(err, errno, "fork %s", where);
        goto out;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(outp[1], 1);
        dup2(errp[1], 2);
        signal(SIGPIPE, SIG_DFL);
        execveat(fd, "", argv, envp, AT_EMPTY_PATH);
        dprintf(2, "aisbx-systemd: exec %s: %s\n", where, strerror(errno));
        _exit(127);
    }
    close(errp[1]);
    close(outp[1]);
    errp[1] = outp[1] = -1;
    /* Both are one short line, far below a pipe's buffer: stderr to its
     * end first cannot block the helper on stdout. */
    char buf[4096], obuf[4096];
    read_capped(errp[0], buf, sizeof(buf));
    read_capped(outp[0], obuf, sizeof(obuf));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    const char *line = last_line(buf); /* the helper's error, without its prefix */
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ret = 0;
        if (out) {
            obuf[strcspn(obuf, "\n")] = '\0';
            *out = xstrdup(obuf);
        }
    } else if (strncmp(line, "usage:", 6) == 0)
        /* aisbx builds every argv itself: a helper that cannot parse one is
         * from another build (a copied or half-upgraded install). */
        aisbx_error_make(err, 0,
                         "systemd cgroup driver: %s does not take this aisbx's arguments "
                         "(\"%s\"): install aisbx and aisbx-systemd from one build",
                         where, line);
    else if (*line)
        aisbx_error_make(err, 0, "%s", line);
    else
        aisbx_error_make(err, 0, "%s %s failed (status %d)", HELPER_NAME, args[0], status);
out:
    for (int i = 0; i < 2; i++) {
        if (errp[i] >= 0)
            close(errp[i]);
        if (outp[i] >= 0)
            close(outp[i]);
    }
    close(fd);
    free(env[0]);
    free(env[1]);
    free(argv);
    free(where);
    return ret;
}

static char *read_proc_devices(void)
{
    char *text = NULL;
    size_t len;
    int fd = open("/proc/devices", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read_all(fd, &text, &len, 1 << 20) < 0)
        text = NULL; /* no names: whole-major rules are left out (stricter) */
    if (fd >= 0)
        close(fd);
    return text;
}

/* systemd's ControlGroup for the unit must be a unit path naming that unit
 * of that manager: it becomes the path every later call trusts. */
static int check_readback(const struct systemd_unit *u, const char *got, aisbx_error **err)
{
    struct systemd_unit back;
    aisbx_error *e = NULL;
    if (systemd_unit_from_path(got, &back, &e) < 0) {
        aisbx_error_free(&e);
        return aisbx_error_make(err, 0, "systemd put unit %s in cgroup '%s', not a unit's path",
                                u->unit, got);
    }
    bool same = strcmp(back.unit, u->unit) == 0 && back.user == u->user;
    systemd_unit_free(&back);
    if (!same)
        return aisbx_error_make(err, 0, "systemd reports cgroup '%s' for unit %s", got, u->unit);
    return 0;
}

int cg_systemd_start(const char *path, const struct spec_resources *r, pid_t pid, char **actual,
                     aisbx_error **err)
{
    struct systemd_unit u;
    struct spec_strlist args = {0};
    int ret = -1;
    if (systemd_unit_from_path(path, &u, err) < 0)
        return -1;
    char *devices = read_proc_devices();
    char *pid_s = xasprintf("%d", (int)pid), *desc = xasprintf("aisbx container %s", u.unit);
    spec_strlist_push(&args, "start");
    spec_strlist_push(&args, u.unit);
    spec_strlist_push(&args, u.slice);
    spec_strlist_push(&args, pid_s);
    spec_strlist_push(&args, desc);
    /* A user's manager cannot attach a device program (that needs
     * CAP_SYS_ADMIN); the device bound there is the rootless one
     * (rootless_cgroup.c), so no DeviceAllow is sent that it would ignore. */
    if (systemd_unit_props(r, !u.user, devices, &args, err) == 0) {
        log_debug("systemd: starting %s in %s for pid %d (%s manager)", u.unit, u.slice, (int)pid,
                  u.user ? "user" : "system");
        ret = run_helper(u.user, args.v, actual, err);
    }
    if (ret == 0 && check_readback(&u, *actual, err) < 0) {
        char *stop[] = {(char *)"stop", u.unit, NULL};
        aisbx_error *e = NULL;
        if (run_helper(u.user, stop, NULL, &e) < 0)
            log_warning("%s", e->msg);
        aisbx_error_free(&e);
        free(*actual);
        *actual = NULL;
        ret = -1;
    }
    spec_strlist_free(&args);
    free(pid_s);
    free(desc);
    free(devices);
    systemd_unit_free(&u);
    return ret;
}

int cg_systemd_set(const char *path, const struct spec_resources *r, aisbx_error **err)
{
    struct systemd_unit u;
    struct spec_strlist args = {0};
    int ret = -1;
    if (systemd_unit_from_path(path, &u, err) < 0)
        return -1;
    spec_strlist_push(&args, "set");
    spec_strlist_push(&args, u.unit);
    if (systemd_unit_props(r, false, NULL, &args, err) == 0)
        ret = args.n > 2 ? run_helper(u.user, args.v, NULL, err) : 0;
    spec_strlist_free(&args);
    systemd_unit_free(&u);
    return ret;
}

int cg_systemd_stop(const char *path, aisbx_error **err)
{
    struct systemd_unit u;
    if (systemd_unit_from_path(path, &u, err) < 0)
        return -1;
    char *args[] = {(char *)"stop", u.unit, NULL};
    log_debug("systemd: stopping %s", u.unit);
    int ret = run_helper(u.user, args, NULL, err);
    systemd_unit_free(&u);
    return ret;
}

int cg_systemd_attach(const char *path, pid_t pid, aisbx_error **err)
{
    struct systemd_unit u;
    if (systemd_unit_from_path(path, &u, err) < 0)
        return -1;
    char *pid_s = xasprintf("%d", (int)pid);
    char *args[] = {(char *)"attach", u.unit, pid_s, NULL};
    log_debug("systemd: attaching pid %d to %s", (int)pid, u.unit);
    int ret = run_helper(u.user, args, NULL, err);
    free(pid_s);
    systemd_unit_free(&u);
    return ret;
}
