/* cgroupsPath -> systemd unit, resources -> unit properties (see the header). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/systemd_unit.h"
#include "runtime/log.h"

#define DEFAULT_SLICE "system.slice"
#define DEFAULT_USER_SLICE "user.slice"
#define DEFAULT_PREFIX "aisbx"

void systemd_unit_free(struct systemd_unit *u)
{
    free(u->slice);
    free(u->unit);
    free(u->path);
    u->slice = u->unit = u->path = NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* systemd's unit_name_is_valid, reduced to what a cgroup name needs. */
static bool unit_chars_ok(const char *s)
{
    if (!*s || strlen(s) > 255)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(":-_.\\@", *p)))
            return false;
    return true;
}

char *systemd_slice_path(const char *slice)
{
    if (!slice || !ends_with(slice, ".slice") || !unit_chars_ok(slice)) {
        errno = EINVAL;
        return NULL;
    }
    if (strcmp(slice, "-.slice") == 0)
        return xstrdup("");
    size_t stem = strlen(slice) - strlen(".slice");
    if (stem == 0 || slice[0] == '-' || slice[stem - 1] == '-' || strstr(slice, "--")) {
        errno = EINVAL;
        return NULL;
    }
    /* Every dash ends a parent: a-b-c.slice lives in a.slice/a-b.slice. */
    char *out = xstrdup("");
    for (size_t i = 0; i <= stem; i++) {
        if (i == stem || slice[i] == '-') {
            char *n = xasprintf("%s/%.*s.slice", out, (int)i, slice);
            free(out);
            out = n;
        }
    }
    return out;
}

char *systemd_user_root(unsigned uid)
{
    return xasprintf("/user.slice/user-%u.slice/user@%u.service", uid, uid);
}

static int set_unit(struct systemd_unit *u, const char *root, const char *slice, const char *unit,
                    aisbx_error **err)
{
    char *sp = systemd_slice_path(slice);
    if (!sp)
        return aisbx_error_make(err, EINVAL, "invalid systemd slice name '%s'", slice);
    if (!unit_chars_ok(unit) || !(ends_with(unit, ".scope") || ends_with(unit, ".slice"))) {
        free(sp);
        return aisbx_error_make(err, EINVAL, "invalid systemd unit name '%s'", unit);
    }
    u->slice = xstrdup(slice);
    u->unit = xstrdup(unit);
    u->path = xasprintf("%s%s/%s", root ? root : "", sp, unit);
    u->user = root != NULL;
    free(sp);
    return 0;
}

int systemd_unit_from_spec(const char *cgroups_path, const char *id, const char *user_root,
                           struct systemd_unit *u, aisbx_error **err)
{
    memset(u, 0, sizeof(*u));
    const char *default_slice = user_root ? DEFAULT_USER_SLICE : DEFAULT_SLICE;
    if (!cgroups_path || !*cgroups_path) {
        char *unit = xasprintf("%s-%s.scope", DEFAULT_PREFIX, id ? id : "");
        int r = set_unit(u, user_root, default_slice, unit, err);
        free(unit);
        return r;
    }
    const char *c1 = strchr(cgroups_path, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ':'))
        return aisbx_error_make(err, EINVAL,
                                "expected cgroupsPath to be of format \"slice:prefix:name\" for "
                                "systemd cgroups, got \"%s\" instead",
                                cgroups_path);
    char *slice = strndup(cgroups_path, (size_t)(c1 - cgroups_path));
    char *prefix = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
    const char *name = c2 + 1;
    char *unit;
    if (ends_with(name, ".slice"))
        unit = xstrdup(name);
    else if (*prefix)
        unit = xasprintf("%s-%s.scope", prefix, name);
    else
        unit = xasprintf("%s.scope", name);
    int r = (!*name) ? aisbx_error_make(err, EINVAL, "cgroupsPath \"%s\" has no name", cgroups_path)
                     : set_unit(u, user_root, *slice ? slice : default_slice, unit, err);
    free(slice);
    free(prefix);
    free(unit);
    if (r < 0)
        systemd_unit_free(u);
    return r;
}

/* The end of the last "/user@UID.service" component of path, or NULL. */
static const char *user_manager_end(const char *path)
{
    const char *end = NULL;
    for (const char *p = strstr(path, "/user@"); p; p = strstr(p + 1, "/user@")) {
        const char *q = p + strlen("/user@"), *d = q;
        while (*d >= '0' && *d <= '9')
            d++;
        if (d > q && strncmp(d, ".service/", strlen(".service/")) == 0)
            end = d + strlen(".service");
    }
    return end;
}

int systemd_unit_from_path(const char *path, struct systemd_unit *u, aisbx_error **err)
{
    memset(u, 0, sizeof(*u));
    const char *last = path ? strrchr(path, '/') : NULL;
    if (!last || !last[1])
        return aisbx_error_make(err, EINVAL, "cgroup path '%s' names no systemd unit",
                                path ? path : "");
    const char *prev = last;
    while (prev > path && prev[-1] != '/')
        prev--;
    const char *uend = user_manager_end(path);
    char *root = uend ? strndup(path, (size_t)(uend - path)) : NULL;
    bool top = prev == last || last == uend;
    char *slice = top ? xstrdup("-.slice") : strndup(prev, (size_t)(last - prev));
    int r = set_unit(u, root, slice, last + 1, err);
    free(slice);
    free(root);
    if (r == 0 && strcmp(u->path, path) != 0) {
        r = aisbx_error_make(err, EINVAL, "cgroup path '%s' is not a systemd unit's path", path);
        systemd_unit_free(u);
    }
    return r;
}

/* Adds s (from xasprintf) to out and frees it. */
static void push(struct spec_strlist *out, char *s)
{
    spec_strlist_push(out, s);
    free(s);
}

/* -1 (unlimited) is systemd's "infinity", UINT64_MAX. */
static void push_limit(struct spec_strlist *out, const char *name, int64_t v)
{
    if (v > 0)
        push(out, xasprintf("%s=t:%" PRId64, name, v));
    else if (v < 0)
        push(out, xasprintf("%s=t:%" PRIu64, name, UINT64_MAX));
}

/* "NAME" of a whole major in /proc/devices' "Character devices:" or
 * "Block devices:" section, or NULL. */
static char *device_class(const char *proc_devices, char type, int64_t major)
{
    const char *want = type == 'b' ? "Block devices:" : "Character devices:";
    const char *p = proc_devices ? strstr(proc_devices, want) : NULL;
    for (p = p ? strchr(p, '\n') : NULL; p && *++p && *p != '\n'; p = strchr(p, '\n')) {
        char name[64];
        long long m;
        if (sscanf(p, " %lld %63s", &m, name) != 2)
            break; /* the next section's header */
        if (m == major)
            return xstrdup(name);
    }
    return NULL;
}

static bool access_ok(const char *a)
{
    if (!a || !*a || strlen(a) > 3)
        return false;
    for (const char *p = a; *p; p++)
        if (!strchr("rwm", *p))
            return false;
    return true;
}

/* Replays the rules as the kernel list would: a leading deny-all and then
 * allows is what the floor produces; a later deny drops the allows it
 * covers exactly; anything else is left out of systemd's list. */
static void device_props(const struct spec_resources *r, const char *proc_devices,
                         struct spec_strlist *out)
{
    spec_strlist_push(out, "DevicePolicy=s:strict");
    for (size_t i = 0; i < r->n_devices; i++) {
        const struct spec_device_cgroup *d = &r->devices[i];
        char type = d->type && *d->type ? d->type[0] : 'a';
        int64_t major = d->has_major ? d->major : -1, minor = d->has_minor ? d->minor : -1;
        if (!d->allow || !access_ok(d->access))
            continue;
        bool denied_later = false;
        for (size_t j = i + 1; j < r->n_devices && !denied_later; j++) {
            const struct spec_device_cgroup *e = &r->devices[j];
            char et = e->type && *e->type ? e->type[0] : 'a';
            int64_t emaj = e->has_major ? e->major : -1, emin = e->has_minor ? e->minor : -1;
            denied_later = !e->allow && (et == 'a' || et == type) &&
                           (emaj == -1 || emaj == major) && (emin == -1 || emin == minor);
        }
        if (denied_later || (type != 'c' && type != 'b')) {
            log_debug("systemd: device rule %c %" PRId64 ":%" PRId64 " %s left out of DeviceAllow",
                      type, major, minor, d->access);
            continue;
        }
        if (major >= 0 && minor >= 0) {
            push(out, xasprintf("DeviceAllow=a(ss):/dev/%s/%" PRId64 ":%" PRId64 " %s",
                                type == 'c' ? "char" : "block", major, minor, d->access));
        } else if (major >= 0) {
            char *cls = device_class(proc_devices, type, major);
            if (cls)
                push(out, xasprintf("DeviceAllow=a(ss):%s-%s %s", type == 'c' ? "char" : "block",
                                    cls, d->access));
            else
                log_debug("systemd: no /proc/devices name for %c %" PRId64 ":*, left out", type,
                          major);
            free(cls);
        } else {
            log_debug("systemd: device rule %c *:* %s left out of DeviceAllow", type, d->access);
        }
    }
}

/* runc's ConvertCPUSharesToCgroupV2Value. */
static uint64_t cpu_weight(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

static bool cpu_list_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789,-", *p))
            return false;
    return true;
}

int systemd_unit_props(const struct spec_resources *r, bool with_devices, const char *proc_devices,
                       struct spec_strlist *out, aisbx_error **err)
{
    if (!r)
        return 0;
    if (r->pids && r->pids->has_limit)
        push_limit(out, "TasksMax", r->pids->limit);
    const struct spec_memory *m = r->memory;
    if (m) {
        if (m->has_limit)
            push_limit(out, "MemoryMax", m->limit);
        if (m->has_reservation && m->reservation > 0)
            push(out, xasprintf("MemoryLow=t:%" PRId64, m->reservation));
        /* The spec's swap is memory+swap; systemd's MemorySwapMax is swap. */
        if (m->has_swap && m->swap < 0)
            push_limit(out, "MemorySwapMax", -1);
        else if (m->has_swap && m->swap > 0 && m->has_limit && m->limit > 0) {
            if (m->swap < m->limit)
                return aisbx_error_make(err, EINVAL, "memory+swap limit should be >= memory limit");
            push(out, xasprintf("MemorySwapMax=t:%" PRId64, m->swap - m->limit));
        }
    }
    const struct spec_cpu *c = r->cpu;
    if (c) {
        if (c->has_shares && c->shares)
            push(out, xasprintf("CPUWeight=t:%" PRIu64, cpu_weight(c->shares)));
        uint64_t period = c->has_period && c->period ? c->period : 100000;
        if (c->has_period && c->period)
            push(out, xasprintf("CPUQuotaPeriodUSec=t:%" PRIu64, c->period));
        if (c->has_quota && c->quota < 0) {
            push(out, xasprintf("CPUQuotaPerSecUSec=t:%" PRIu64, UINT64_MAX));
        } else if (c->has_quota && c->quota > 0) {
            /* systemd rounds to 10 ms: round up, as runc does, so that the
             * quota is never lowered below what was asked. */
            uint64_t per_sec = (uint64_t)c->quota * 1000000ULL / period;
            if (per_sec % 10000)
                per_sec = (per_sec / 10000 + 1) * 10000;
            push(out, xasprintf("CPUQuotaPerSecUSec=t:%" PRIu64, per_sec));
        }
        if (c->cpus && *c->cpus) {
            if (!cpu_list_ok(c->cpus))
                return aisbx_error_make(err, EINVAL, "invalid cpuset.cpus '%s'", c->cpus);
            push(out, xasprintf("AllowedCPUs=ay:%s", c->cpus));
        }
        if (c->mems && *c->mems) {
            if (!cpu_list_ok(c->mems))
                return aisbx_error_make(err, EINVAL, "invalid cpuset.mems '%s'", c->mems);
            push(out, xasprintf("AllowedMemoryNodes=ay:%s", c->mems));
        }
    }
    if (with_devices && r->n_devices)
        device_props(r, proc_devices, out);
    return 0;
}
