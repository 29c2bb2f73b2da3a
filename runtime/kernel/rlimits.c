/* process.rlimits -> prlimit(2) on the calling process. */
#include "runtime/kernel/rlimits.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

static const struct {
    const char *name;
    int res;
} names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int rlimit_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(names[i].name, name))
            return names[i].res;
    return -1;
}

static int apply_one(const struct spec_rlimit *r, aisbx_error **err)
{
    int res = rlimit_from_name(r->type);
    if (res < 0)
        return aisbx_error_make(err, EINVAL, "unknown rlimit %s", r->type ? r->type : "(none)");
    if (r->soft > r->hard)
        return aisbx_error_make(err, EINVAL, "%s: soft limit %llu above hard limit %llu", r->type,
                                (unsigned long long)r->soft, (unsigned long long)r->hard);
    struct rlimit nl = {.rlim_cur = r->soft, .rlim_max = r->hard}, old;
    if (prlimit(0, res, &nl, NULL) == 0)
        return 0;
    int e = errno;
    if (e == EPERM && prlimit(0, res, NULL, &old) == 0 && nl.rlim_max > old.rlim_max)
        return aisbx_error_make(err, e,
                                "%s: raising the hard limit from %llu to %llu needs "
                                "CAP_SYS_RESOURCE",
                                r->type, (unsigned long long)old.rlim_max,
                                (unsigned long long)nl.rlim_max);
    return aisbx_error_make(err, e, "setting %s to soft %llu hard %llu", r->type,
                            (unsigned long long)r->soft, (unsigned long long)r->hard);
}

int rlimits_apply(const struct spec_rlimit *r, size_t n, aisbx_error **err)
{
    for (size_t i = 0; i < n; i++)
        if (apply_one(&r[i], err) < 0)
            return -1;
    return 0;
}

int rlimit_cap(int resource, uint64_t max, aisbx_error **err)
{
    struct rlimit cur;
    if (prlimit(0, resource, NULL, &cur) < 0)
        return aisbx_error_make(err, errno, "get rlimit %d", resource);
    if (cur.rlim_max > max)
        cur.rlim_max = max;
    if (cur.rlim_cur > cur.rlim_max)
        cur.rlim_cur = cur.rlim_max;
    if (prlimit(0, resource, &cur, NULL) < 0)
        return aisbx_error_make(err, errno, "set rlimit %d to %llu", resource,
                                (unsigned long long)max);
    return 0;
}
