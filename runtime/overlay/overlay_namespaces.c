/* Namespace rules: every container gets new pid, ipc, uts, mount, cgroup and
 * network namespaces. A path is joined only when the facts show it is not one
 * of the host's own namespaces (and, for network, holds only lo), which keeps
 * Kubernetes pods sharing their sandbox's namespaces. user/time are left as
 * asked: they add isolation, never remove it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"

static bool forced_new(enum spec_ns_type t)
{
    return t == SPEC_NS_PID || t == SPEC_NS_NETWORK || t == SPEC_NS_IPC || t == SPEC_NS_UTS ||
           t == SPEC_NS_MOUNT || t == SPEC_NS_CGROUP;
}

/* Why a path cannot be joined, NULL if it can. */
static const char *path_refusal(const struct spec_namespace *ns, const struct overlay_facts *f,
                                size_t i)
{
    if (!f || !f->ns || i >= f->n_ns)
        return "unverified";
    const struct overlay_ns_fact *nf = &f->ns[i];
    if (!nf->exists)
        return "not a namespace";
    if (nf->is_host)
        return "host namespace";
    if (ns->type == SPEC_NS_NETWORK && !nf->only_lo)
        return "has interfaces besides lo";
    return NULL;
}

int ov_namespaces(struct spec_config *c, const struct spec_config *in,
                  const struct overlay_facts *facts, struct overlay_changes *ch, aisbx_error **err)
{
    struct spec_linux *l = c->linux_;
    bool seen[SPEC_NS_COUNT] = {false};
    size_t o = 0;
    /* The spec: a path that is not a namespace of the entry's type is an
     * error (replacing it would be as safe, but hides a broken config).
     * Checked before anything is edited, so c stays whole to be freed. */
    for (size_t i = 0; facts && facts->ns && i < l->n_namespaces && i < facts->n_ns; i++)
        if (l->namespaces[i].path && facts->ns[i].wrong_type)
            return aisbx_error_make(
                err, EINVAL, "linux.namespaces[%zu]: %s is not a namespace of type %s", i,
                l->namespaces[i].path, spec_ns_type_name(l->namespaces[i].type));
    for (size_t i = 0; i < l->n_namespaces; i++) {
        struct spec_namespace *ns = &l->namespaces[i];
        const char *name = spec_ns_type_name(ns->type);
        if ((unsigned)ns->type >= SPEC_NS_COUNT)
            return aisbx_error_make(err, EINVAL, "linux.namespaces[%zu]: unknown type", i);
        if (seen[ns->type]) {
            /* runc refuses duplicates; keep the first so the result is well defined. */
            ov_change(ch, "namespaces", ns->path ? ns->path : "(new namespace)", "(removed)",
                      "linux.namespaces[%zu] (duplicate %s)", i, name);
            free(ns->path);
            ns->path = NULL;
            continue;
        }
        seen[ns->type] = true;
        if (ns->path && forced_new(ns->type)) {
            /* facts are indexed by the input's namespaces, which c mirrors */
            const char *why = path_refusal(ns, facts, i);
            if (why) {
                char *nv = xasprintf("(new namespace; %s)", why);
                ov_change(ch, ns->type == SPEC_NS_NETWORK ? "network" : "namespaces", ns->path, nv,
                          "linux.namespaces[%s].path", name);
                free(nv);
                free(ns->path);
                ns->path = NULL;
            }
        }
        l->namespaces[o++] = *ns;
    }
    l->n_namespaces = o;
    static const enum spec_ns_type order[] = {SPEC_NS_PID, SPEC_NS_NETWORK, SPEC_NS_IPC,
                                              SPEC_NS_UTS, SPEC_NS_MOUNT,   SPEC_NS_CGROUP};
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        if (seen[order[k]])
            continue;
        l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
        l->namespaces[l->n_namespaces].type = order[k];
        l->namespaces[l->n_namespaces].path = NULL;
        l->n_namespaces++;
        ov_change(ch, order[k] == SPEC_NS_NETWORK ? "network" : "namespaces", "(absent)",
                  "(new namespace)", "linux.namespaces[%s]", spec_ns_type_name(order[k]));
    }
    (void)in;
    return 0;
}
