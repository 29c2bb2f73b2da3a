/* The container state: runc's public `state` JSON, and the same object plus
 * aisbx's internal fields as persisted in <root>/<id>/state.json. */
#include "state.h"

#include <string.h>

#include "config_internal.h"

static void gen_state(struct json_gen *g, const struct spec_state *s, bool internal)
{
    json_gen_map_open(g);
    json_gen_kv_string(g, "ociVersion", s->oci_version ? s->oci_version : SPEC_OCI_VERSION);
    json_gen_kv_string(g, "id", s->id ? s->id : "");
    json_gen_kv_i64(g, "pid", s->pid);
    json_gen_kv_string(g, "status", s->status ? s->status : "");
    json_gen_kv_string(g, "bundle", s->bundle ? s->bundle : "");
    json_gen_kv_string(g, "rootfs", s->rootfs ? s->rootfs : "");
    json_gen_kv_string(g, "created", s->created ? s->created : "");
    json_gen_kv_string(g, "owner", s->owner ? s->owner : "");
    spec_gen_kvlist(g, "annotations", &s->annotations);
    if (internal) {
        json_gen_kv_u64(g, SPEC_STATE_KEY_PID_START_TIME, s->pid_start_time);
        json_gen_kv_string(g, SPEC_STATE_KEY_CGROUP_PATH, s->cgroup_path ? s->cgroup_path : "");
        json_gen_kv_bool(g, SPEC_STATE_KEY_SYSTEMD_CGROUP, s->systemd_cgroup);
        json_gen_kv_bool(g, SPEC_STATE_KEY_TERMINAL, s->use_terminal);
    }
    json_gen_map_close(g);
}

int spec_state_generate(const struct spec_state *s, bool internal, bool pretty, char **out,
                        size_t *len, aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    gen_state(g, s, internal);
    return json_gen_finish(g, out, len, err);
}

int spec_process_state_generate(const struct spec_state *s, int pid, const char *metadata,
                                char **out, size_t *len, aisbx_error **err)
{
    struct json_gen *g = json_gen_new(false);
    char *const fds[] = {"seccompFd"};
    json_gen_map_open(g);
    json_gen_kv_string(g, "ociVersion", SPEC_OCI_VERSION);
    json_gen_kv_strings(g, "fds", fds, 1);
    json_gen_kv_i64(g, "pid", pid);
    if (metadata)
        json_gen_kv_string(g, "metadata", metadata);
    json_gen_key(g, "state");
    gen_state(g, s, false);
    json_gen_map_close(g);
    return json_gen_finish(g, out, len, err);
}

int spec_state_list_generate(struct spec_state *const *states, size_t n, bool pretty, char **out,
                             size_t *len, aisbx_error **err)
{
    struct json_gen *g = json_gen_new(pretty);
    json_gen_array_open(g);
    for (size_t i = 0; i < n; i++)
        gen_state(g, states[i], false);
    json_gen_array_close(g);
    return json_gen_finish(g, out, len, err);
}

static int parse_state_fields(const struct json_at *o, struct spec_state *s, aisbx_error **err)
{
    int32_t pid = 0;
    if (json_get_string(o, "ociVersion", 0, &s->oci_version, err) < 0 ||
        json_get_string(o, "id", JSON_REQUIRED, &s->id, err) < 0 ||
        json_get_i32(o, "pid", 0, &pid, err) < 0 ||
        json_get_string(o, "status", 0, &s->status, err) < 0 ||
        json_get_string(o, "bundle", 0, &s->bundle, err) < 0 ||
        json_get_string(o, "rootfs", 0, &s->rootfs, err) < 0 ||
        json_get_string(o, "created", 0, &s->created, err) < 0 ||
        json_get_string(o, "owner", 0, &s->owner, err) < 0 ||
        spec_parse_string_map(o, "annotations", &s->annotations, err) < 0 ||
        json_get_u64(o, SPEC_STATE_KEY_PID_START_TIME, 0, &s->pid_start_time, err) < 0 ||
        json_get_string(o, SPEC_STATE_KEY_CGROUP_PATH, 0, &s->cgroup_path, err) < 0 ||
        json_get_bool(o, SPEC_STATE_KEY_SYSTEMD_CGROUP, 0, &s->systemd_cgroup, err) < 0 ||
        json_get_bool(o, SPEC_STATE_KEY_TERMINAL, 0, &s->use_terminal, err) < 0)
        return -1;
    if (pid < 0) {
        struct json_at m = json_member(o, "pid");
        return json_error(err, &m, "expected a non-negative pid");
    }
    s->pid = pid;
    return 0;
}

int spec_state_parse(const char *buf, size_t len, struct spec_state **out, aisbx_error **err)
{
    json_node *tree;
    *out = NULL;
    if (json_parse(buf, len, SPEC_MAX_CONFIG_BYTES, "state", &tree, err) < 0)
        return -1;
    struct json_at root = json_root(tree, "");
    struct spec_state *s = xmalloc0(sizeof(*s));
    if (json_expect_object(&root, err) < 0 || parse_state_fields(&root, s, err) < 0) {
        json_free(tree);
        spec_state_free(s);
        return -1;
    }
    json_free(tree);
    if (!s->cgroup_path)
        s->cgroup_path = xstrdup("");
    *out = s;
    return 0;
}

void spec_state_free(struct spec_state *s)
{
    if (!s)
        return;
    free(s->oci_version);
    free(s->id);
    free(s->status);
    free(s->bundle);
    free(s->rootfs);
    free(s->created);
    free(s->owner);
    spec_kvlist_free(&s->annotations);
    free(s->cgroup_path);
    free(s);
}
