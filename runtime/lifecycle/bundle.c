#include "runtime/lifecycle/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/lifecycle/userns_setup.h"
#include "runtime/lifecycle/userns_slots.h"
#include "runtime/log.h"
#include "runtime/rootfs/rootfs.h"

/* Keeps, for each bind the hardened config mounts, a clone of the source
 * the overlay judged (the fact's fd), and for each joined namespace path
 * the fd it judged. A bind whose source could not be opened is an error
 * here: there is nothing judged to mount. */
static int keep_judged_fds(struct hardened_bundle *b, const struct overlay_facts *f,
                           const size_t *origin, const struct spec_config *in, aisbx_error **err)
{
    const struct spec_config *c = b->cfg;
    b->mount_fds = xmalloc0((c->n_mounts + 1) * sizeof(int));
    b->ns_fds = xmalloc0(SPEC_NS_COUNT * sizeof(int));
    for (size_t i = 0; i < c->n_mounts; i++)
        b->mount_fds[i] = -1;
    for (int t = 0; t < SPEC_NS_COUNT; t++)
        b->ns_fds[t] = -1;
    for (size_t i = 0; i < c->n_mounts; i++) {
        const struct spec_mount *m = &c->mounts[i];
        if (!spec_mount_is_bind(m))
            continue;
        size_t k = origin[i];
        if (k == OVERLAY_ADDED_MOUNT || k >= f->n_binds)
            return aisbx_error_make(err, EINVAL, "mount %s: a bind the overlay did not judge",
                                    m->destination);
        if (f->binds[k].fd < 0)
            return aisbx_error_make(err, f->binds[k].open_errno, "bind source %s",
                                    m->source ? m->source : "");
        b->mount_fds[i] = rootfs_clone_bind_source(
            f->binds[k].fd, spec_strlist_contains(&m->options, "rbind"), err);
        if (b->mount_fds[i] < 0)
            return aisbx_error_wrap(err, "bind %s on %s", m->source, m->destination);
    }
    const struct spec_linux *l = c->linux_, *il = in->linux_;
    for (size_t i = 0; l && i < l->n_namespaces; i++) {
        enum spec_ns_type t = l->namespaces[i].type;
        if (!l->namespaces[i].path || (unsigned)t >= SPEC_NS_COUNT || b->ns_fds[t] >= 0)
            continue;
        /* the overlay keeps the first entry of each type */
        size_t k = 0;
        while (il && k < il->n_namespaces && il->namespaces[k].type != t)
            k++;
        if (!il || k >= il->n_namespaces || k >= f->n_ns || f->ns[k].fd < 0)
            return aisbx_error_make(err, 0, "linux.namespaces: cannot open %s namespace path %s",
                                    spec_ns_type_name(t), l->namespaces[i].path);
        b->ns_fds[t] = fcntl(f->ns[k].fd, F_DUPFD_CLOEXEC, 3);
        if (b->ns_fds[t] < 0)
            return aisbx_error_make(err, errno, "dup namespace fd");
    }
    return 0;
}

int bundle_load_hardened(const struct aisbx_context *ctx, const char *bundle, const char *id,
                         struct hardened_bundle *out, aisbx_error **err)
{
    struct spec_config *raw = NULL;
    struct overlay_facts facts = {0};
    char buf[PATH_MAX], *cfg_path;
    struct stat st;
    int r;

    memset(out, 0, sizeof(*out));
    out->userns_fd = out->root_tree_fd = -1;
    if (!realpath(bundle ? bundle : ".", buf))
        return aisbx_error_make(err, errno, "bundle %s", bundle ? bundle : ".");
    out->bundle = xstrdup(buf);
    if (policy_load(ctx->policy_path, &out->policy, err) < 0)
        goto fail;
    cfg_path = xasprintf("%s/config.json", out->bundle);
    r = spec_config_parse_file(cfg_path, &raw, err);
    free(cfg_path);
    if (r < 0)
        goto fail;
    if (!raw->process) {
        aisbx_error_make(err, 0, "config.json: process: missing required key");
        goto fail;
    }
    if (!raw->root || !raw->root->path) {
        aisbx_error_make(err, 0, "config.json: root.path: missing required key");
        goto fail;
    }
    if (raw->root->path[0] == '/')
        snprintf(buf, sizeof(buf), "%s", raw->root->path);
    else
        snprintf(buf, sizeof(buf), "%s/%s", out->bundle, raw->root->path);
    /* The root must be a real directory; a symlink could point anywhere. */
    if (lstat(buf, &st) < 0) {
        aisbx_error_make(err, errno, "rootfs %s", buf);
        goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        aisbx_error_make(err, 0, "rootfs %s: not a directory", buf);
        goto fail;
    }
    out->rootfs = xstrdup(buf);
    if (overlay_facts_gather(raw, out->bundle, &facts, err) < 0)
        goto fail;
    overlay_facts_rootfs(raw, out->rootfs, &facts);
    size_t *origin = NULL;
    r = userns_setup_claim(ctx, id, raw, &facts, out, err);
    if (r == 0)
        r = overlay_apply_traced(raw, &facts, &out->policy, &out->cfg, &origin, &out->changes, err);
    if (r == 0)
        r = keep_judged_fds(out, &facts, origin, raw, err);
    if (r == 0)
        r = userns_setup_mounts(out, id == NULL, err);
    free(origin);
    overlay_facts_free(&facts);
    if (r < 0)
        goto fail;
    spec_config_free(raw);
    /* `state` shows that the floor was applied, and how much it changed. */
    char *note = xasprintf("applied; %zu changes", out->changes.n);
    spec_kvlist_set(&out->cfg->annotations, OVERLAY_ANNOTATION, note);
    free(note);
    return 0;
fail:
    spec_config_free(raw);
    hardened_bundle_free(out);
    return -1;
}

void hardened_bundle_free(struct hardened_bundle *b)
{
    for (size_t i = 0; b->mount_fds && b->cfg && i < b->cfg->n_mounts; i++)
        if (b->mount_fds[i] >= 0)
            close(b->mount_fds[i]);
    for (int t = 0; b->ns_fds && t < SPEC_NS_COUNT; t++)
        if (b->ns_fds[t] >= 0)
            close(b->ns_fds[t]);
    free(b->mount_fds);
    free(b->ns_fds);
    if (b->userns_fd >= 0)
        close(b->userns_fd);
    if (b->root_tree_fd >= 0)
        close(b->root_tree_fd);
    for (size_t i = 0; i < b->n_layer_fds; i++)
        close(b->layer_fds[i]);
    free(b->layer_fds);
    if (b->userns_claimed && !b->userns_kept) {
        aisbx_error *e = NULL;
        if (userns_slot_release(USERNS_SLOTS_DIR, b->userns_slot, b->userns_root, b->userns_id,
                                &e) < 0)
            log_warning("user namespace slot %u: %s", b->userns_slot, e->msg);
        aisbx_error_free(&e);
    }
    free(b->userns_root);
    free(b->userns_id);
    free(b->bundle);
    free(b->rootfs);
    spec_config_free(b->cfg);
    overlay_changes_free(&b->changes);
    memset(b, 0, sizeof(*b));
    b->userns_fd = b->root_tree_fd = -1;
}

char *overlay_changes_text(const struct overlay_changes *c)
{
    size_t cap = 1, len = 0;
    char *s = xmalloc0(1);
    for (size_t i = 0; i < c->n; i++) {
        char *line = xasprintf("%s: %s: %s -> %s\n", c->v[i].rule, c->v[i].field, c->v[i].old_value,
                               c->v[i].new_value);
        size_t l = strlen(line);
        if (len + l + 1 > cap) {
            cap = (len + l + 1) * 2;
            s = xrealloc(s, cap);
        }
        memcpy(s + len, line, l + 1);
        len += l;
        free(line);
    }
    return s;
}

void overlay_changes_log(const struct overlay_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        log_file_only(LOG_WARNING, "overlay %s: %s: %s -> %s", c->v[i].rule, c->v[i].field,
                      c->v[i].old_value, c->v[i].new_value);
}
