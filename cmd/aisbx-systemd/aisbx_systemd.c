/* aisbx-systemd: the only part of aisbx that talks to systemd. aisbx runs it
 * (from its own directory) for --systemd-cgroup, to start, change and stop
 * the container's transient unit through systemd's D-Bus API with libsystemd's
 * sd-bus. It is a separate, dynamically linked program because aisbx itself is
 * static and Debian ships no static libsystemd: every other aisbx command keeps
 * its static start-up, and only the calls that need systemd pay for loading
 * libsystemd (README "systemd cgroup driver" has the measurements).
 *
 *   aisbx-systemd [--user] start UNIT SLICE PID DESCRIPTION [PROP]...
 *   aisbx-systemd [--user] set UNIT [PROP]...
 *   aisbx-systemd [--user] stop UNIT
 *   aisbx-systemd [--user] attach UNIT PID
 *
 * --user talks to the caller's own systemd instance (systemd --user of a
 * logind session or of a lingering user) instead of the system manager:
 * rootless containers live in that user's delegated tree. start prints the
 * unit's ControlGroup property (the cgroup systemd made, read back rather
 * than computed) as one line on stdout. attach moves PID into the unit's
 * cgroup through the manager (AttachProcessesToUnit): a user's manager
 * asks the system manager when the user may not write the cgroups
 * between (an `exec` run from a login session's scope).
 *
 * PROP is NAME=SIG:VALUE with SIG one of b (yes/no), t (unsigned 64-bit),
 * s (string), ay (a CPU or node list such as "0-3,6", sent as systemd's
 * bitmask) or a(ss) ("PATH PERMS"; repeated NAMEs make one array). aisbx
 * builds the list (runtime/cgroup/systemd_unit.c); this program only
 * marshals it. Each call waits for systemd's job to finish. Errors are one
 * line on stderr and exit status 1; nothing else is printed. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* runc and crun wait 30 s for a unit job. */
#define JOB_TIMEOUT_USEC (30ULL * 1000000ULL)

static const char *bus_where = "";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aisbx-systemd: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

static bool use_user_manager;
static char private_path[4096];

/* Connects straight to a manager's private socket (what systemctl uses: no
 * dbus-daemon needed). 0, or -errno. */
static int connect_private(sd_bus **bus, const char *sock)
{
    char addr[sizeof(private_path) + 16];
    int r;
    snprintf(addr, sizeof(addr), "unix:path=%s", sock);
    if ((r = sd_bus_new(bus)) < 0)
        return r;
    if ((r = sd_bus_set_address(*bus, addr)) >= 0 && (r = sd_bus_start(*bus)) >= 0)
        return 0;
    sd_bus_unref(*bus);
    *bus = NULL;
    return r;
}

/* The user's own manager, as crun and runc reach it: the user bus
 * ($DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus, which sd-bus
 * authenticates with the socket's peer credentials, so it also works as
 * root of rootless podman's user namespace); without a bus (no
 * dbus-user-session), the manager's private socket
 * $XDG_RUNTIME_DIR/systemd/private. */
static int user_connect(sd_bus **bus)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR"), *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
    static char where[sizeof(private_path)];
    int r;
    if (!(addr && *addr) && !(xdg && *xdg))
        return fail("cannot reach the systemd user manager: neither XDG_RUNTIME_DIR nor "
                    "DBUS_SESSION_BUS_ADDRESS is set (a logind session or `loginctl enable-linger` "
                    "gives the user one)");
    if (addr && *addr)
        snprintf(where, sizeof(where), "%s", addr);
    else
        snprintf(where, sizeof(where), "%s/bus", xdg);
    bus_where = where;
    if ((addr && *addr) || access(where, F_OK) == 0) {
        if ((r = sd_bus_open_user(bus)) >= 0)
            return 0;
        return fail("cannot connect to the systemd user manager over the user bus at %s: %s", where,
                    strerror(-r));
    }
    snprintf(private_path, sizeof(private_path), "%s/systemd/private", xdg);
    bus_where = private_path;
    if ((r = connect_private(bus, private_path)) >= 0)
        return 0;
    return fail("cannot connect to the systemd user manager: no user bus at %s/bus and %s: %s "
                "(is systemd --user running for this user: a logind session or linger?)",
                xdg, private_path, strerror(-r));
}

/* System manager: as root, systemd's private socket; otherwise, or when it
 * is missing, the system bus. */
static int bus_connect(sd_bus **bus)
{
    static const char private_sock[] = "/run/systemd/private";
    int r;
    if (use_user_manager)
        return user_connect(bus);
    if (geteuid() == 0 && access(private_sock, F_OK) == 0) {
        snprintf(private_path, sizeof(private_path), "%s", private_sock);
        bus_where = private_path;
        if ((r = connect_private(bus, private_sock)) >= 0)
            return 0;
        return fail("cannot connect to systemd at %s (is systemd running?): %s", private_sock,
                    strerror(-r));
    }
    const char *addr = getenv("DBUS_SYSTEM_BUS_ADDRESS");
    bus_where = addr && *addr ? addr : "/run/dbus/system_bus_socket";
    if ((r = sd_bus_open_system(bus)) < 0)
        return fail("cannot connect to systemd: neither /run/systemd/private nor the system bus at "
                    "%s is reachable (is systemd running?): %s",
                    bus_where, strerror(-r));
    return 0;
}

/* "0-3,6" -> the little-endian bitmask systemd's AllowedCPUs takes. */
static int cpu_mask(const char *list, uint8_t **out, size_t *n)
{
    size_t cap = 0;
    uint8_t *m = NULL;
    const char *p = list;
    *n = 0;
    while (*p) {
        char *end;
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (end == p)
            goto bad;
        if (*end == '-') {
            p = end + 1;
            b = strtoul(p, &end, 10);
            if (end == p || b < a)
                goto bad;
        }
        if (b > 8191)
            goto bad;
        if (b / 8 + 1 > cap) {
            size_t ncap = b / 8 + 1;
            uint8_t *nm = realloc(m, ncap);
            if (!nm)
                goto bad;
            memset(nm + cap, 0, ncap - cap);
            m = nm;
            cap = ncap;
        }
        for (unsigned long i = a; i <= b; i++)
            m[i / 8] |= (uint8_t)(1u << (i % 8));
        p = end;
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
    }
    *out = m;
    *n = cap;
    return 0;
bad:
    free(m);
    return -1;
}

/* Appends one "(sv)" per PROP, a(ss) PROPs of one NAME grouped. */
static int append_props(sd_bus_message *m, char **props, int n)
{
    int r = 0;
    for (int i = 0; i < n && r >= 0; i++) {
        char *eq = strchr(props[i], '='), *colon = eq ? strchr(eq + 1, ':') : NULL;
        if (!eq || !colon)
            return fail("bad property '%s' (NAME=SIG:VALUE)", props[i]);
        size_t nlen = (size_t)(eq - props[i]), slen = (size_t)(colon - eq - 1);
        char name[64], sig[8];
        if (nlen == 0 || nlen >= sizeof(name) || slen == 0 || slen >= sizeof(sig))
            return fail("bad property '%s'", props[i]);
        memcpy(name, props[i], nlen);
        name[nlen] = '\0';
        memcpy(sig, eq + 1, slen);
        sig[slen] = '\0';
        const char *val = colon + 1;
        if (strcmp(sig, "a(ss)") == 0) {
            /* Skip if an earlier PROP of this NAME already sent the array. */
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = strncmp(props[j], props[i], nlen + 1) == 0;
            if (seen)
                continue;
            r = sd_bus_message_open_container(m, 'r', "sv");
            if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
            if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a(ss)");
            if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
            for (int j = i; j < n && r >= 0; j++) {
                if (strncmp(props[j], props[i], nlen + 1) != 0)
                    continue;
                const char *v = strchr(strchr(props[j], ':'), ':') + 1, *sp = strchr(v, ' ');
                if (!sp)
                    return fail("bad property '%s' (a(ss) wants \"PATH PERMS\")", props[j]);
                char *path = strndup(v, (size_t)(sp - v));
                if (!path)
                    return fail("out of memory");
                r = sd_bus_message_append(m, "(ss)", path, sp + 1);
                free(path);
            }
            if (r >= 0)
                r = sd_bus_message_close_container(m);
            if (r >= 0)
                r = sd_bus_message_close_container(m);
            if (r >= 0)
                r = sd_bus_message_close_container(m);
        } else if (strcmp(sig, "b") == 0) {
            if (strcmp(val, "yes") && strcmp(val, "no"))
                return fail("bad property '%s' (b wants yes or no)", props[i]);
            r = sd_bus_message_append(m, "(sv)", name, "b", (int)(strcmp(val, "yes") == 0));
        } else if (strcmp(sig, "t") == 0) {
            char *end;
            errno = 0;
            unsigned long long t = strtoull(val, &end, 10);
            if (errno || end == val || *end || *val == '-')
                return fail("bad property '%s' (t wants a number)", props[i]);
            r = sd_bus_message_append(m, "(sv)", name, "t", (uint64_t)t);
        } else if (strcmp(sig, "s") == 0) {
            r = sd_bus_message_append(m, "(sv)", name, "s", val);
        } else if (strcmp(sig, "ay") == 0) {
            uint8_t *mask;
            size_t len;
            if (cpu_mask(val, &mask, &len) < 0)
                return fail("bad property '%s' (ay wants a list such as 0-3,6)", props[i]);
            r = sd_bus_message_open_container(m, 'r', "sv");
            if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
            if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "ay");
            if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', mask, len);
            if (r >= 0)
                r = sd_bus_message_close_container(m);
            if (r >= 0)
                r = sd_bus_message_close_container(m);
            free(mask);
        } else {
            return fail("bad property '%s' (unknown signature %s)", props[i], sig);
        }
    }
    return r < 0 ? fail("building the D-Bus message: %s", strerror(-r)) : 0;
}

/* JobRemoved(u id, o job, s unit, s result) for the job we wait for. */
struct job_wait {
    const char *job;
    char *result;
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
    struct job_wait *w = userdata;
    uint32_t id;
    const char *path, *unit, *result;
    if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
        return 0;
    if (w->job && strcmp(path, w->job) == 0 && !w->result)
        w->result = strdup(result);
    return 0;
}

static uint64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

/* Calls a Manager method that returns a job path and waits for that job.
 * *result: systemd's job result ("done", "failed", ...), heap. Returns
 * 0, or -1 with msg set (from systemd) and nothing printed. */
static int call_and_wait(sd_bus *bus, sd_bus_message *call, struct job_wait *w, sd_bus_error *berr)
{
    sd_bus_message *reply = NULL;
    int r = sd_bus_call(bus, call, JOB_TIMEOUT_USEC, berr, &reply);
    if (r < 0)
        return r;
    const char *job;
    r = sd_bus_message_read(reply, "o", &job);
    if (r < 0) {
        sd_bus_message_unref(reply);
        return r;
    }
    w->job = job;
    uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;
    while (!w->result) {
        r = sd_bus_process(bus, NULL);
        if (r < 0)
            break;
        if (r > 0)
            continue;
        uint64_t now = now_usec();
        if (now >= deadline) {
            r = -ETIMEDOUT;
            break;
        }
        r = sd_bus_wait(bus, deadline - now);
        if (r < 0)
            break;
    }
    w->job = NULL;
    sd_bus_message_unref(reply);
    return r < 0 ? r : 0;
}

struct ctx {
    sd_bus *bus;
    bool direct; /* systemd's private socket, not a bus */
    sd_bus_slot *slot;
    struct job_wait wait;
};

static int ctx_open(struct ctx *c)
{
    memset(c, 0, sizeof(*c));
    if (bus_connect(&c->bus) < 0)
        return -1;
    c->direct = bus_where == private_path;
    /* Before the call, so that no JobRemoved is missed. On systemd's private
     * socket (a direct connection, no bus) messages carry no sender, so the
     * match must not name one there (systemctl does the same); Subscribe()
     * asks for the signals on either kind of connection. */
    int r = sd_bus_match_signal(c->bus, &c->slot, c->direct ? NULL : SD_DEST, SD_PATH, SD_MANAGER,
                                "JobRemoved", on_job_removed, &c->wait);
    if (r >= 0)
        r = sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL, NULL, "");
    if (r < 0)
        return fail("subscribing to systemd's job signals over %s: %s", bus_where, strerror(-r));
    return 0;
}

static void ctx_close(struct ctx *c)
{
    free(c->wait.result);
    sd_bus_slot_unref(c->slot);
    sd_bus_flush_close_unref(c->bus);
}

static int reset_failed(struct ctx *c, const char *unit)
{
    return sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL, NULL,
                              "s", unit);
}

static int stop_unit(struct ctx *c, const char *unit, bool quiet)
{
    sd_bus_error berr = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL;
    int r = sd_bus_message_new_method_call(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
    if (r >= 0)
        r = sd_bus_message_append(m, "ss", unit, "replace");
    if (r >= 0)
        r = call_and_wait(c->bus, m, &c->wait, &berr);
    sd_bus_message_unref(m);
    if (r < 0 && sd_bus_error_has_name(&berr, "org.freedesktop.systemd1.NoSuchUnit"))
        r = 0; /* already gone: a scope stops by itself once empty */
    if (r < 0 && !quiet)
        fail("stop unit %s: %s", unit, berr.message ? berr.message : strerror(-r));
    else if (r == 0 && c->wait.result && strcmp(c->wait.result, "done") != 0 && !quiet) {
        fail("stop unit %s: systemd job ended with '%s'", unit, c->wait.result);
        r = -1;
    }
    sd_bus_error_free(&berr);
    free(c->wait.result);
    c->wait.result = NULL;
    /* A unit that ended "failed" (an OOM kill, say) stays listed until reset. */
    if (r >= 0)
        reset_failed(c, unit);
    return r < 0 ? -1 : 0;
}

/* Prints the unit's ControlGroup: where systemd put it (a user manager's
 * units live under its own user@UID.service, wherever logind put that). */
static int print_cgroup(struct ctx *c, const char *unit)
{
    sd_bus_error berr = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *obj;
    char *cg = NULL;
    size_t n = strlen(unit);
    const char *iface = n > 6 && strcmp(unit + n - 6, ".slice") == 0
                            ? "org.freedesktop.systemd1.Slice"
                            : "org.freedesktop.systemd1.Scope";
    int r = sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "GetUnit", &berr, &reply, "s",
                               unit);
    if (r >= 0)
        r = sd_bus_message_read(reply, "o", &obj);
    if (r >= 0)
        r = sd_bus_get_property_string(c->bus, SD_DEST, obj, iface, "ControlGroup", &berr, &cg);
    sd_bus_message_unref(reply);
    if (r >= 0 && (!cg || cg[0] != '/'))
        r = -ENOENT; /* a unit with no cgroup (already empty and gone) */
    if (r < 0)
        fail("read back the cgroup of unit %s: %s", unit,
             berr.message ? berr.message : strerror(-r));
    else
        printf("%s\n", cg);
    sd_bus_error_free(&berr);
    free(cg);
    return r < 0 ? -1 : 0;
}

static int start_unit(struct ctx *c, const char *unit, const char *slice, const char *pid_s,
                      const char *desc, char **props, int nprops)
{
    char *end;
    errno = 0;
    unsigned long pid = strtoul(pid_s, &end, 10);
    if (errno || *end || pid == 0 || pid > INT32_MAX)
        return fail("bad pid '%s'", pid_s);
    bool scope = strlen(unit) > 6 && strcmp(unit + strlen(unit) - 6, ".scope") == 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        sd_bus_error berr = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        int r = sd_bus_message_new_method_call(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                               "StartTransientUnit");
        if (r >= 0)
            r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r >= 0)
            r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
            r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s",
                                      slice, "Delegate", "b", 1);
        if (r >= 0 && scope)
            r = sd_bus_message_append(m, "(sv)(sv)", "PIDs", "au", 1, (uint32_t)pid,
                                      "DefaultDependencies", "b", 0);
        if (r >= 0)
            r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1,
                                      "CPUAccounting", "b", 1, "IOAccounting", "b", 1,
                                      "TasksAccounting", "b", 1);
        if (r < 0) {
            sd_bus_message_unref(m);
            return fail("building the D-Bus message: %s", strerror(-r));
        }
        if (append_props(m, props, nprops) < 0) {
            sd_bus_message_unref(m);
            return -1;
        }
        r = sd_bus_message_close_container(m);
        if (r >= 0)
            r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r >= 0)
            r = call_and_wait(c->bus, m, &c->wait, &berr);
        sd_bus_message_unref(m);
        if (r < 0 && attempt == 0 &&
            sd_bus_error_has_name(&berr, "org.freedesktop.systemd1.UnitExists")) {
            /* A failed unit of that name left behind: runc resets it and
             * tries again; a live one stays an error. */
            sd_bus_error_free(&berr);
            if (reset_failed(c, unit) >= 0)
                continue;
            return fail("start unit %s: the unit already exists", unit);
        }
        if (r < 0) {
            int e = -r;
            fail("start unit %s in %s over %s: %s", unit, slice, bus_where,
                 berr.message ? berr.message : strerror(e));
            sd_bus_error_free(&berr);
            return -1;
        }
        sd_bus_error_free(&berr);
        if (!c->wait.result || strcmp(c->wait.result, "done") != 0) {
            fail("start unit %s: systemd job ended with '%s'", unit,
                 c->wait.result ? c->wait.result : "(no result)");
            free(c->wait.result);
            c->wait.result = NULL;
            stop_unit(c, unit, true); /* nothing half-created */
            return -1;
        }
        free(c->wait.result);
        c->wait.result = NULL;
        if (print_cgroup(c, unit) < 0) {
            stop_unit(c, unit, true);
            return -1;
        }
        return 0;
    }
    return fail("start unit %s: the unit already exists", unit);
}

static int set_props(struct ctx *c, const char *unit, char **props, int nprops)
{
    sd_bus_error berr = SD_BUS_ERROR_NULL;
    sd_bus_message *m = NULL, *reply = NULL;
    int r = sd_bus_message_new_method_call(c->bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                           "SetUnitProperties");
    if (r >= 0)
        r = sd_bus_message_append(m, "sb", unit, 1); /* runtime: gone on reboot */
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "(sv)");
    if (r < 0 || append_props(m, props, nprops) < 0) {
        sd_bus_message_unref(m);
        return r < 0 ? fail("building the D-Bus message: %s", strerror(-r)) : -1;
    }
    r = sd_bus_message_close_container(m);
    if (r >= 0)
        r = sd_bus_call(c->bus, m, JOB_TIMEOUT_USEC, &berr, &reply);
    sd_bus_message_unref(m);
    sd_bus_message_unref(reply);
    if (r < 0)
        fail("set properties of unit %s: %s", unit, berr.message ? berr.message : strerror(-r));
    sd_bus_error_free(&berr);
    return r < 0 ? -1 : 0;
}

static int attach_pid(struct ctx *c, const char *unit, const char *pid_s)
{
    char *end;
    errno = 0;
    unsigned long pid = strtoul(pid_s, &end, 10);
    if (errno || *end || pid == 0 || pid > INT32_MAX)
        return fail("bad pid '%s'", pid_s);
    sd_bus_error berr = SD_BUS_ERROR_NULL;
    int r = sd_bus_call_method(c->bus, SD_DEST, SD_PATH, SD_MANAGER, "AttachProcessesToUnit", &berr,
                               NULL, "ssau", unit, "", 1, (uint32_t)pid);
    if (r < 0)
        fail("attach pid %lu to unit %s over %s: %s", pid, unit, bus_where,
             berr.message ? berr.message : strerror(-r));
    sd_bus_error_free(&berr);
    return r < 0 ? -1 : 0;
}

static int usage(void)
{
    fail("usage: aisbx-systemd [--user] start UNIT SLICE PID DESCRIPTION [PROP]... | set UNIT "
         "[PROP]... | stop UNIT | attach UNIT PID");
    return 2;
}

int main(int argc, char **argv)
{
    struct ctx c;
    int r;
    if (argc > 1 && strcmp(argv[1], "--user") == 0) {
        use_user_manager = true;
        argv++;
        argc--;
    }
    if (argc < 3)
        return usage();
    const char *verb = argv[1], *unit = argv[2];
    if (strcmp(verb, "start") == 0 && argc >= 6) {
        if (ctx_open(&c) < 0)
            return 1;
        r = start_unit(&c, unit, argv[3], argv[4], argv[5], argv + 6, argc - 6);
    } else if (strcmp(verb, "set") == 0) {
        if (ctx_open(&c) < 0)
            return 1;
        r = set_props(&c, unit, argv + 3, argc - 3);
    } else if (strcmp(verb, "attach") == 0 && argc == 4) {
        if (ctx_open(&c) < 0)
            return 1;
        r = attach_pid(&c, unit, argv[3]);
    } else if (strcmp(verb, "stop") == 0 && argc == 3) {
        if (ctx_open(&c) < 0)
            return 1;
        r = stop_unit(&c, unit, false);
    } else {
        return usage();
    }
    ctx_close(&c);
    return r < 0 ? 1 : 0;
}
