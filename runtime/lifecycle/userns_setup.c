/* The runtime side of the container's user namespace (userns_setup.h). */
#include "runtime/lifecycle/userns_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/fd_util.h"
#include "runtime/kernel/ovl_layers.h"
#include "runtime/kernel/userns.h"
#include "runtime/kernel/userns_make.h"
#include "runtime/lifecycle/userns_pool.h"
#include "runtime/lifecycle/userns_slots.h"
#include "runtime/log.h"

static bool asks_user_ns(const struct spec_config *c)
{
    for (size_t i = 0; c->linux_ && i < c->linux_->n_namespaces; i++)
        if (c->linux_->namespaces[i].type == SPEC_NS_USER)
            return true;
    return false;
}

/* "0 B 65536\n" and nothing else: the range of a container's own user
 * namespace (this runtime's, or any made the same way). */
static bool single_range(const char *text, uint32_t *base)
{
    unsigned long long in, out, n;
    int used = 0;
    if (!text || sscanf(text, " %llu %llu %llu %n", &in, &out, &n, &used) != 3 || text[used])
        return false;
    if (in != 0 || n != USERNS_RANGE_SIZE || out < USERNS_RANGE_SIZE || out % USERNS_RANGE_SIZE ||
        out + n > 0xFFFFFFFFULL)
        return false;
    *base = (uint32_t)out;
    return true;
}

static char *read_small(const char *path)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *t = NULL;
    size_t n;
    if (fd < 0 || read_all(fd, &t, &n, 4096) < 0)
        return NULL;
    return t;
}

/* A container that shares namespaces with another (a CRI pod's pause
 * container, --ipc/--pid/--net=container:X) joins X's user namespace, so
 * that X's processes are not `nobody` to it: the namespace of the process
 * a judged /proc/<pid>/ns/... path names, if it is not the initial one and
 * maps exactly one 65536-id range whose root is not host root. The
 * namespace fd is checked to belong to that same pid (the path's namespace
 * fd the overlay judged is compared with the pid's, after the user
 * namespace was opened: a pid reused meanwhile fails the comparison). */
static int peer_user_ns(const struct spec_config *raw, const struct overlay_facts *f, int *fd,
                        uint32_t *base)
{
    const struct spec_linux *l = raw->linux_;
    *fd = -1;
    for (size_t i = 0; l && f->ns && i < l->n_namespaces && i < f->n_ns; i++) {
        const struct spec_namespace *ns = &l->namespaces[i];
        int pid;
        char kind[16], tail;
        if (!ns->path || f->ns[i].fd < 0 || !f->ns[i].exists || f->ns[i].is_host ||
            sscanf(ns->path, "/proc/%d/ns/%15[a-z]%c", &pid, kind, &tail) != 2 || pid <= 0)
            continue;
        char p[64];
        snprintf(p, sizeof(p), "/proc/%d/ns/user", pid);
        int u = open(p, O_RDONLY | O_CLOEXEC);
        struct stat a, b2, mine;
        snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, kind);
        if (u < 0 || fstat(u, &a) < 0 || stat("/proc/self/ns/user", &mine) < 0 ||
            (a.st_ino == mine.st_ino && a.st_dev == mine.st_dev) || stat(p, &b2) < 0 ||
            fstat(f->ns[i].fd, &a) < 0 || a.st_ino != b2.st_ino || a.st_dev != b2.st_dev) {
            if (u >= 0)
                close(u);
            continue;
        }
        snprintf(p, sizeof(p), "/proc/%d/uid_map", pid);
        cleanup_free char *um = read_small(p);
        snprintf(p, sizeof(p), "/proc/%d/gid_map", pid);
        cleanup_free char *gm = read_small(p);
        uint32_t ub, gb;
        if (!single_range(um, &ub) || !single_range(gm, &gb) || ub != gb) {
            close(u);
            continue;
        }
        *fd = u;
        *base = ub;
        return 1;
    }
    return 0;
}

int userns_setup_claim(const struct aisbx_context *ctx, const char *id,
                       const struct spec_config *raw, struct overlay_facts *f,
                       struct hardened_bundle *b, aisbx_error **err)
{
    f->userns_root_runtime = !ctx->rootless && geteuid() == 0 && !userns_running_in_child();
    if (!f->userns_root_runtime || !b->policy.userns || asks_user_ns(raw))
        return 0;
    struct userns_pool pool;
    if (userns_pool_load("/etc/subuid", "/etc/subgid", &pool, err) < 0)
        return -1;
    uint32_t peer_base;
    if (!id) { /* `check`: nothing claimed, the pool's first range or the peer's */
        int pfd;
        f->userns_base = pool.base;
        if (peer_user_ns(raw, f, &pfd, &peer_base) > 0) {
            close(pfd);
            f->userns_base = peer_base;
            f->userns_joined = true;
        }
        return 0;
    }
    if (peer_user_ns(raw, f, &b->userns_fd, &peer_base) > 0) {
        f->userns_base = b->userns_base = peer_base;
        f->userns_joined = true;
        uint64_t off = (uint64_t)peer_base - pool.base;
        if (peer_base >= pool.base && off / USERNS_RANGE_SIZE < pool.slots) {
            /* a range of our pool: hold it too while this container runs */
            b->userns_slot = (uint32_t)(off / USERNS_RANGE_SIZE);
            if (userns_slot_join(USERNS_SLOTS_DIR, b->userns_slot, ctx->root, id, err) < 0)
                return -1;
            b->userns_claimed = true;
            b->userns_root = xstrdup(ctx->root);
            b->userns_id = xstrdup(id);
        }
        return 0;
    }
    if (userns_slot_claim(USERNS_SLOTS_DIR, &pool, ctx->root, id, &b->userns_slot, err) < 0)
        return -1;
    b->userns_claimed = true;
    b->userns_root = xstrdup(ctx->root);
    b->userns_id = xstrdup(id);
    f->userns_base = b->userns_base = userns_pool_slot_base(&pool, b->userns_slot);
    return 0;
}

/* The namespaces of the idmapped mounts: one per distinct mapping. */
struct ns_cache {
    struct spec_id_mapping u, g;
    int fd;
};

static bool one_map_eq(const struct spec_id_mapping *a, const struct spec_id_mapping *b)
{
    return a->container_id == b->container_id && a->host_id == b->host_id && a->size == b->size;
}

static int mapping_ns(const struct spec_mount *m, struct ns_cache *cache, size_t *n, size_t max,
                      aisbx_error **err)
{
    bool single = m->n_uid_mappings == 1 && m->n_gid_mappings == 1;
    for (size_t i = 0; single && i < *n; i++)
        if (one_map_eq(&cache[i].u, m->uid_mappings) && one_map_eq(&cache[i].g, m->gid_mappings))
            return cache[i].fd;
    int fd;
    if (!m->n_uid_mappings || !m->n_gid_mappings)
        return aisbx_error_make(err, EINVAL,
                                "mounts[%s]: uidMappings and gidMappings go together (the "
                                "kernel needs both)",
                                m->destination);
    if (userns_make(m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings, false,
                    0, &fd, err) < 0)
        return -1;
    if (single && *n < max) {
        cache[*n] = (struct ns_cache){*m->uid_mappings, *m->gid_mappings, fd};
        (*n)++;
    } else {
        /* not cached: kept open by the caller's list below */
        cache[max].fd = fd;
    }
    return fd;
}

static void add_change(struct hardened_bundle *b, const char *field, const char *old_value,
                       char *new_value)
{
    struct overlay_changes *ch = &b->changes;
    ch->v = xrealloc(ch->v, (ch->n + 1) * sizeof(*ch->v));
    ch->v[ch->n++] = (struct overlay_change){.field = xstrdup(field),
                                             .old_value = xstrdup(old_value),
                                             .new_value = new_value,
                                             .rule = "userns"};
}

/* A mount that cannot be idmapped (an overlay, proc, tmpfs before 6.3):
 * refused under userns_idmap "required", else mounted as it is and said. */
static int idmap_failed(struct hardened_bundle *b, const char *field, aisbx_error **e,
                        aisbx_error **err)
{
    if (b->policy.userns_idmap_required) {
        aisbx_error_wrap(e, "%s (policy userns_idmap: required)", field);
        *err = *e;
        *e = NULL;
        return -1;
    }
    char *nv = xasprintf("(not idmapped: %s)", (*e)->msg);
    struct overlay_changes *ch = &b->changes;
    ch->v = xrealloc(ch->v, (ch->n + 1) * sizeof(*ch->v));
    ch->v[ch->n++] = (struct overlay_change){.field = xstrdup(field),
                                             .old_value = xstrdup("idmapped"),
                                             .new_value = nv,
                                             .rule = "userns"};
    aisbx_error_free(e);
    return 0;
}

/* An engine's overlay root: its layers, each cloned and idmapped (the
 * engine's upper dir as the top one); 0 with none when the root is not an
 * overlay. */
static int idmap_layers(struct hardened_bundle *b, bool dry_run, aisbx_error **err)
{
    char real[PATH_MAX];
    struct statfs sf;
    if (statfs(b->rootfs, &sf) < 0 || sf.f_type != OVERLAYFS_SUPER_MAGIC ||
        !realpath(b->rootfs, real))
        return 0;
    cleanup_close int mi = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    cleanup_free char *text = NULL;
    size_t len;
    if (mi < 0 || read_all(mi, &text, &len, 16 << 20) < 0)
        return aisbx_error_make(err, errno, "read /proc/self/mountinfo");
    struct ovl_layers l;
    int r = ovl_layers_parse(text, real, &l, err);
    if (r <= 0)
        return r;
    size_t n = l.n_lower + (l.upper ? 1 : 0);
    b->layer_fds = xmalloc0(n * sizeof(int));
    for (size_t i = 0; r >= 0 && !dry_run && i < n; i++) {
        const char *path = l.upper ? (i == 0 ? l.upper : l.lower[i - 1]) : l.lower[i];
        cleanup_close int src = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int t =
            src < 0 ? -1 : open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (t < 0) {
            r = aisbx_error_make(err, errno, "overlay layer %s", path);
            break;
        }
        b->layer_fds[b->n_layer_fds++] = t;
        if (userns_idmap_tree(t, b->userns_fd, false, err) < 0)
            r = aisbx_error_wrap(err, "overlay layer %s", path);
    }
    ovl_layers_free(&l);
    if (r < 0) {
        for (size_t i = 0; i < b->n_layer_fds; i++)
            close(b->layer_fds[i]);
        free(b->layer_fds);
        b->layer_fds = NULL;
        b->n_layer_fds = 0;
        return -1;
    }
    add_change(b, "root.path", "idmapped",
               xasprintf("(an overlay: rebuilt read-only over its %zu layers, each idmapped)", n));
    return 1;
}

static int idmap_root(struct hardened_bundle *b, aisbx_error **err)
{
    aisbx_error *e = NULL;
    if (b->userns_fd < 0) { /* `check`: what create would do, nothing made */
        struct statfs sf;
        return statfs(b->rootfs, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC
                   ? (idmap_layers(b, true, err) < 0 ? -1 : 0)
                   : 0;
    }
    cleanup_close int src = open(b->rootfs, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        return aisbx_error_make(err, errno, "rootfs %s", b->rootfs);
    int tree =
        open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0)
        return aisbx_error_make(err, errno, "open_tree (clone the rootfs)");
    if (userns_idmap_tree(tree, b->userns_fd, true, &e) < 0) {
        close(tree);
        /* the overlay itself cannot be idmapped (EINVAL), its layers can */
        aisbx_error *le = NULL;
        int r = idmap_layers(b, false, &le);
        if (r > 0) {
            aisbx_error_free(&e);
            return 0;
        }
        if (r < 0) {
            aisbx_error_wrap(&e, "and its layers: %s", le->msg);
            aisbx_error_free(&le);
        }
        return idmap_failed(b, "root.path", &e, err);
    }
    b->root_tree_fd = tree;
    return 0;
}

int userns_setup_mounts(struct hardened_bundle *b, bool dry_run, aisbx_error **err)
{
    const struct spec_config *c = b->cfg;
    const char *v = spec_kvlist_get(&c->annotations, USERNS_ANNOTATION);
    enum { MAX = 8 };
    struct ns_cache cache[MAX + 1] = {0};
    size_t n = 0;
    int r = 0;
    if (dry_run) /* `check`: no namespace, no idmap; only what the root would become */
        return v ? idmap_root(b, err) : 0;
    if (v && b->userns_fd < 0) {
        struct spec_id_mapping m = {
            .container_id = 0, .host_id = b->userns_base, .size = USERNS_RANGE_SIZE};
        /* owned by the container's host root uid: its quotas are its own */
        if (userns_make(&m, 1, &m, 1, true, b->userns_base, &b->userns_fd, err) < 0)
            return -1;
    }
    if (v && idmap_root(b, err) < 0)
        return -1;
    for (size_t i = 0; r == 0 && i < c->n_mounts; i++) {
        const struct spec_mount *m = &c->mounts[i];
        if (b->mount_fds[i] < 0 || (!m->n_uid_mappings && !m->n_gid_mappings))
            continue;
        cache[MAX].fd = -1;
        int ns = mapping_ns(m, cache, &n, MAX, err);
        if (ns < 0) {
            r = -1;
            break;
        }
        aisbx_error *e = NULL;
        /* "idmap" asks for the top mount only (runc), anything else all */
        bool rec = !spec_strlist_contains(&m->options, "idmap");
        if (userns_idmap_tree(b->mount_fds[i], ns, rec, &e) < 0) {
            char *field = xasprintf("mounts[%s].uidMappings", m->destination);
            r = idmap_failed(b, field, &e, err);
            free(field);
        }
        if (cache[MAX].fd >= 0)
            close(cache[MAX].fd);
    }
    for (size_t i = 0; i < n; i++)
        close(cache[i].fd);
    return r;
}

int userns_setup_keep(struct hardened_bundle *b, pid_t init, aisbx_error **err)
{
    if (!b->userns_claimed)
        return 0;
    if (userns_slot_set_owner(USERNS_SLOTS_DIR, b->userns_slot, b->userns_root, b->userns_id, init,
                              err) < 0)
        return -1;
    b->userns_kept = true;
    return 0;
}

int userns_setup_release(const char *root, const struct spec_state *s, aisbx_error **err)
{
    const char *v = spec_kvlist_get(&s->annotations, USERNS_SLOT_ANNOTATION);
    char *end;
    if (!v)
        return 0;
    unsigned long slot = strtoul(v, &end, 10);
    if (*end || !*v)
        return aisbx_error_make(err, EINVAL, "state: %s \"%s\"", USERNS_SLOT_ANNOTATION, v);
    return userns_slot_release(USERNS_SLOTS_DIR, (uint32_t)slot, root, s->id, err);
}
