/* The generating helpers config_gen.c and config_gen_linux.c share, kept
 * apart from the entry points so that config_gen_linux.c calls down into
 * this file and never back into config_gen.c. */
#include "config_internal.h"

void spec_gen_kvlist(struct json_gen *g, const char *key, const struct spec_kvlist *l)
{
    if (!l->n)
        return;
    json_gen_key(g, key);
    json_gen_map_open(g);
    for (size_t i = 0; i < l->n; i++)
        json_gen_kv_string(g, l->v[i].key, l->v[i].value ? l->v[i].value : "");
    json_gen_map_close(g);
}

void spec_gen_id_mappings(struct json_gen *g, const char *key, const struct spec_id_mapping *v,
                          size_t n)
{
    if (!v)
        return;
    json_gen_key(g, key);
    json_gen_array_open(g);
    for (size_t i = 0; i < n; i++) {
        json_gen_map_open(g);
        json_gen_kv_u64(g, "containerID", v[i].container_id);
        json_gen_kv_u64(g, "hostID", v[i].host_id);
        json_gen_kv_u64(g, "size", v[i].size);
        json_gen_map_close(g);
    }
    json_gen_array_close(g);
}
