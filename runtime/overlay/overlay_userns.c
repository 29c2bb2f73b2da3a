/* The user namespace rule (README "The user namespace"): a container of a
 * root runtime whose config asks for no user namespace gets one of its own,
 * mapping container ids 0-65535 to the 65536 host ids of the slot create
 * claimed (facts->userns_base), entered last by the init. Every other
 * namespace stays owned by the initial user namespace. What shows here:
 *   - the annotation USERNS_ANNOTATION = the base, which the runtime reads;
 *   - per bind, by class, the id mapping of its idmapped mount
 *     (mounts[].uidMappings/gidMappings): engine files and volumes with the
 *     full range, other user binds without root (on-disk 1-65535 only, so a
 *     root-owned host file stays out of reach of container root and
 *     container root cannot plant root-owned files on the host), system
 *     trees and device nodes never;
 *   - tmpfs and devpts uid=/gid= translated into the range (a tmpfs
 *     without uid= becomes owned by container root, as when mounted inside
 *     the namespace).
 * A config that asks for its own user namespace keeps it, unless a mapping
 * hands out host id 0 (container root would be host root again). The
 * operator's opt-out (policy userns "off") is recorded on every container. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"
#include "runtime/overlay/overlay_paths.h"

static bool maps_host_root(const struct spec_id_mapping *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (m[i].host_id == 0 && m[i].size > 0)
            return true;
    return false;
}

static const struct spec_namespace *user_ns(const struct spec_linux *l)
{
    for (size_t i = 0; l && i < l->n_namespaces; i++)
        if (l->namespaces[i].type == SPEC_NS_USER)
            return &l->namespaces[i];
    return NULL;
}

enum bind_class { BIND_NEVER, BIND_FULL, BIND_NO_ROOT };

static enum bind_class classify(const struct spec_mount *m, const struct overlay_bind_fact *bf,
                                const char *rootfs)
{
    if (bf && (bf->is_device || bf->is_proc_sys_dev))
        return BIND_NEVER;
    char *src = bf && bf->resolved                 ? ov_path_clean(bf->resolved)
                : m->source && m->source[0] == '/' ? ov_path_clean(m->source)
                                                   : NULL;
    enum bind_class k = BIND_NO_ROOT;
    if (src && ovp_engine_rw_for(src, rootfs))
        k = BIND_FULL;
    else if (src && (ovp_system_tree(src) || ovp_standard_device(src, false, 0, 0)))
        k = BIND_NEVER;
    free(src);
    return k;
}

static void set_mapping(struct spec_mount *m, uint32_t cid, uint32_t hid, uint32_t size)
{
    free(m->uid_mappings);
    free(m->gid_mappings);
    m->uid_mappings = xmalloc0(sizeof(*m->uid_mappings));
    m->gid_mappings = xmalloc0(sizeof(*m->gid_mappings));
    m->uid_mappings[0] =
        (struct spec_id_mapping){.container_id = cid, .host_id = hid, .size = size};
    m->gid_mappings[0] = m->uid_mappings[0];
    m->n_uid_mappings = m->n_gid_mappings = 1;
}

/* uid=N / gid=N of a tmpfs or devpts, moved into the range (a value
 * already inside it stays: the overlay runs on its own output unchanged);
 * a tmpfs without them gets the range's root. */
static void translate_ids(struct spec_mount *m, uint32_t base, bool add_root)
{
    bool have_uid = false, have_gid = false;
    for (size_t i = 0; i < m->options.n; i++) {
        char *o = m->options.v[i];
        bool u = strncmp(o, "uid=", 4) == 0, g = strncmp(o, "gid=", 4) == 0;
        if (!u && !g)
            continue;
        char *end;
        unsigned long v = strtoul(o + 4, &end, 10);
        have_uid |= u;
        have_gid |= g;
        if (!*end && v >= base && v - base < USERNS_RANGE_SIZE)
            continue;
        if (*end || v >= USERNS_RANGE_SIZE) /* outside the range: nobody's */
            v = USERNS_RANGE_SIZE - 2;
        m->options.v[i] = xasprintf("%s=%" PRIu32, u ? "uid" : "gid", base + (uint32_t)v);
        free(o);
    }
    if (add_root && !have_uid) {
        char *s = xasprintf("uid=%" PRIu32, base);
        spec_strlist_push(&m->options, s);
        free(s);
    }
    if (add_root && !have_gid) {
        char *s = xasprintf("gid=%" PRIu32, base);
        spec_strlist_push(&m->options, s);
        free(s);
    }
}

static void userns_mounts(struct spec_config *c, const struct overlay_facts *facts,
                          const size_t *origin, uint32_t base, struct overlay_changes *ch)
{
    for (size_t i = 0; i < c->n_mounts; i++) {
        struct spec_mount *m = &c->mounts[i];
        if (spec_mount_is_bind(m)) {
            if (m->n_uid_mappings || m->n_gid_mappings)
                continue; /* the config's own idmap (mounts[].uidMappings) */
            size_t k = origin ? origin[i] : OVERLAY_ADDED_MOUNT;
            const struct overlay_bind_fact *bf =
                facts && facts->binds && k != OVERLAY_ADDED_MOUNT && k < facts->n_binds
                    ? &facts->binds[k]
                    : NULL;
            enum bind_class cl = classify(m, bf, c->root ? c->root->path : NULL);
            if (cl == BIND_NEVER)
                continue;
            uint32_t first = cl == BIND_FULL ? 0 : 1;
            set_mapping(m, first, base + first, USERNS_RANGE_SIZE - first);
            char *nv =
                xasprintf("idmapped: on-disk %" PRIu32 "-65535 = container %" PRIu32 "-65535%s",
                          first, first, cl == BIND_FULL ? "" : " (root not mapped)");
            ov_change(ch, "userns", "(no idmap)", nv, "mounts[%s].uidMappings", m->destination);
            free(nv);
        } else if (m->type && (!strcmp(m->type, "tmpfs") || !strcmp(m->type, "devpts"))) {
            char *before = ov_list_join(&m->options);
            translate_ids(m, base, !strcmp(m->type, "tmpfs"));
            char *after = ov_list_join(&m->options);
            if (strcmp(before, after))
                ov_change(ch, "userns", before, after, "mounts[%s].options", m->destination);
            free(before);
            free(after);
        }
    }
}

/* The runtime reads these annotations: only the overlay may write them. */
static void drop_own_annotations(struct spec_kvlist *a, struct overlay_changes *ch)
{
    size_t o = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (strncmp(a->v[i].key, USERNS_ANNOTATION, strlen(USERNS_ANNOTATION)) == 0) {
            ov_change(ch, "userns", a->v[i].value, "(removed: the runtime's own)",
                      "annotations[%s]", a->v[i].key);
            free(a->v[i].key);
            free(a->v[i].value);
            continue;
        }
        a->v[o++] = a->v[i];
    }
    a->n = o;
}

int ov_userns(struct spec_config *c, const struct overlay_facts *facts,
              const struct aisbx_policy *pol, const size_t *origin, struct overlay_changes *ch,
              aisbx_error **err)
{
    const struct spec_linux *l = c->linux_;
    /* the overlay's own output carries the decision already: kept as is */
    const char *prev = spec_kvlist_get(&c->annotations, USERNS_ANNOTATION);
    char *want = facts && facts->userns_base ? xasprintf("%" PRIu32, facts->userns_base) : NULL;
    bool again = prev && want && strcmp(prev, want) == 0;
    free(want);
    if (!again)
        drop_own_annotations(&c->annotations, ch);
    const struct spec_namespace *ns = user_ns(l);
    if (ns) {
        /* Rootless runtimes run inside an engine's namespace, whose "host"
         * ids are not the host's: only a root runtime can judge. */
        if (facts && facts->userns_root_runtime &&
            (maps_host_root(l->uid_mappings, l->n_uid_mappings) ||
             maps_host_root(l->gid_mappings, l->n_gid_mappings)))
            return aisbx_error_make(err, EPERM,
                                    "linux.uidMappings/gidMappings: a mapping includes host id 0 "
                                    "(container ids must never be host root)");
        return 0;
    }
    if (!facts || !facts->userns_root_runtime)
        return 0; /* rootless: the engine's namespace already is one */
    if (!pol->userns) {
        ov_change(ch, "userns", "(absent)", "(absent: policy userns off)",
                  "linux.namespaces[user]");
        return 0;
    }
    uint32_t base = facts->userns_base;
    if (!base)
        return aisbx_error_make(err, EINVAL, "user namespace: no host range was claimed");
    if (!again) {
        char *v = xasprintf("%" PRIu32, base);
        spec_kvlist_set(&c->annotations, USERNS_ANNOTATION, v);
        free(v);
        const char *how = facts->userns_joined
                              ? "joined: the namespace of the container it shares namespaces with"
                              : "new";
        char *nv = xasprintf("(%s, entered last: container 0-65535 = host %" PRIu32 "-%" PRIu32 ")",
                             how, base, base + USERNS_RANGE_SIZE - 1);
        ov_change(ch, "userns", "(absent)", nv, "linux.namespaces[user]");
        free(nv);
        ov_change(ch, "userns", "(no idmap)", "idmapped: on-disk 0-65535 = container 0-65535",
                  "root.path");
    }
    userns_mounts(c, facts, origin, base, ch);
    return 0;
}
