/* --rootless and the state root that goes with it (rootless.h). */
#include "runtime/lifecycle/rootless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/kernel/userns.h"
#include "runtime/seccomp/seccomp_cache.h"

int rootless_decide(const char *value, bool euid_root, bool in_child_userns, bool *rootless,
                    aisbx_error **err)
{
    if (!value || strcmp(value, "auto") == 0)
        *rootless = !euid_root || in_child_userns;
    else if (strcmp(value, "true") == 0)
        *rootless = true;
    else if (strcmp(value, "false") == 0)
        *rootless = false;
    else
        return aisbx_error_make(
            err, 0, "invalid --rootless value \"%s\": must be true, false or auto", value);
    return 0;
}

const char *rootless_state_root(const char *xdg, bool euid_root, bool in_child_userns,
                                const char *user, char *buf, size_t len)
{
    if (!xdg || !*xdg)
        return NULL;
    if (euid_root && (!in_child_userns || (user && strcmp(user, "root") == 0)))
        return NULL;
    int n = snprintf(buf, len, "%s/aisbx", xdg);
    return n > 0 && (size_t)n < len ? buf : NULL;
}

int rootless_check_config(const struct spec_config *c, bool euid_root, aisbx_error **err)
{
    const struct spec_linux *lx = c->linux_;
    bool new_user = false, joined_user = false;
    if (euid_root)
        return 0;
    for (size_t i = 0; lx && i < lx->n_namespaces; i++)
        if (lx->namespaces[i].type == SPEC_NS_USER) {
            if (lx->namespaces[i].path && *lx->namespaces[i].path)
                joined_user = true;
            else
                new_user = true;
        }
    if (!new_user && !joined_user)
        return aisbx_error_make(err, 0,
                                "linux.namespaces: a rootless container requires a user namespace "
                                "(see aisbx spec --rootless)");
    if (new_user && (!lx->n_uid_mappings || !lx->n_gid_mappings))
        return aisbx_error_make(err, 0,
                                "linux.uidMappings/gidMappings: a rootless container's new user "
                                "namespace needs both");
    return 0;
}

static bool has_cap(const struct spec_strlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return true;
    return false;
}

int rootless_nproc_check_process(const struct spec_process *p, aisbx_error **err)
{
    const struct spec_capabilities *c = p ? p->capabilities : NULL;
    if (c && (has_cap(&c->bounding, "CAP_SETUID") || has_cap(&c->permitted, "CAP_SETUID") ||
              has_cap(&c->effective, "CAP_SETUID")))
        return aisbx_error_make(err, 0,
                                "process.capabilities: CAP_SETUID would escape the pids cap "
                                "(rootless without a cgroup: RLIMIT_NPROC counts per uid); "
                                "leave it out or give the user a cgroup");
    return 0;
}

/* Rootless: compiled seccomp programs (floor, config) are cached under the state root
 * (root's /run/aisbx/.cache is not the user's); list skips dot entries. */
static void rootless_cache_dir(const struct aisbx_context *ctx)
{
    static char dir[4200];
    if (!ctx->rootless || strcmp(ctx->root, AISBX_DEFAULT_ROOT) == 0)
        return;
    int n = snprintf(dir, sizeof(dir), "%s/.cache", ctx->root);
    if (n > 0 && (size_t)n < sizeof(dir))
        seccomp_cache_set_dir(dir);
}

int rootless_setup(struct aisbx_context *ctx, const char *value, const char *root,
                   aisbx_error **err)
{
    static char xdg_root[4096];
    bool euid_root = geteuid() == 0, child = userns_running_in_child();
    if (rootless_decide(value, euid_root, child, &ctx->rootless, err) < 0)
        return -1;
    if (root) {
        ctx->root = root;
    } else {
        const char *r = rootless_state_root(getenv("XDG_RUNTIME_DIR"), euid_root, child,
                                            getenv("USER"), xdg_root, sizeof(xdg_root));
        ctx->root = r ? r : AISBX_DEFAULT_ROOT;
    }
    rootless_cache_dir(ctx);
    return 0;
}
