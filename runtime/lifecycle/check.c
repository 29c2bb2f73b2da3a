/* `check`: what the overlay would do to a bundle, without running it. */
#include "runtime/lifecycle/bundle.h"

int container_check(const struct aisbx_context *ctx, const char *bundle, char **config_json,
                    char **changes_text, aisbx_error **err)
{
    struct hardened_bundle b;
    size_t len;
    if (bundle_load_hardened(ctx, bundle, NULL, &b, err) < 0)
        return -1;
    int r = spec_config_generate(b.cfg, true, config_json, &len, err);
    if (r == 0)
        *changes_text = overlay_changes_text(&b.changes);
    hardened_bundle_free(&b);
    return r;
}
