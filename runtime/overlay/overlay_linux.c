/* linux.* rules that are lists: masked and read-only /proc and /sys paths,
 * sysctls, and the device nodes created in the container's /dev. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"

static const char *const masked[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/interrupts",
    "/proc/kallsyms",
    "/proc/kmsg",
    "/proc/slabinfo",
    "/proc/vmallocinfo",
    "/proc/pagetypeinfo",
    "/proc/iomem",
    "/proc/modules",
    "/sys/firmware",
    "/sys/kernel",
    "/sys/devices/virtual/powercap",
    /* Host-global physical memory and allocator state (page flags, page
     * counts, free lists, MTRRs): material for rowhammer and heap-layout
     * attacks, never needed by a workload. meminfo, cpuinfo and stat stay. */
    "/proc/kpageflags",
    "/proc/kpagecount",
    "/proc/kpagecgroup",
    "/proc/buddyinfo",
    "/proc/zoneinfo",
    "/proc/mtrr",
    "/proc/ioports",
    "/proc/key-users",
    "/proc/config.gz",
};

static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                       "/proc/sysrq-trigger"};

static void ensure_paths(struct spec_strlist *l, bool *has, const char *const *want, size_t n,
                         const char *field, struct overlay_changes *ch)
{
    struct spec_strlist added = {0};
    for (size_t i = 0; i < n; i++)
        if (ov_strlist_ensure(l, want[i]))
            spec_strlist_push(&added, want[i]);
    if (!l->v)
        l->v = xmalloc0(sizeof(char *));
    if (added.n) {
        char *a = ov_list_summary(&added);
        char *nv = xasprintf("added %s", a);
        char *o = *has ? xasprintf("[%zu paths]", l->n - added.n) : NULL;
        ov_change(ch, "proc-sys", o, nv, "%s", field);
        free(a);
        free(nv);
        free(o);
    }
    *has = true;
    spec_strlist_free(&added);
}

void ov_linux_paths(struct spec_linux *l, struct overlay_changes *ch)
{
    ensure_paths(&l->masked_paths, &l->has_masked_paths, masked, sizeof(masked) / sizeof(masked[0]),
                 "linux.maskedPaths", ch);
    ensure_paths(&l->readonly_paths, &l->has_readonly_paths, readonly,
                 sizeof(readonly) / sizeof(readonly[0]), "linux.readonlyPaths", ch);
}

/* ---- sysctls ---------------------------------------------------------- */

static bool key_chars_ok(const char *k)
{
    if (!*k || *k == '.' || strstr(k, ".."))
        return false;
    for (const char *s = k; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return false;
    return k[strlen(k) - 1] != '.';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* One token of [t, e): an integer "-?[0-9]+", or, when words are allowed
 * (net.ipv4.tcp_congestion_control=cubic), a word "[a-z][a-z0-9_-]*". */
static bool token_ok(const char *t, const char *e, bool words)
{
    const char *s = t;
    if (s < e && *s == '-')
        s++;
    if (s < e && is_digit(*s)) {
        while (s < e && is_digit(*s))
            s++;
        return s == e;
    }
    if (!words || s != t || s == e || !is_lower(*s))
        return false;
    for (; s < e; s++)
        if (!is_lower(*s) && !is_digit(*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

/* Tokens separated by exactly one space or tab, no leading/trailing blanks. */
static bool value_ok(const char *v, bool words)
{
    size_t len = strlen(v);
    if (len == 0 || len > 256)
        return false;
    const char *t = v;
    for (;;) {
        const char *e = t;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        if (!token_ok(t, e, words))
            return false;
        if (!*e)
            return true;
        t = e + 1;
    }
}

bool ov_sysctl_allowed(const char *key, const char *value)
{
    if (!key || !value || !key_chars_ok(key))
        return false;
    if (strncmp(key, "net.", 4) == 0)
        return value_ok(value, true);
    if (strncmp(key, "kernel.shm", 10) == 0 || strncmp(key, "kernel.msg", 10) == 0 ||
        strcmp(key, "kernel.sem") == 0 || strncmp(key, "fs.mqueue.", 10) == 0)
        return value_ok(value, false);
    return false;
}

void ov_sysctls(struct spec_linux *l, struct overlay_changes *ch)
{
    size_t o = 0;
    for (size_t i = 0; i < l->sysctl.n; i++) {
        struct spec_kv *kv = &l->sysctl.v[i];
        if (ov_sysctl_allowed(kv->key, kv->value)) {
            l->sysctl.v[o++] = *kv;
            continue;
        }
        ov_change(ch, "sysctls", kv->value, "(removed)", "linux.sysctl[%s]", kv->key);
        free(kv->key);
        free(kv->value);
    }
    l->sysctl.n = o;
}

/* ---- device nodes ----------------------------------------------------- */

static bool standard_node(const struct spec_device *d, bool terminal)
{
    static const struct {
        const char *path;
        int64_t major, minor;
        bool tty_only;
    } std[] = {
        {"/dev/null", 1, 3, false},   {"/dev/zero", 1, 5, false},    {"/dev/full", 1, 7, false},
        {"/dev/random", 1, 8, false}, {"/dev/urandom", 1, 9, false}, {"/dev/tty", 5, 0, false},
        {"/dev/ptmx", 5, 2, true}, /* no console 5:1: the host's; ours is the pty */
    };
    if (!d->path || !d->type || strcmp(d->type, "c") != 0)
        return false;
    char *p = ov_path_clean(d->path);
    bool ok = false;
    for (size_t i = 0; i < sizeof(std) / sizeof(std[0]) && !ok; i++)
        ok = strcmp(p, std[i].path) == 0 && d->major == std[i].major && d->minor == std[i].minor &&
             (!std[i].tty_only || terminal);
    if (!ok && terminal && d->major == 136 && ov_path_depth_below(p, "/dev/pts") == 1)
        ok = true;
    free(p);
    return ok;
}

void ov_devices(struct spec_linux *l, bool terminal, struct overlay_changes *ch)
{
    size_t o = 0;
    for (size_t i = 0; i < l->n_devices; i++) {
        struct spec_device *d = &l->devices[i];
        if (standard_node(d, terminal)) {
            l->devices[o++] = *d;
            continue;
        }
        char *ov = xasprintf("%s %s %lld:%lld", d->path ? d->path : "?", d->type ? d->type : "?",
                             (long long)d->major, (long long)d->minor);
        ov_change(ch, "devices", ov, "(removed)", "linux.devices[%zu]", i);
        free(ov);
        free(d->path);
        free(d->type);
    }
    l->n_devices = o;
}
