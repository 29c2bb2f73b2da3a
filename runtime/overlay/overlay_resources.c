/* cgroup rules: pids and memory ceilings, swap no larger than memory, the
 * device cgroup replaced by the standard allowlist, and unified (cgroup v2)
 * keys that would override those floors removed. Used at create (absent
 * means "use the policy") and at update (0 means "unchanged"). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"

static char *i64s(int64_t v)
{
    return xasprintf("%" PRId64, v);
}

static void set_i64(const char *rule, const char *field, bool had, int64_t oldv, int64_t newv,
                    struct overlay_changes *ch)
{
    char *o = had ? i64s(oldv) : NULL;
    char *n = i64s(newv);
    ov_change(ch, rule, o, n, "%s", field);
    free(o);
    free(n);
}

/* The standard device allowlist: deny all, then null, zero, full, random,
 * urandom, tty and ptmx with "rwm" (m: the init mknods the container's own
 * nodes in its /dev, as runc does, instead of binding the host's; the
 * container itself has no CAP_MKNOD) and the ptys "rw". No console 5:1: the
 * container's console is its pty (136:N) bound on /dev/console, and a 5:1
 * node would be the host's console. */
static const struct {
    int64_t major, minor;
    const char *access;
} std_devs[] = {{1, 3, "rwm"}, {1, 5, "rwm"}, {1, 7, "rwm"}, {1, 8, "rwm"},
                {1, 9, "rwm"}, {5, 0, "rwm"}, {5, 2, "rwm"}, {136, -1, "rw"}};
#define N_STD_DEVS (sizeof(std_devs) / sizeof(std_devs[0]))

static bool devices_are_standard(const struct spec_resources *r)
{
    if (r->n_devices != N_STD_DEVS + 1)
        return false;
    const struct spec_device_cgroup *d = &r->devices[0];
    if (d->allow || (d->type && strcmp(d->type, "a") != 0) || (d->has_major && d->major != -1) ||
        (d->has_minor && d->minor != -1) || !d->access || strcmp(d->access, "rwm") != 0)
        return false;
    for (size_t i = 0; i < N_STD_DEVS; i++) {
        d = &r->devices[i + 1];
        if (!d->allow || !d->type || strcmp(d->type, "c") != 0 || !d->has_major || !d->has_minor ||
            d->major != std_devs[i].major || d->minor != std_devs[i].minor || !d->access ||
            strcmp(d->access, std_devs[i].access) != 0)
            return false;
    }
    return true;
}

static void free_device_rules(struct spec_resources *r)
{
    for (size_t i = 0; i < r->n_devices; i++) {
        free(r->devices[i].type);
        free(r->devices[i].access);
    }
    free(r->devices);
    r->devices = NULL;
    r->n_devices = 0;
}

static void standard_device_rules(struct spec_resources *r, struct overlay_changes *ch)
{
    if (devices_are_standard(r))
        return;
    char *o = xasprintf("[%zu rules]", r->n_devices);
    free_device_rules(r);
    r->devices = xmalloc0((N_STD_DEVS + 1) * sizeof(*r->devices));
    r->devices[0] = (struct spec_device_cgroup){.allow = false,
                                                .type = xstrdup("a"),
                                                .has_major = true,
                                                .major = -1,
                                                .has_minor = true,
                                                .minor = -1,
                                                .access = xstrdup("rwm")};
    for (size_t i = 0; i < N_STD_DEVS; i++)
        r->devices[i + 1] = (struct spec_device_cgroup){.allow = true,
                                                        .type = xstrdup("c"),
                                                        .has_major = true,
                                                        .major = std_devs[i].major,
                                                        .has_minor = true,
                                                        .minor = std_devs[i].minor,
                                                        .access = xstrdup(std_devs[i].access)};
    r->n_devices = N_STD_DEVS + 1;
    ov_change(ch, "devices", o, "deny all; allow the 8 standard character devices",
              "linux.resources.devices");
    free(o);
}

/* cgroup v2 keys written after the structured ones would undo the floor;
 * keys that are not plain "controller.file" names are path tricks. */
static bool unified_key_allowed(const char *k)
{
    const char *dot = strchr(k, '.');
    if (!dot || dot == k || !dot[1])
        return false;
    for (const char *s = k; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return false;
    static const char *const denied_prefix[] = {"pids.", "cgroup.", "devices."};
    for (size_t i = 0; i < sizeof(denied_prefix) / sizeof(denied_prefix[0]); i++)
        if (strncmp(k, denied_prefix[i], strlen(denied_prefix[i])) == 0)
            return false;
    return strcmp(k, "memory.max") != 0 && strcmp(k, "memory.swap.max") != 0;
}

void ov_unified(struct spec_kvlist *u, const char *prefix, struct overlay_changes *ch)
{
    size_t o = 0;
    for (size_t i = 0; i < u->n; i++) {
        if (unified_key_allowed(u->v[i].key)) {
            u->v[o++] = u->v[i];
            continue;
        }
        ov_change(ch, "resources", u->v[i].value, "(removed)", "%sunified[%s]", prefix,
                  u->v[i].key);
        free(u->v[i].key);
        free(u->v[i].value);
    }
    u->n = o;
}

void ov_resources_create(struct spec_resources *r, const struct aisbx_policy *pol,
                         struct overlay_changes *ch)
{
    if (!r->pids)
        r->pids = xmalloc0(sizeof(*r->pids));
    struct spec_pids *p = r->pids;
    if (!p->has_limit || p->limit <= 0 || p->limit > pol->pids_max) {
        set_i64("pids", "linux.resources.pids.limit", p->has_limit, p->limit, pol->pids_max, ch);
        p->has_limit = true;
        p->limit = pol->pids_max;
    }
    if (!r->memory)
        r->memory = xmalloc0(sizeof(*r->memory));
    struct spec_memory *m = r->memory;
    if (!m->has_limit || m->limit <= 0 || m->limit > pol->memory_max) {
        set_i64("memory", "linux.resources.memory.limit", m->has_limit, m->limit, pol->memory_max,
                ch);
        m->has_limit = true;
        m->limit = pol->memory_max;
    }
    /* OCI swap is memory+swap: equal to the limit means no swap at all. */
    if (!m->has_swap || m->swap != m->limit) {
        set_i64("memory", "linux.resources.memory.swap", m->has_swap, m->swap, m->limit, ch);
        m->has_swap = true;
        m->swap = m->limit;
    }
    standard_device_rules(r, ch);
    ov_unified(&r->unified, "linux.resources.", ch);
}

int overlay_apply_resources(const struct spec_resources *in, const struct aisbx_policy *pol,
                            struct spec_resources **out, struct overlay_changes *changes,
                            aisbx_error **err)
{
    if (!in)
        return aisbx_error_make(err, EINVAL, "overlay: no resources");
    struct spec_resources *r = spec_resources_dup(in);
    if (r->pids && r->pids->has_limit && r->pids->limit != 0 &&
        (r->pids->limit < 0 || r->pids->limit > pol->pids_max)) {
        set_i64("pids", "pids.limit", true, r->pids->limit, pol->pids_max, changes);
        r->pids->limit = pol->pids_max;
    }
    struct spec_memory *m = r->memory;
    if (m && m->has_limit && m->limit != 0 && (m->limit < 0 || m->limit > pol->memory_max)) {
        set_i64("memory", "memory.limit", true, m->limit, pol->memory_max, changes);
        m->limit = pol->memory_max;
    }
    if (m && m->has_limit && m->limit > 0) {
        if (!m->has_swap || m->swap != m->limit) {
            set_i64("memory", "memory.swap", m->has_swap, m->swap, m->limit, changes);
            m->has_swap = true;
            m->swap = m->limit;
        }
    } else if (m && m->has_swap && m->swap != 0) {
        /* The current memory limit is unknown here; leaving swap as it was
         * (= the limit set at create) is the only value known to be safe. */
        set_i64("memory", "memory.swap", true, m->swap, 0, changes);
        m->swap = 0;
    }
    if (r->n_devices) {
        char *o = xasprintf("[%zu rules]", r->n_devices);
        ov_change(changes, "devices", o, "(removed: fixed at create)", "devices");
        free(o);
        free_device_rules(r);
    }
    ov_unified(&r->unified, "", changes);
    *out = r;
    return 0;
}
