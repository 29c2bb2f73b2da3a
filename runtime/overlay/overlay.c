/* The overlay's entry points: copy the input, run each rule group on the
 * copy in a fixed order (so the change list is deterministic), return it. */
#include "runtime/overlay/overlay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"

int overlay_apply(const struct spec_config *in, const struct overlay_facts *facts,
                  const struct aisbx_policy *pol, struct spec_config **out,
                  struct overlay_changes *changes, aisbx_error **err)
{
    return overlay_apply_traced(in, facts, pol, out, NULL, changes, err);
}

int overlay_apply_traced(const struct spec_config *in, const struct overlay_facts *facts,
                         const struct aisbx_policy *pol, struct spec_config **out,
                         size_t **mount_origin, struct overlay_changes *changes, aisbx_error **err)
{
    size_t *origin = NULL;
    *out = NULL;
    if (mount_origin)
        *mount_origin = NULL;
    if (!in || !pol)
        return aisbx_error_make(err, EINVAL, "overlay: no config");
    if (!in->process)
        return aisbx_error_make(err, EINVAL, "overlay: config has no process");
    if (!in->root || !in->root->path || !*in->root->path)
        return aisbx_error_make(err, EINVAL, "overlay: config has no root.path");
    if (facts && in->linux_ && facts->ns && facts->n_ns != in->linux_->n_namespaces)
        return aisbx_error_make(err, EINVAL, "overlay: facts do not match the namespaces");
    if (facts && facts->binds && facts->n_binds != in->n_mounts)
        return aisbx_error_make(err, EINVAL, "overlay: facts do not match the mounts");

    struct spec_config *c = spec_config_dup(in);
    if (!c)
        return aisbx_error_make(err, ENOMEM, "overlay: copy config");
    if (!c->linux_)
        c->linux_ = xmalloc0(sizeof(*c->linux_));
    if (!c->linux_->resources)
        c->linux_->resources = xmalloc0(sizeof(*c->linux_->resources));

    if (ov_namespaces(c, in, facts, changes, err) < 0)
        goto fail;
    if (!c->root->readonly) {
        ov_change(changes, "root", "false", "true", "root.readonly");
        c->root->readonly = true;
    }
    if (ov_process(c->process, pol, "process.", changes, err) < 0)
        goto fail;
    if (!c->linux_->seccomp)
        ov_change(changes, "seccomp", "(absent)", "(aisbx floor filter only)", "linux.seccomp");
    ov_resources_create(c->linux_->resources, pol, changes);
    ov_devices(c->linux_, c->process->terminal, changes);
    ov_linux_paths(c->linux_, changes);
    /* the overlay adds at most a few mounts (/tmp, /dev); the user
     * namespace rule reads the origins even when the caller does not */
    origin = xmalloc0((in->n_mounts + 4) * sizeof(*origin));
    if (ov_mounts(c, in, facts, pol, origin, changes, err) < 0)
        goto fail;
    if (ov_userns(c, facts, pol, origin, changes, err) < 0)
        goto fail;
    ov_sysctls(c->linux_, changes);
    if (c->linux_->rootfs_propagation && (strcmp(c->linux_->rootfs_propagation, "shared") == 0 ||
                                          strcmp(c->linux_->rootfs_propagation, "rshared") == 0)) {
        /* a shared root would let mounts flow back to the host's peer group */
        ov_change(changes, "mounts", c->linux_->rootfs_propagation, "rslave",
                  "linux.rootfsPropagation");
        free(c->linux_->rootfs_propagation);
        c->linux_->rootfs_propagation = xstrdup("rslave");
    }
    *out = c;
    if (mount_origin)
        *mount_origin = origin;
    else
        free(origin);
    return 0;
fail:
    free(origin);
    spec_config_free(c);
    return aisbx_error_wrap(err, "overlay");
}

int overlay_apply_process(const struct spec_process *in, const struct aisbx_policy *pol,
                          struct spec_process **out, struct overlay_changes *changes,
                          aisbx_error **err)
{
    *out = NULL;
    if (!in || !pol)
        return aisbx_error_make(err, EINVAL, "overlay: no process");
    struct spec_process *p = spec_process_dup(in);
    if (!p)
        return aisbx_error_make(err, ENOMEM, "overlay: copy process");
    if (ov_process(p, pol, "", changes, err) < 0) {
        spec_process_free(p);
        return aisbx_error_wrap(err, "overlay");
    }
    *out = p;
    return 0;
}
