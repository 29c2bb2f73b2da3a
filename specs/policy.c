/* The operator policy file. Stricter than config.json: an unknown key is an
 * error, because a misspelt tunable silently falling back to the default is
 * exactly the surprise a security policy must not have. */
#include "policy.h"

#include "config_internal.h"

static const char *const policy_keys[] = {
    "pids_max",     "memory_max", "nofile_max", "tmpfs_max",    "tmp_exec",
    "capabilities", "devpts_max", "userns",     "userns_idmap", NULL};

static int parse_policy_fields(const struct json_at *o, struct spec_policy *p, aisbx_error **err)
{
    int r;
    if (json_no_unknown_keys(o, policy_keys, err) < 0)
        return -1;
    if ((r = json_get_i64(o, "pids_max", 0, &p->pids_max, err)) < 0)
        return -1;
    p->has_pids_max = r;
    if ((r = json_get_i64(o, "memory_max", 0, &p->memory_max, err)) < 0)
        return -1;
    p->has_memory_max = r;
    if ((r = json_get_u64(o, "nofile_max", 0, &p->nofile_max, err)) < 0)
        return -1;
    p->has_nofile_max = r;
    if ((r = json_get_u64(o, "tmpfs_max", 0, &p->tmpfs_max, err)) < 0)
        return -1;
    p->has_tmpfs_max = r;
    if ((r = json_get_bool(o, "tmp_exec", 0, &p->tmp_exec, err)) < 0)
        return -1;
    p->has_tmp_exec = r;
    if ((r = spec_parse_strlist(o, "capabilities", 0, &p->capabilities, err)) < 0)
        return -1;
    p->has_capabilities = r;
    if ((r = json_get_u64(o, "devpts_max", 0, &p->devpts_max, err)) < 0)
        return -1;
    p->has_devpts_max = r;
    if (json_get_string(o, "userns", 0, &p->userns, err) < 0 ||
        json_get_string(o, "userns_idmap", 0, &p->userns_idmap, err) < 0)
        return -1;
    return 0;
}

int spec_policy_parse(const char *buf, size_t len, struct spec_policy **out, aisbx_error **err)
{
    json_node *tree;
    *out = NULL;
    /* A policy is a handful of keys; the config limit is generous enough. */
    if (json_parse(buf, len, SPEC_MAX_CONFIG_BYTES, "policy", &tree, err) < 0)
        return -1;
    struct json_at root = json_root(tree, "");
    struct spec_policy *p = xmalloc0(sizeof(*p));
    if (json_expect_object(&root, err) < 0 || parse_policy_fields(&root, p, err) < 0) {
        json_free(tree);
        spec_policy_free(p);
        return -1;
    }
    json_free(tree);
    *out = p;
    return 0;
}

void spec_policy_free(struct spec_policy *p)
{
    if (!p)
        return;
    spec_strlist_free(&p->capabilities);
    free(p->userns);
    free(p->userns_idmap);
    free(p);
}
