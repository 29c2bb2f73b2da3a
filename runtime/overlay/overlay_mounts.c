/* Mount rules: drop binds that hand the container the host (/, /proc, /sys,
 * /dev, control sockets, device nodes), force system trees read-only, make
 * binds rprivate, put nosuid/nodev everywhere, cap every tmpfs and add a
 * /tmp tmpfs when the config has none (the root itself is read-only), a /dev
 * likewise, and the container's own /proc in place of a removed one. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"
#include "runtime/overlay/overlay_paths.h"

static bool has_opt(const struct spec_mount *m, const char *o)
{
    return spec_strlist_contains(&m->options, o);
}

static bool type_is(const struct spec_mount *m, const char *t)
{
    return m->type && strcmp(m->type, t) == 0;
}

bool ov_parse_size(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return false;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case '\0':
        break;
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    case 't':
    case 'T':
        shift = 40;
        end++;
        break;
    default:
        return false;
    }
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

/* Removes options starting with prefix ("size="); returns how many. */
static size_t remove_prefixed(struct spec_strlist *l, const char *prefix)
{
    size_t o = 0, n = 0, pl = strlen(prefix);
    for (size_t i = 0; i < l->n; i++) {
        if (strncmp(l->v[i], prefix, pl) == 0) {
            free(l->v[i]);
            n++;
        } else {
            l->v[o++] = l->v[i];
        }
    }
    l->n = o;
    if (l->v)
        l->v[o] = NULL;
    return n;
}

static void cap_tmpfs(struct spec_mount *m, uint64_t max)
{
    uint64_t size = 0;
    size_t found = 0;
    bool ok = false;
    for (size_t i = 0; i < m->options.n; i++) {
        if (strncmp(m->options.v[i], "size=", 5) == 0) {
            found++;
            ok = ov_parse_size(m->options.v[i] + 5, &size);
        } else if (strncmp(m->options.v[i], "nr_blocks=", 10) == 0) {
            found += 2; /* always rewritten to size= */
        }
    }
    /* size=0 and percentages are "unlimited"/host-relative: replaced */
    if (found == 1 && ok && size > 0 && size <= max)
        return;
    remove_prefixed(&m->options, "size=");
    remove_prefixed(&m->options, "nr_blocks=");
    uint64_t v = (found == 1 && ok && size > 0 && size < max) ? size : max;
    char *o = xasprintf("size=%" PRIu64, v);
    spec_strlist_push(&m->options, o);
    free(o);
}

/* A devpts without max= lets one container take the host-wide pty pool
 * (every other container then gets ENOSPC on /dev/ptmx): every instance gets
 * max= at most the policy's. newinstance and ptmxmode=0666 as runc's default
 * spec has them, so /dev/ptmx -> pts/ptmx is usable (a stricter ptmxmode
 * stays). */
static void cap_devpts(struct spec_mount *m, uint64_t max)
{
    uint64_t v = 0;
    size_t found = 0;
    bool ok = false;
    for (size_t i = 0; i < m->options.n; i++)
        if (strncmp(m->options.v[i], "max=", 4) == 0) {
            found++;
            const char *s = m->options.v[i] + 4;
            char *end = NULL;
            errno = 0;
            v = strtoull(s, &end, 10);
            ok = *s >= '0' && *s <= '9' && !*end && !errno;
        }
    if (!(found == 1 && ok && v <= max)) {
        remove_prefixed(&m->options, "max=");
        char *o = xasprintf("max=%" PRIu64, max);
        spec_strlist_push(&m->options, o);
        free(o);
    }
    ov_strlist_ensure(&m->options, "newinstance");
    bool has_mode = false;
    for (size_t i = 0; i < m->options.n; i++)
        has_mode |= strncmp(m->options.v[i], "ptmxmode=", 9) == 0;
    if (!has_mode)
        spec_strlist_push(&m->options, "ptmxmode=0666");
}

/* The root is mounted nodev (image device nodes are dead), so /dev must be a
 * mount of its own: runc's default /dev tmpfs when the config has none. */
static struct spec_mount dev_mount(void)
{
    struct spec_mount m = {0};
    m.destination = xstrdup("/dev");
    m.type = xstrdup("tmpfs");
    m.source = xstrdup("tmpfs");
    static const char *const opts[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
    for (const char *const *o = opts; *o; o++)
        spec_strlist_push(&m.options, *o);
    return m;
}

/* In place of a removed bind of the host's /proc: the container's own, in
 * its own pid namespace (which the floor forces), as the default config
 * mounts it. Without any /proc the container could not start (the floor is
 * verified through /proc/self). */
static struct spec_mount proc_mount(void)
{
    struct spec_mount m = {0};
    m.destination = xstrdup("/proc");
    m.type = xstrdup("proc");
    m.source = xstrdup("proc");
    static const char *const opts[] = {"nosuid", "noexec", "nodev", NULL};
    for (const char *const *o = opts; *o; o++)
        spec_strlist_push(&m.options, *o);
    return m;
}

/* Inserts *add before the first mount at or below dest (it would hide them
 * otherwise) and records the change. */
static void insert_before_below(struct spec_config *c, const char *dest, struct spec_mount add,
                                size_t *origin, struct overlay_changes *ch, const char *rule)
{
    size_t at = c->n_mounts;
    for (size_t i = 0; i < c->n_mounts && at == c->n_mounts; i++) {
        char *d = ov_path_clean(c->mounts[i].destination);
        if (ov_path_within(d, dest))
            at = i;
        free(d);
    }
    c->mounts = xrealloc(c->mounts, (c->n_mounts + 1) * sizeof(*c->mounts));
    memmove(&c->mounts[at + 1], &c->mounts[at], (c->n_mounts - at) * sizeof(*c->mounts));
    if (origin) {
        memmove(&origin[at + 1], &origin[at], (c->n_mounts - at) * sizeof(*origin));
        origin[at] = OVERLAY_ADDED_MOUNT;
    }
    c->mounts[at] = add;
    c->n_mounts++;
    char *nv = ov_list_join(&c->mounts[at].options);
    char *nv2 = xasprintf("%s %s", c->mounts[at].type, nv);
    ov_change(ch, rule, NULL, nv2, "mounts[%s]", dest);
    free(nv);
    free(nv2);
}

/* Propagation options other than rprivate are replaced: a bind must neither
 * receive host mounts nor send the container's back. */
static void make_rprivate(struct spec_mount *m)
{
    static const char *const prop[] = {"shared",  "rshared",    "slave",       "rslave",
                                       "private", "unbindable", "runbindable", NULL};
    for (const char *const *p = prop; *p; p++)
        ov_strlist_remove(&m->options, *p);
    ov_strlist_ensure(&m->options, "rprivate");
}

/* An option that undoes a forced flag is removed from every mount, recursive
 * or not and whatever the type: "rrw" is a mount_setattr(AT_RECURSIVE) that
 * clears RDONLY on any mount, not only on an rbind. The recursive forms are
 * added only to rbinds (the only mounts with a subtree to cover). */
static void force_flag(struct spec_mount *m, const char *undo, const char *flag, bool recursive)
{
    char r_undo[16], r_flag[16];
    snprintf(r_undo, sizeof(r_undo), "r%s", undo);
    snprintf(r_flag, sizeof(r_flag), "r%s", flag);
    ov_strlist_remove(&m->options, undo);
    ov_strlist_remove(&m->options, r_undo);
    ov_strlist_ensure(&m->options, flag);
    if (recursive)
        ov_strlist_ensure(&m->options, r_flag);
}

static void force_flags(struct spec_mount *m, bool ro, bool nodev, bool recursive)
{
    force_flag(m, "suid", "nosuid", recursive);
    if (nodev)
        force_flag(m, "dev", "nodev", recursive);
    if (ro)
        force_flag(m, "rw", "ro", recursive);
}

/* One option per element: "size=1k,size=100g" in one element is two sizes. */
static void split_options(struct spec_mount *m)
{
    struct spec_strlist l;
    spec_mount_options_split(&m->options, &l);
    spec_strlist_free(&m->options);
    m->options = l;
}

static void free_mount(struct spec_mount *m)
{
    free(m->destination);
    free(m->type);
    free(m->source);
    spec_strlist_free(&m->options);
    free(m->uid_mappings);
    free(m->gid_mappings);
}

/* Source as the host sees it: the facts' resolution, else the text (with
 * /var/run -> /run, its usual symlink). NULL for an unresolvable relative path. */
static char *bind_source(const struct spec_mount *m, const struct overlay_bind_fact *bf)
{
    if (bf && bf->resolved)
        return ov_path_clean(bf->resolved);
    if (!m->source || m->source[0] != '/')
        return NULL;
    char *p = ov_path_clean(m->source);
    if (ov_path_within(p, "/var/run")) {
        char *q = xasprintf("/run%s", p + strlen("/var/run"));
        free(p);
        p = q;
    }
    return p;
}

/* Why a bind is dropped (NULL: kept); *ro: forced read-only; *device: a standard node. */
static const char *judge_bind(const struct spec_mount *m, const struct overlay_bind_fact *bf,
                              bool *ro, bool *device)
{
    *ro = false;
    *device = false;
    /* What the host says about the source wins over its name. */
    if (bf && bf->is_root)
        return "bind of the host's /";
    if (bf && bf->is_socket)
        return "socket";
    char *src = bind_source(m, bf);
    const char *why = NULL;
    if (bf && bf->is_device) {
        if (src && ovp_standard_device(src, true, bf->rdev_major, bf->rdev_minor))
            *device = true;
        else
            why = "device node";
    } else if (bf && bf->is_proc_sys_dev) {
        why = "host /proc, /sys or /dev";
    } else if (!src) {
        /* relative to the bundle and unresolved: not a host system path */
    } else if (strcmp(src, "/") == 0) {
        why = "bind of the host's /";
    } else if (ovp_engine_rw(src)) {
        /* engine's per-container file or volume: keeps its mode, and is not
         * judged by its sockets: containers share sockets through volumes on
         * purpose (sidecars), and the engine made the dir for containers */
    } else if (bf && bf->has_foreign_socket) {
        why = "holds a control socket";
    } else if (ovp_socket_path(src)) {
        why = "control socket";
    } else if (!bf && ovp_standard_device(src, false, 0, 0)) {
        *device = true; /* judged by name only when there are no facts */
    } else if (ov_path_within(src, "/proc") || ov_path_within(src, "/sys") ||
               ov_path_within(src, "/dev")) {
        why = "host /proc, /sys or /dev";
    } else if (ovp_system_tree(src)) {
        *ro = true;
    }
    free(src);
    return why;
}

/* Kernel filesystems a config may mount, and where. */
static const char *judge_fs(const struct spec_mount *m, const char *dest)
{
    if (!m->type || !*m->type)
        return "mount without a type";
    if (type_is(m, "proc"))
        return strcmp(dest, "/proc") == 0 ? NULL : "proc outside /proc";
    if (type_is(m, "sysfs"))
        return strcmp(dest, "/sys") == 0 ? NULL : "sysfs outside /sys";
    static const char *const ok[] = {"tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", NULL};
    for (const char *const *t = ok; *t; t++)
        if (type_is(m, *t))
            return NULL;
    return "filesystem type not allowed";
}

static struct spec_mount tmp_mount(const struct aisbx_policy *pol)
{
    struct spec_mount m = {0};
    m.destination = xstrdup("/tmp");
    m.type = xstrdup("tmpfs");
    m.source = xstrdup("tmpfs");
    spec_strlist_push(&m.options, "nosuid");
    spec_strlist_push(&m.options, "nodev");
    spec_strlist_push(&m.options, pol->tmp_exec ? "exec" : "noexec");
    spec_strlist_push(&m.options, "mode=1777");
    char *s = xasprintf("size=%" PRIu64, pol->tmpfs_max);
    spec_strlist_push(&m.options, s);
    free(s);
    return m;
}

int ov_mounts(struct spec_config *c, const struct spec_config *in,
              const struct overlay_facts *facts, const struct aisbx_policy *pol, size_t *origin,
              struct overlay_changes *ch, aisbx_error **err)
{
    size_t o = 0;
    bool have_tmp = false, have_dev = false, have_proc = false, removed_proc = false;
    for (size_t i = 0; i < c->n_mounts; i++) {
        struct spec_mount *m = &c->mounts[i];
        if (!m->destination)
            return aisbx_error_make(err, EINVAL, "mounts[%zu]: no destination", i);
        char *dest = ov_path_clean(m->destination);
        char *raw = ov_list_join(&m->options);
        split_options(m);
        const struct overlay_bind_fact *bf =
            (facts && facts->binds && i < facts->n_binds) ? &facts->binds[i] : NULL;
        /* whatever its type: a "tmpfs" with a bind option is mounted as a bind */
        bool bind = spec_mount_is_bind(m), ro = false, device = false;
        const char *why = bind ? judge_bind(m, bf, &ro, &device) : judge_fs(m, dest);
        if (why) {
            char *ov = xasprintf("%s %s", bind ? "bind" : (m->type ? m->type : "?"),
                                 m->source ? m->source : "");
            char *nv = xasprintf("(removed: %s)", why);
            ov_change(ch, "mounts", ov, nv, "mounts[%s]", dest);
            free(ov);
            free(nv);
            removed_proc = removed_proc || strcmp(dest, "/proc") == 0;
            free(raw);
            free(dest);
            free_mount(m);
            continue;
        }
        char *before = raw;
        const char *rule = "privileges";
        bool rec = bind && has_opt(m, "rbind");
        if (bind) {
            make_rprivate(m);
            if (ro)
                rule = "mounts";
            force_flags(m, ro, !device, rec);
        } else if (type_is(m, "tmpfs")) {
            rule = "tmpfs";
            cap_tmpfs(m, pol->tmpfs_max);
            /* /dev holds the standard nodes, which nodev would make unusable */
            force_flags(m, false, strcmp(dest, "/dev") != 0, false);
        } else if (type_is(m, "devpts")) {
            rule = "devices";
            cap_devpts(m, pol->devpts_max);
            force_flags(m, false, false, false); /* ptys are device nodes */
        } else if (type_is(m, "sysfs") || type_is(m, "cgroup") || type_is(m, "cgroup2")) {
            rule = "proc-sys";
            force_flags(m, true, true, false);
        } else {
            force_flags(m, false, true, false);
        }
        char *after = ov_list_join(&m->options);
        if (strcmp(before, after) != 0)
            ov_change(ch, rule, before, after, "mounts[%s].options", dest);
        free(before);
        free(after);
        if (strcmp(dest, "/tmp") == 0)
            have_tmp = true;
        if (strcmp(dest, "/dev") == 0)
            have_dev = true;
        if (strcmp(dest, "/proc") == 0)
            have_proc = true;
        free(dest);
        if (origin)
            origin[o] = i;
        c->mounts[o++] = *m;
    }
    c->n_mounts = o;
    if (!have_tmp && facts && facts->rootfs_tmp_unmakeable)
        /* no mount point and none can be made: the root stays read-only */
        ov_change(ch, "tmpfs", NULL, "(skipped: rootfs has no /tmp and it cannot be created)",
                  "mounts[/tmp]");
    else if (!have_tmp)
        insert_before_below(c, "/tmp", tmp_mount(pol), origin, ch, "tmpfs");
    if (!have_dev)
        insert_before_below(c, "/dev", dev_mount(), origin, ch, "devices");
    if (removed_proc && !have_proc)
        insert_before_below(c, "/proc", proc_mount(), origin, ch, "proc-sys");
    (void)in;
    return 0;
}
