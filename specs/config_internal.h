/* Shared between the config_*.c files only: the per-section parsers,
 * generators and freers, so that config.json, exec --process and
 * update --resources all go through the same code.
 *
 * Calls only go down: config_parse.c -> config_parse_linux.c ->
 * config_parse_resources.c -> config_parse_util.c, and config_gen.c ->
 * config_gen_linux.c -> config_gen_util.c (hack/callgraph.sh checks it). */
#ifndef AISBX_SPECS_CONFIG_INTERNAL_H
#define AISBX_SPECS_CONFIG_INTERNAL_H

#include "config.h"
#include "json.h"

/* ---- config_parse_util.c: parsing primitives ---- */

/* Array of objects under `key`: allocates all `n` zeroed elements first
 * and stores them in *v and *n before parsing any, so that on failure the
 * caller's normal free function releases whatever was filled in. */
typedef int (*spec_elem_parser)(const struct json_at *e, void *elem, aisbx_error **err);
int spec_parse_array(const struct json_at *o, const char *key, int flags, size_t elem_size,
                     spec_elem_parser fn, void *v, size_t *n, aisbx_error **err);
int spec_parse_strlist(const struct json_at *o, const char *key, int flags, struct spec_strlist *l,
                       aisbx_error **err);
/* {"k": "v"} -> kvlist sorted by key (as Go prints maps), last duplicate wins. */
int spec_parse_string_map(const struct json_at *o, const char *key, struct spec_kvlist *l,
                          aisbx_error **err);
int spec_parse_id_mappings(const struct json_at *o, const char *key, struct spec_id_mapping **v,
                           size_t *n, aisbx_error **err);
/* Indices of the members of object `at` sorted by key with duplicates
 * dropped (last wins); caller frees. */
size_t *spec_object_unique_keys(const struct json_at *at, size_t *n);

/* ---- section parsers ---- */

/* user_optional: a process.json (exec --process) may omit "user" (0:0, as
 * runc reads it); config.json's process must have it. */
int spec_parse_process_at(const struct json_at *at, bool user_optional, struct spec_process **out,
                          aisbx_error **err);
int spec_parse_resources_at(const struct json_at *at, struct spec_resources **out,
                            aisbx_error **err);
int spec_parse_linux_at(const struct json_at *at, struct spec_linux **out, aisbx_error **err);

/* ---- section generators ---- */

void spec_gen_process(struct json_gen *g, const struct spec_process *p);
void spec_gen_resources(struct json_gen *g, const struct spec_resources *r);
void spec_gen_linux(struct json_gen *g, const struct spec_linux *l);

/* ---- config_gen_util.c: generating helpers ---- */

void spec_gen_id_mappings(struct json_gen *g, const char *key, const struct spec_id_mapping *v,
                          size_t n);
void spec_gen_kvlist(struct json_gen *g, const char *key, const struct spec_kvlist *l);

void spec_linux_free(struct spec_linux *l);

#endif
