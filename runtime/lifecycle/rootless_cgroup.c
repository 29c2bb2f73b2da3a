/* Rootless: the pids cap's holder (rootless.h, rootless_pids_cap). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup/cgroup.h"
#include "runtime/kernel/userns.h"
#include "runtime/lifecycle/rootless.h"
#include "runtime/log.h"

/* A device cgroup needs CAP_SYS_ADMIN of the initial namespace (v1's
 * devices.deny, v2's eBPF program): no user has it, and with it the kernel
 * would refuse a delegated cgroup whole. Device access is bounded without
 * it: no mknod in a user namespace, the standard nodes are the host's bound
 * read-only, every other mount is nodev. */
static struct spec_resources *without_devices(const struct spec_resources *r)
{
    if (!r)
        return NULL;
    struct spec_resources *d = spec_resources_dup(r);
    if (!d)
        return NULL;
    for (size_t i = 0; i < d->n_devices; i++) {
        free(d->devices[i].type);
        free(d->devices[i].access);
    }
    free(d->devices);
    d->devices = NULL;
    d->n_devices = 0;
    return d;
}

int rootless_systemd_uid(bool rootless)
{
    if (!rootless)
        return -1;
    int64_t uid = userns_outer_euid();
    return uid >= 0 && uid <= INT32_MAX ? (int)uid : -1;
}

struct spec_resources *rootless_cgroup_resources(const struct spec_resources *r)
{
    return userns_euid_is_outer_root() ? spec_resources_dup(r) : without_devices(r);
}

int rootless_pids_cap(const char *cgroup_path, const struct spec_config *c, int64_t pids_max,
                      struct rootless_pids_cap *out, aisbx_error **err)
{
    const struct spec_resources *res = c->linux_ ? c->linux_->resources : NULL;
    bool outer_root = userns_euid_is_outer_root();
    aisbx_error *e = NULL;
    memset(out, 0, sizeof(*out));
    struct spec_resources *r = outer_root ? spec_resources_dup(res) : without_devices(res);
    int made = cgroup_create(cgroup_path, r, 0, &e);
    spec_resources_free(r);
    if (made == 0) {
        out->cgroup_made = true;
        snprintf(out->annotation, sizeof(out->annotation), "cgroup");
        log_warning("rootless: cgroup %s made by the user; the pids cap is its pids.max%s",
                    cgroup_path, outer_root ? "" : " (no device cgroup: needs CAP_SYS_ADMIN)");
        return 0;
    }
    /* runc goes on without a cgroup; we go on only with another holder. */
    if ((e->errnum != EACCES && e->errnum != EPERM && e->errnum != EROFS) || outer_root) {
        *err = e;
        return aisbx_error_wrap(err,
                                "rootless: no cgroup and RLIMIT_NPROC cannot hold the pids cap");
    }
    if (rootless_nproc_check_process(c->process, err) < 0) {
        aisbx_error_free(&e);
        return -1;
    }
    log_warning("rootless: running without a cgroup (%s); the pids cap is held by "
                "RLIMIT_NPROC=%lld (counts the processes of the container's uid in its user "
                "namespace)",
                e->msg, (long long)pids_max);
    aisbx_error_free(&e);
    out->nproc_max = (uint64_t)pids_max;
    snprintf(out->annotation, sizeof(out->annotation), "rlimit-nproc:%lld", (long long)pids_max);
    return 0;
}
