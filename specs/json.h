/* The one place that knows about yajl: parse a buffer into a tree with a
 * one-line error, read typed values while carrying the JSON path of every
 * value for error messages ("linux.resources.pids.limit: expected integer"),
 * and a thin generator wrapper. Everything else in specs/ goes through this
 * interface, so yajl headers never leak out of json.c. */
#ifndef AISBX_SPECS_JSON_H
#define AISBX_SPECS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Deeper than this is refused before yajl sees the buffer: no legitimate
 * config nests more than ~8 levels, and the tree is freed recursively. */
#define JSON_MAX_DEPTH 64

struct yajl_val_s;
typedef struct yajl_val_s json_node;

/* A value plus how it was reached. Paths are built only when an error is
 * reported, so walking a tree allocates nothing. `v` is NULL when a member
 * is absent (JSON null counts as absent, as in Go's encoding/json). */
struct json_at {
    json_node *v;
    const struct json_at *parent;
    const char *key; /* member name; NULL for an array element */
    size_t index;
};

/* Parses `len` bytes (no NUL needed). Refuses more than `max_bytes`, NUL
 * bytes, and nesting deeper than JSON_MAX_DEPTH. `what` names the document
 * in errors ("config.json"). */
int json_parse(const char *buf, size_t len, size_t max_bytes, const char *what, json_node **out,
               aisbx_error **err);
void json_free(json_node *v);

/* Root location. `name` is the path prefix ("process"), "" for none. */
struct json_at json_root(json_node *v, const char *name);
/* The member `key` of object `o` (the last one if repeated, like Go). */
struct json_at json_member(const struct json_at *o, const char *key);
struct json_at json_elem(const struct json_at *a, size_t i);
/* Heap string "a.b[2].c" for `at`. */
char *json_path(const struct json_at *at);
/* Fails with "<path>: <message>". */
int json_error(aisbx_error **err, const struct json_at *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shape checks on a present value. */
bool json_present(const struct json_at *at);
int json_expect_object(const struct json_at *at, aisbx_error **err);
/* Number of elements; fails if not an array. */
int json_array_len(const struct json_at *at, size_t *n, aisbx_error **err);
/* Number of members and the i-th key/value of an object. */
size_t json_object_len(const struct json_at *at);
struct json_at json_object_entry(const struct json_at *at, size_t i, const char **key);
/* Fails naming the first member whose key is not in the NULL-terminated
 * `known` (strict documents such as the policy file). */
int json_no_unknown_keys(const struct json_at *at, const char *const *known, aisbx_error **err);

/* Typed reads of a present value. Integers are read from the number's own
 * text, never through a double, so every uint64 is exact; fractions,
 * exponents, out-of-range and negative-for-unsigned values are errors. */
int json_as_string(const struct json_at *at, char **out, aisbx_error **err);
int json_as_bool(const struct json_at *at, bool *out, aisbx_error **err);
int json_as_i64(const struct json_at *at, int64_t *out, aisbx_error **err);
int json_as_i32(const struct json_at *at, int32_t *out, aisbx_error **err);
int json_as_u64(const struct json_at *at, uint64_t *out, aisbx_error **err);
int json_as_u32(const struct json_at *at, uint32_t *out, aisbx_error **err);
int json_as_u16(const struct json_at *at, uint16_t *out, aisbx_error **err);

/* Member reads: return 1 if present (and *out set), 0 if absent (and
 * *out untouched), -1 on error. JSON_REQUIRED turns absence into
 * "<path>: missing required key". A string member replaces (frees) *out. */
#define JSON_REQUIRED 1
int json_get_string(const struct json_at *o, const char *key, int flags, char **out,
                    aisbx_error **err);
int json_get_bool(const struct json_at *o, const char *key, int flags, bool *out,
                  aisbx_error **err);
int json_get_i64(const struct json_at *o, const char *key, int flags, int64_t *out,
                 aisbx_error **err);
int json_get_i32(const struct json_at *o, const char *key, int flags, int32_t *out,
                 aisbx_error **err);
int json_get_u64(const struct json_at *o, const char *key, int flags, uint64_t *out,
                 aisbx_error **err);
int json_get_u32(const struct json_at *o, const char *key, int flags, uint32_t *out,
                 aisbx_error **err);
int json_get_u16(const struct json_at *o, const char *key, int flags, uint16_t *out,
                 aisbx_error **err);
/* Array of strings -> NULL-terminated heap vector (replaces *v). Any
 * deviation is "<path>: expected array of strings". */
int json_get_strings(const struct json_at *o, const char *key, int flags, char ***v, size_t *n,
                     aisbx_error **err);
/* Object member that must be an object when present; *child is its location. */
int json_get_object(const struct json_at *o, const char *key, int flags, struct json_at *child,
                    aisbx_error **err);
/* Array member; *child is its location and *n its length. */
int json_get_array(const struct json_at *o, const char *key, int flags, struct json_at *child,
                   size_t *n, aisbx_error **err);

/* ---- generation ----------------------------------------------------- */

/* Errors are sticky: the first failing call is reported by
 * json_gen_finish(), so emitting code needs no checks of its own. */
struct json_gen;
struct json_gen *json_gen_new(bool pretty);
void json_gen_free(struct json_gen *g);
/* Hands over the text (NUL-terminated, heap) and frees the generator. */
int json_gen_finish(struct json_gen *g, char **out, size_t *len, aisbx_error **err);

void json_gen_map_open(struct json_gen *g);
void json_gen_map_close(struct json_gen *g);
void json_gen_array_open(struct json_gen *g);
void json_gen_array_close(struct json_gen *g);
void json_gen_key(struct json_gen *g, const char *key);
void json_gen_string(struct json_gen *g, const char *s); /* NULL -> "" */
void json_gen_bool(struct json_gen *g, bool b);
void json_gen_null(struct json_gen *g);
void json_gen_i64(struct json_gen *g, int64_t v);
void json_gen_u64(struct json_gen *g, uint64_t v); /* exact decimal digits */
void json_gen_strings(struct json_gen *g, char *const *v, size_t n);

/* Key + value shorthands. kv_string skips NULL values. */
void json_gen_kv_string(struct json_gen *g, const char *key, const char *s);
void json_gen_kv_bool(struct json_gen *g, const char *key, bool b);
void json_gen_kv_i64(struct json_gen *g, const char *key, int64_t v);
void json_gen_kv_u64(struct json_gen *g, const char *key, uint64_t v);
void json_gen_kv_strings(struct json_gen *g, const char *key, char *const *v, size_t n);

#endif
