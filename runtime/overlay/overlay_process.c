/* Process rules, shared by create (process of config.json) and exec
 * (--process): no_new_privs, capabilities, RLIMIT_CORE/RLIMIT_NOFILE and
 * oom_score_adj. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cap_names.h"
#include "runtime/overlay/overlay_internal.h"

/* Keeps only capabilities the policy allows (which excludes the dangerous
 * set, since policy_load only accepts the safe set). Order is kept and
 * duplicates dropped, so the output is deterministic. */
static void filter_caps(struct spec_strlist *set, bool *has, uint64_t allowed, const char *prefix,
                        const char *name, struct overlay_changes *ch)
{
    struct spec_strlist out = {0};
    for (size_t i = 0; i < set->n; i++) {
        int cap = cap_from_oci_name(set->v[i]);
        if (cap >= 0 && (allowed & (1ULL << cap)))
            ov_strlist_ensure(&out, set->v[i]);
    }
    /* An absent set is an empty one in runc: only a shrinking set is a change. */
    if (*has && out.n != set->n) {
        char *o = ov_list_summary(set);
        char *n = ov_list_summary(&out);
        ov_change(ch, "capabilities", o, n, "%scapabilities.%s", prefix, name);
        free(o);
        free(n);
    }
    spec_strlist_free(set);
    *set = out;
    if (!set->v) {
        set->v = xmalloc0(sizeof(char *));
    }
    *has = true;
}

/* A name nobody knows is a typo or a newer kernel's capability: refused like
 * crun does, rather than silently dropped (the config would not get what it
 * asked for, and nobody would know). */
static int check_cap_names(const struct spec_capabilities *c, const char *prefix, aisbx_error **err)
{
    const struct spec_strlist *sets[] = {&c->bounding, &c->effective, &c->permitted,
                                         &c->inheritable, &c->ambient};
    for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++)
        for (size_t i = 0; i < sets[s]->n; i++)
            if (cap_from_oci_name(sets[s]->v[i]) < 0)
                return aisbx_error_make(err, 0, "%scapabilities: unknown capability \"%s\"", prefix,
                                        sets[s]->v[i]);
    return 0;
}

static void harden_caps(struct spec_process *p, const struct aisbx_policy *pol, const char *prefix,
                        struct overlay_changes *ch)
{
    if (!p->capabilities) {
        /* Absent means "keep the runtime's own (full) set" in runc: make it explicit. */
        p->capabilities = xmalloc0(sizeof(*p->capabilities));
        ov_change(ch, "capabilities", "(absent: all of the runtime's)", "[] in every set",
                  "%scapabilities", prefix);
    }
    struct spec_capabilities *c = p->capabilities;
    uint64_t allowed = pol->allowed_caps & policy_safe_caps();
    filter_caps(&c->bounding, &c->has_bounding, allowed, prefix, "bounding", ch);
    filter_caps(&c->effective, &c->has_effective, allowed, prefix, "effective", ch);
    filter_caps(&c->permitted, &c->has_permitted, allowed, prefix, "permitted", ch);
    /* Inheritable and ambient are always empty: nothing survives an execve by inheritance. */
    filter_caps(&c->inheritable, &c->has_inheritable, 0, prefix, "inheritable", ch);
    filter_caps(&c->ambient, &c->has_ambient, 0, prefix, "ambient", ch);
}

static void set_rlimit(struct spec_process *p, const char *type, uint64_t max, bool force,
                       const char *prefix, struct overlay_changes *ch)
{
    bool found = false;
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct spec_rlimit *r = &p->rlimits[i];
        if (strcmp(r->type, type) != 0)
            continue;
        found = true;
        uint64_t hard = force ? max : (r->hard > max ? max : r->hard);
        uint64_t soft = r->soft > hard ? hard : r->soft;
        if (force)
            soft = max;
        if (hard != r->hard || soft != r->soft) {
            char *o = xasprintf("%" PRIu64 "/%" PRIu64, r->soft, r->hard);
            char *n = xasprintf("%" PRIu64 "/%" PRIu64, soft, hard);
            ov_change(ch, "rlimits", o, n, "%srlimits[%s]", prefix, type);
            free(o);
            free(n);
            r->hard = hard;
            r->soft = soft;
        }
    }
    if (found)
        return;
    p->rlimits = xrealloc(p->rlimits, (p->n_rlimits + 1) * sizeof(*p->rlimits));
    p->rlimits[p->n_rlimits].type = xstrdup(type);
    p->rlimits[p->n_rlimits].hard = max;
    p->rlimits[p->n_rlimits].soft = max;
    p->n_rlimits++;
    char *n = xasprintf("%" PRIu64 "/%" PRIu64, max, max);
    ov_change(ch, "rlimits", NULL, n, "%srlimits[%s]", prefix, type);
    free(n);
}

int ov_process(struct spec_process *p, const struct aisbx_policy *pol, const char *prefix,
               struct overlay_changes *ch, aisbx_error **err)
{
    if (!p->no_new_privileges) {
        ov_change(ch, "privileges", "false", "true", "%snoNewPrivileges", prefix);
        p->no_new_privileges = true;
    }
    if (p->capabilities && check_cap_names(p->capabilities, prefix, err) < 0)
        return -1;
    harden_caps(p, pol, prefix, ch);
    set_rlimit(p, "RLIMIT_CORE", 0, true, prefix, ch);
    set_rlimit(p, "RLIMIT_NOFILE", pol->nofile_max, false, prefix, ch);
    if (p->has_oom_score_adj && p->oom_score_adj < 0) {
        char *o = xasprintf("%" PRId32, p->oom_score_adj);
        ov_change(ch, "oom", o, "0", "%soomScoreAdj", prefix);
        free(o);
        p->oom_score_adj = 0;
    }
    return 0;
}
