#include "runtime/bundle.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/log.h"

int bundle_load_hardened(const struct aisbx_context *ctx, const char *bundle,
                         struct hardened_bundle *out, aisbx_error **err)
{
    struct spec_config *raw = NULL;
    struct overlay_facts facts = {0};
    char buf[PATH_MAX], *cfg_path;
    struct stat st;
    int r;

    memset(out, 0, sizeof(*out));
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
    r = overlay_apply(raw, &facts, &out->policy, &out->cfg, &out->changes, err);
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
    free(b->bundle);
    free(b->rootfs);
    spec_config_free(b->cfg);
    overlay_changes_free(&b->changes);
    memset(b, 0, sizeof(*b));
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
