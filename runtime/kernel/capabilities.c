/* Capability sets via libcap; the ambient set via prctl (libcap's
 * cap_set_ambient does the same, prctl keeps the clear-then-raise explicit). */
#include "runtime/kernel/capabilities.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/cap_names.h"
#include "runtime/log.h"

/* cap_to_name() allocates; error paths want a plain string. */
static const char *cap_name(int v, char *buf, size_t n)
{
    char *s = cap_to_name(v);
    snprintf(buf, n, "%s", s ? s : "?");
    cap_free(s);
    return buf;
}

int caps_from_names(const struct spec_strlist *names, uint64_t *mask, aisbx_error **err)
{
    *mask = 0;
    if (!names)
        return 0;
    int max = (int)cap_max_bits();
    for (size_t i = 0; i < names->n; i++) {
        int v = cap_from_oci_name(names->v[i]);
        if (v < 0)
            return aisbx_error_make(err, EINVAL, "unknown capability %s", names->v[i]);
        if (v >= max) {
            log_warning("capability %s is not supported by this kernel, skipped", names->v[i]);
            continue;
        }
        *mask |= UINT64_C(1) << v;
    }
    return 0;
}

int caps_drop_bounding(const struct spec_capabilities *c, aisbx_error **err)
{
    uint64_t keep = 0;
    if (c && caps_from_names(&c->bounding, &keep, err) < 0)
        return aisbx_error_wrap(err, "bounding set");
    int max = (int)cap_max_bits();
    for (int v = 0; v < max; v++) {
        if (keep & (UINT64_C(1) << v))
            continue;
        if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL) {
            char b[32];
            int e = errno;
            return aisbx_error_make(err, e, "dropping %s from the bounding set",
                                    cap_name(v, b, sizeof(b)));
        }
    }
    return 0;
}

static int set_flags(cap_t caps, cap_flag_t which, uint64_t mask)
{
    for (cap_value_t v = 0; v < 64; v++)
        if ((mask & (UINT64_C(1) << v)) && cap_set_flag(caps, which, 1, &v, CAP_SET) < 0)
            return -1;
    return 0;
}

int caps_apply(const struct spec_capabilities *c, aisbx_error **err)
{
    uint64_t eff = 0, perm = 0, inh = 0, amb = 0;
    if (c && (caps_from_names(&c->effective, &eff, err) < 0 ||
              caps_from_names(&c->permitted, &perm, err) < 0 ||
              caps_from_names(&c->inheritable, &inh, err) < 0 ||
              caps_from_names(&c->ambient, &amb, err) < 0))
        return -1;
    cap_t caps = cap_init(); /* all three sets empty */
    if (!caps)
        return aisbx_error_make(err, errno, "cap_init");
    int rc = 0;
    if (set_flags(caps, CAP_EFFECTIVE, eff) < 0 || set_flags(caps, CAP_PERMITTED, perm) < 0 ||
        set_flags(caps, CAP_INHERITABLE, inh) < 0)
        rc = aisbx_error_make(err, errno, "building capability sets");
    else if (cap_set_proc(caps) < 0)
        rc = aisbx_error_make(err, errno,
                              "setting capabilities (effective 0x%llx permitted 0x%llx "
                              "inheritable 0x%llx)",
                              (unsigned long long)eff, (unsigned long long)perm,
                              (unsigned long long)inh);
    cap_free(caps);
    if (rc < 0)
        return rc;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return aisbx_error_make(err, errno, "clearing the ambient capability set");
    for (int v = 0; v < 64; v++) {
        if (!(amb & (UINT64_C(1) << v)))
            continue;
        /* As runc: a cap missing from permitted or inheritable cannot be
         * ambient; that only ever means fewer rights, so warn and go on. */
        char b[32];
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
            log_warning("cannot raise ambient capability %s: %s", cap_name(v, b, sizeof(b)),
                        strerror(errno));
    }
    return 0;
}
