/* The systemd half of --systemd-cgroup: starts, changes and stops the
 * container's transient unit by running aisbx-systemd (the dynamically
 * linked helper next to the aisbx binary, cmd/aisbx-systemd/), which speaks
 * systemd's D-Bus API through sd-bus. The cgroupfs work inside the unit's
 * cgroup stays with the v1/v2 drivers (cgroup.c composes the two). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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
 * (a regular file not writable by anyone but root or us) and executed
 * through that fd. */
static int open_helper(char **where, aisbx_error **err)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return aisbx_error_make(err, errno, "readlink /proc/self/exe");
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    *where = xasprintf("%s/%s", self, HELPER_NAME);
    int fd = open(*where, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(
            err, errno, "systemd cgroup driver: %s is missing (install it next to aisbx)", *where);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0022) ||
        (st.st_uid != 0 && st.st_uid != geteuid())) {
        close(fd);
        return aisbx_error_make(err, EPERM,
                                "systemd cgroup driver: %s is not a regular file owned by root "
                                "and writable only by its owner",
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

/* Runs the helper with args (NULL-terminated, without argv[0]); its one
 * error line becomes the error. */
static int run_helper(char *const *args, aisbx_error **err)
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
    char **argv = calloc(nargs + 2, sizeof(*argv));
    if (!argv)
        abort();
    argv[0] = (char *)HELPER_NAME;
    for (size_t i = 0; i < nargs; i++)
        argv[i + 1] = args[i];
    /* A clean environment: only the bus address is the caller's to choose. */
    const char *bus = getenv("DBUS_SYSTEM_BUS_ADDRESS");
    char *bus_env = bus ? xasprintf("DBUS_SYSTEM_BUS_ADDRESS=%s", bus) : NULL;
    char *envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", bus_env, NULL};
    int pipefd[2];
    int ret = -1;
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        aisbx_error_make(err, errno, "pipe");
        goto out;
    }
    pid_t pid = fork();
    if (pid < 0) {
        aisbx_error_make(err, errno, "fork %s", where);
        close(pipefd[0]);
        close(pipefd[1]);
        goto out;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        dup2(pipefd[1], 2);
        signal(SIGPIPE, SIG_DFL);
        execveat(fd, "", argv, envp, AT_EMPTY_PATH);
        dprintf(2, "aisbx-systemd: exec %s: %s\n", where, strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    char buf[4096];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(pipefd[0], buf + len, sizeof(buf) - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len == sizeof(buf) - 1) { /* the helper writes one line: drain the rest */
            char junk[512];
            while (read(pipefd[0], junk, sizeof(junk)) > 0)
                ;
            break;
        }
    }
    buf[len] = '\0';
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        ret = 0;
    else if (*last_line(buf))
        aisbx_error_make(err, 0, "%s", last_line(buf));
    else
        aisbx_error_make(err, 0, "%s %s failed (status %d)", HELPER_NAME, args[0], status);
out:
    close(fd);
    free(bus_env);
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

int cg_systemd_start(const char *path, const struct spec_resources *r, pid_t pid, aisbx_error **err)
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
    if (systemd_unit_props(r, true, devices, &args, err) == 0) {
        log_debug("systemd: starting %s in %s for pid %d", u.unit, u.slice, (int)pid);
        ret = run_helper(args.v, err);
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
        ret = args.n > 2 ? run_helper(args.v, err) : 0;
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
    int ret = run_helper(args, err);
    systemd_unit_free(&u);
    return ret;
}
