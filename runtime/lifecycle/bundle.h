/* Reading a bundle and hardening it: config.json -> overlay -> the config
 * aisbx actually runs. Shared by create, run and check, so that `check`
 * shows exactly what create would do. */
#ifndef AISBX_RUNTIME_BUNDLE_H
#define AISBX_RUNTIME_BUNDLE_H

#include "runtime/container.h"
#include "runtime/overlay/overlay.h"
#include "runtime/overlay/policy.h"

struct hardened_bundle {
    char *bundle;            /* absolute */
    char *rootfs;            /* absolute */
    struct spec_config *cfg; /* hardened */
    struct overlay_changes changes;
    struct aisbx_policy policy;
    /* What create mounts and joins, so that what the overlay judged is what
     * the container gets. mount_fds[i] (per cfg->mounts[i]): for a bind, a
     * detached copy (open_tree, made here in the host's mount namespace) of
     * the source object the overlay judged, -1 otherwise. ns_fds[t] (per
     * enum spec_ns_type): the opened namespace the overlay judged, when the
     * hardened config joins a path of that type, -1 otherwise. Both NULL
     * until loaded; close-on-exec. */
    int *mount_fds;
    int *ns_fds;
    /* The container's user namespace (userns_setup.h): the slot claimed in
     * the pool (released by hardened_bundle_free unless kept), the template
     * namespace the init joins last and the idmapped clone of the root
     * (-1: none; the init then binds the root onto itself as before). */
    bool userns_claimed, userns_kept;
    uint32_t userns_slot, userns_base;
    char *userns_root, *userns_id;
    int userns_fd, root_tree_fd;
    /* An overlay root that cannot be idmapped as a whole: each layer's
     * idmapped clone, the engine's upper dir first (the init rebuilds a
     * read-only overlay over them). */
    int *layer_fds;
    size_t n_layer_fds;
};

/* id: the container's (a user namespace slot is claimed for it), NULL for
 * `check`. */
int bundle_load_hardened(const struct aisbx_context *ctx, const char *bundle, const char *id,
                         struct hardened_bundle *out, aisbx_error **err);
void hardened_bundle_free(struct hardened_bundle *b);
/* "rule: field: old -> new\n" per change. */
char *overlay_changes_text(const struct overlay_changes *c);
/* Each change as a warning line in the log. */
void overlay_changes_log(const struct overlay_changes *c);

#endif
