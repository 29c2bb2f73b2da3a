#include "runtime/rootfs/mount_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

struct flag_opt {
    const char *name;
    bool clear;
    unsigned long flag;
};

/* runc's mountFlags table (libcontainer/specconv). The atime options are a
 * choice of one, so setting one clears the others. */
static const struct flag_opt flag_table[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

static const struct flag_opt propagation_table[] = {
    {"private", false, MS_PRIVATE},       {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},         {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},           {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE}, {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

struct attr_opt {
    const char *name;
    bool clear;
    uint64_t attr;
};

/* runc's recAttrFlags: applied to the whole subtree with mount_setattr. */
static const struct attr_opt attr_table[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct flag_opt *find_flag(const struct flag_opt *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name))
            return &t[i];
    return NULL;
}

static void apply_flag(struct mount_opts *o, const struct flag_opt *f)
{
    if (f->clear) {
        o->flags &= ~f->flag;
        return;
    }
    if (f->flag & ATIME_FLAGS)
        o->flags &= ~ATIME_FLAGS;
    o->flags |= f->flag;
}

static void apply_attr(struct mount_opts *o, const struct attr_opt *a)
{
    /* The atime attributes are an enum inside MOUNT_ATTR__ATIME: the kernel
     * wants the whole mask in attr_clr to change it; clearing one of them
     * falls back to relatime (the kernel default, value 0). */
    if (a->attr == MOUNT_ATTR_RELATIME || (a->attr & MOUNT_ATTR__ATIME)) {
        o->attr_clr |= MOUNT_ATTR__ATIME;
        o->attr_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
        if (!a->clear)
            o->attr_set |= a->attr;
        return;
    }
    if (a->clear) {
        o->attr_set &= ~a->attr;
        o->attr_clr |= a->attr;
    } else {
        o->attr_clr &= ~a->attr;
        o->attr_set |= a->attr;
    }
}

static void append_data(struct mount_opts *o, const char *opt)
{
    if (!o->data) {
        o->data = xstrdup(opt);
        return;
    }
    char *d = xasprintf("%s,%s", o->data, opt);
    free(o->data);
    o->data = d;
}

static int parse_split(const struct spec_strlist *opts, struct mount_opts *out, aisbx_error **err)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; opts && i < opts->n; i++) {
        const char *opt = opts->v[i];
        const struct flag_opt *f;
        if (!opt || !*opt)
            continue;
        if (!strcmp(opt, "bind")) {
            out->bind = true;
        } else if (!strcmp(opt, "rbind")) {
            out->bind = out->rec_bind = true;
        } else if ((f = find_flag(flag_table, N(flag_table), opt))) {
            apply_flag(out, f);
        } else if ((f = find_flag(propagation_table, N(propagation_table), opt))) {
            if (out->n_propagation == MOUNT_OPTS_MAX_PROPAGATION)
                return aisbx_error_make(err, EINVAL, "too many propagation options");
            out->propagation[out->n_propagation++] = f->flag;
        } else if (!strcmp(opt, "tmpcopyup")) {
            out->tmpcopyup = true;
        } else if (!strcmp(opt, "idmap")) {
            out->idmap = true;
        } else if (!strcmp(opt, "ridmap")) {
            out->ridmap = true;
        } else {
            bool found = false;
            for (size_t j = 0; j < N(attr_table); j++) {
                if (!strcmp(attr_table[j].name, opt)) {
                    apply_attr(out, &attr_table[j]);
                    found = true;
                    break;
                }
            }
            if (!found)
                append_data(out, opt);
        }
    }
    return 0;
}

int mount_options_parse(const struct spec_strlist *in, struct mount_opts *out, aisbx_error **err)
{
    /* Every option is judged on its own, even when an element joins several
     * ("nosuid,rrw"): the overlay judged them the same way. */
    struct spec_strlist split;
    spec_mount_options_split(in, &split);
    int r = parse_split(&split, out, err);
    spec_strlist_free(&split);
    return r;
}

void mount_options_free(struct mount_opts *o)
{
    free(o->data);
    o->data = NULL;
}

bool mount_opts_need_remount(const struct mount_opts *o)
{
    return (o->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
}

int mount_options_add_context(struct mount_opts *o, const char *label, aisbx_error **err)
{
    if (strchr(label, '"') || strchr(label, '\n'))
        return aisbx_error_make(err, EINVAL, "invalid linux.mountLabel '%s'", label);
    char *data = o->data && *o->data ? xasprintf("%s,context=\"%s\"", o->data, label)
                                     : xasprintf("context=\"%s\"", label);
    free(o->data);
    o->data = data;
    return 0;
}
