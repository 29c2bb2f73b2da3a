/* Composite writers built only on json.h's primitives (json.c stays the
 * one file that talks to yajl): keys, string arrays, key-value pairs. */
#include <stddef.h>

#include "json.h"

void json_gen_key(struct json_gen *g, const char *key)
{
    json_gen_string(g, key);
}

void json_gen_strings(struct json_gen *g, char *const *v, size_t n)
{
    json_gen_array_open(g);
    for (size_t i = 0; i < n; i++)
        json_gen_string(g, v[i]);
    json_gen_array_close(g);
}

void json_gen_kv_string(struct json_gen *g, const char *key, const char *s)
{
    if (!s)
        return;
    json_gen_key(g, key);
    json_gen_string(g, s);
}

void json_gen_kv_bool(struct json_gen *g, const char *key, bool b)
{
    json_gen_key(g, key);
    json_gen_bool(g, b);
}

void json_gen_kv_i64(struct json_gen *g, const char *key, int64_t v)
{
    json_gen_key(g, key);
    json_gen_i64(g, v);
}

void json_gen_kv_u64(struct json_gen *g, const char *key, uint64_t v)
{
    json_gen_key(g, key);
    json_gen_u64(g, v);
}

void json_gen_kv_strings(struct json_gen *g, const char *key, char *const *v, size_t n)
{
    json_gen_key(g, key);
    json_gen_strings(g, v, n);
}
