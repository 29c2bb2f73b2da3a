/* runc's `spec` template, as data: what `aisbx spec` writes. */
#include <string.h>
#include <unistd.h>

#include "runtime/container.h"

struct mount_tmpl {
    const char *dest, *type, *src;
    const char *opts[8];
};

static const struct mount_tmpl mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

static const char *const masked[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    NULL,
};
static const char *const readonly[] = {"/proc/bus",           "/proc/fs", "/proc/irq", "/proc/sys",
                                       "/proc/sysrq-trigger", NULL};
static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};

static void push_all(struct spec_strlist *l, const char *const *v)
{
    for (; *v; v++)
        spec_strlist_push(l, *v);
}

static void add_ns(struct spec_linux *lx, enum spec_ns_type t)
{
    lx->namespaces = xrealloc(lx->namespaces, (lx->n_namespaces + 1) * sizeof(*lx->namespaces));
    lx->namespaces[lx->n_namespaces++] = (struct spec_namespace){.type = t};
}

struct spec_config *default_spec(bool rootless)
{
    struct spec_config *c = xmalloc0(sizeof(*c));
    struct spec_process *p = xmalloc0(sizeof(*p));
    struct spec_linux *lx = xmalloc0(sizeof(*lx));

    c->oci_version = xstrdup(SPEC_OCI_VERSION);
    c->process = p;
    p->terminal = true;
    spec_strlist_push(&p->args, "sh");
    spec_strlist_push(&p->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    spec_strlist_push(&p->env, "TERM=xterm");
    p->cwd = xstrdup("/");
    p->capabilities = xmalloc0(sizeof(*p->capabilities));
    push_all(&p->capabilities->bounding, caps);
    push_all(&p->capabilities->effective, caps);
    push_all(&p->capabilities->permitted, caps);
    p->capabilities->has_bounding = p->capabilities->has_effective =
        p->capabilities->has_permitted = true;
    p->rlimits = xmalloc0(sizeof(*p->rlimits));
    p->rlimits[0] =
        (struct spec_rlimit){.type = xstrdup("RLIMIT_NOFILE"), .hard = 1024, .soft = 1024};
    p->n_rlimits = 1;
    p->no_new_privileges = true;

    c->root = xmalloc0(sizeof(*c->root));
    c->root->path = xstrdup("rootfs");
    c->root->readonly = true;
    c->hostname = xstrdup("aisbx");

    for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
        const struct mount_tmpl *t = &mounts[i];
        if (rootless && strcmp(t->type, "cgroup") == 0)
            continue;
        c->mounts = xrealloc(c->mounts, (c->n_mounts + 1) * sizeof(*c->mounts));
        struct spec_mount *m = memset(&c->mounts[c->n_mounts++], 0, sizeof(*m));
        m->destination = xstrdup(t->dest);
        if (rootless && strcmp(t->type, "sysfs") == 0) {
            /* A user namespace cannot mount sysfs: bind the host's. */
            m->type = xstrdup("none");
            m->source = xstrdup("/sys");
            for (const char *const *o =
                     (const char *const[]){"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
                 *o; o++)
                spec_strlist_push(&m->options, *o);
            continue;
        }
        m->type = xstrdup(t->type);
        m->source = xstrdup(t->src);
        for (const char *const *o = t->opts; *o; o++)
            if (!(rootless && strcmp(*o, "gid=5") == 0))
                spec_strlist_push(&m->options, *o);
    }

    c->linux_ = lx;
    add_ns(lx, SPEC_NS_PID);
    add_ns(lx, SPEC_NS_NETWORK);
    add_ns(lx, SPEC_NS_IPC);
    add_ns(lx, SPEC_NS_UTS);
    add_ns(lx, SPEC_NS_MOUNT);
    add_ns(lx, SPEC_NS_CGROUP);
    if (rootless) {
        add_ns(lx, SPEC_NS_USER);
        lx->uid_mappings = xmalloc0(sizeof(*lx->uid_mappings));
        lx->gid_mappings = xmalloc0(sizeof(*lx->gid_mappings));
        lx->uid_mappings[0] = (struct spec_id_mapping){0, (uint32_t)getuid(), 1};
        lx->gid_mappings[0] = (struct spec_id_mapping){0, (uint32_t)getgid(), 1};
        lx->n_uid_mappings = lx->n_gid_mappings = 1;
    } else {
        lx->resources = xmalloc0(sizeof(*lx->resources));
        lx->resources->devices = xmalloc0(sizeof(*lx->resources->devices));
        lx->resources->devices[0].access = xstrdup("rwm");
        lx->resources->n_devices = 1;
    }
    push_all(&lx->masked_paths, masked);
    push_all(&lx->readonly_paths, readonly);
    lx->has_masked_paths = lx->has_readonly_paths = true;
    return c;
}
