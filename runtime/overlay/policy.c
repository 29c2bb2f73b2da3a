/* Policy loading: defaults, the fixed bounds of the floor, and refusing
 * anything the floor does not allow. A bad policy is an error, never a
 * silent fallback: an operator who wrote 100000 must learn it was refused. */
#include "runtime/overlay/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "runtime/cap_names.h"
#include "runtime/fd_util.h"
#include "specs/policy.h"

#define POLICY_MAX_BYTES (64 * 1024)

void policy_defaults(struct aisbx_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->pids_max = POLICY_PIDS_DEFAULT;
    p->memory_max = POLICY_MEMORY_DEFAULT;
    p->nofile_max = POLICY_NOFILE_DEFAULT;
    p->tmpfs_max = POLICY_TMPFS_DEFAULT;
    p->tmp_exec = false;
    p->allowed_caps = 0;
    p->devpts_max = POLICY_DEVPTS_DEFAULT;
    p->userns = true;
    p->userns_idmap_required = false;
}

uint64_t policy_safe_caps(void)
{
    return (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER) |
           (1ULL << CAP_FSETID) | (1ULL << CAP_KILL) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) |
           (1ULL << CAP_SETPCAP) | (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_AUDIT_WRITE);
}

static int check_i64(const char *field, int64_t v, int64_t lo, int64_t hi, aisbx_error **err)
{
    if (v < lo)
        return aisbx_error_make(err, EINVAL, "policy %s: %" PRId64 " is below the bound %" PRId64,
                                field, v, lo);
    if (v > hi)
        return aisbx_error_make(err, EINVAL, "policy %s: %" PRId64 " is above the bound %" PRId64,
                                field, v, hi);
    return 0;
}

static int check_u64(const char *field, uint64_t v, uint64_t lo, uint64_t hi, aisbx_error **err)
{
    if (v < lo)
        return aisbx_error_make(err, EINVAL, "policy %s: %" PRIu64 " is below the bound %" PRIu64,
                                field, v, lo);
    if (v > hi)
        return aisbx_error_make(err, EINVAL, "policy %s: %" PRIu64 " is above the bound %" PRIu64,
                                field, v, hi);
    return 0;
}

static int apply_spec(const struct spec_policy *sp, struct aisbx_policy *p, aisbx_error **err)
{
    if (sp->has_pids_max) {
        if (check_i64("pids_max", sp->pids_max, POLICY_PIDS_MIN, POLICY_PIDS_MAX, err) < 0)
            return -1;
        p->pids_max = sp->pids_max;
    }
    if (sp->has_memory_max) {
        if (check_i64("memory_max", sp->memory_max, POLICY_MEMORY_MIN, POLICY_MEMORY_MAX, err) < 0)
            return -1;
        p->memory_max = sp->memory_max;
    }
    if (sp->has_nofile_max) {
        if (check_u64("nofile_max", sp->nofile_max, POLICY_NOFILE_MIN, POLICY_NOFILE_MAX, err) < 0)
            return -1;
        p->nofile_max = sp->nofile_max;
    }
    if (sp->has_tmpfs_max) {
        if (check_u64("tmpfs_max", sp->tmpfs_max, POLICY_TMPFS_MIN, POLICY_TMPFS_MAX, err) < 0)
            return -1;
        p->tmpfs_max = sp->tmpfs_max;
    }
    if (sp->has_devpts_max) {
        if (check_u64("devpts_max", sp->devpts_max, POLICY_DEVPTS_MIN, POLICY_DEVPTS_MAX, err) < 0)
            return -1;
        p->devpts_max = sp->devpts_max;
    }
    if (sp->has_tmp_exec)
        p->tmp_exec = sp->tmp_exec;
    if (sp->userns) {
        if (strcmp(sp->userns, "required") && strcmp(sp->userns, "off"))
            return aisbx_error_make(err, EINVAL, "policy userns: \"%s\" is not required or off",
                                    sp->userns);
        p->userns = strcmp(sp->userns, "off") != 0;
    }
    if (sp->userns_idmap) {
        if (strcmp(sp->userns_idmap, "required") && strcmp(sp->userns_idmap, "best-effort"))
            return aisbx_error_make(err, EINVAL,
                                    "policy userns_idmap: \"%s\" is not best-effort or required",
                                    sp->userns_idmap);
        p->userns_idmap_required = strcmp(sp->userns_idmap, "required") == 0;
    }
    if (sp->has_capabilities) {
        uint64_t mask = 0;
        for (size_t i = 0; i < sp->capabilities.n; i++) {
            const char *name = sp->capabilities.v[i];
            int cap = cap_from_oci_name(name);
            if (cap < 0)
                return aisbx_error_make(err, EINVAL, "policy capabilities: unknown capability %s",
                                        name);
            if (!(policy_safe_caps() & (1ULL << cap)))
                return aisbx_error_make(err, EINVAL,
                                        "policy capabilities: %s is not in the safe set", name);
            mask |= 1ULL << cap;
        }
        p->allowed_caps = mask;
    }
    return 0;
}

int policy_load_buffer(const char *buf, size_t len, struct aisbx_policy *p, aisbx_error **err)
{
    struct spec_policy *sp = NULL;
    struct aisbx_policy tmp;
    policy_defaults(p);
    policy_defaults(&tmp);
    if (spec_policy_parse(buf, len, &sp, err) < 0)
        return aisbx_error_wrap(err, "policy");
    int r = apply_spec(sp, &tmp, err);
    spec_policy_free(sp);
    if (r == 0)
        *p = tmp;
    return r;
}

int policy_load(const char *path, struct aisbx_policy *p, aisbx_error **err)
{
    bool explicit = true;
    policy_defaults(p);
    if (!path) {
        const char *env = getenv(POLICY_ENV);
        if (env && *env)
            path = env;
    }
    if (!path) {
        path = POLICY_DEFAULT_PATH;
        explicit = false;
    }
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT && !explicit)
            return 0;
        return aisbx_error_make(err, errno, "policy: open %s", path);
    }
    cleanup_free char *buf = NULL;
    size_t n = 0;
    if (read_all(fd, &buf, &n, POLICY_MAX_BYTES) < 0)
        return aisbx_error_make(err, errno, "policy: read %s", path);
    if (policy_load_buffer(buf, n, p, err) < 0)
        return aisbx_error_wrap(err, "%s", path);
    return 0;
}
