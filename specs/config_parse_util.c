/* The parsing primitives every config_parse*.c file uses: arrays of
 * objects, string lists and maps, id mappings, and the sorted unique keys of
 * an object. Kept apart from the entry points so that the section parsers
 * (config_parse_linux.c, config_parse_resources.c) call down into this file
 * and never back into config_parse.c. */
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

int spec_parse_array(const struct json_at *o, const char *key, int flags, size_t elem_size,
                     spec_elem_parser fn, void *v, size_t *n, aisbx_error **err)
{
    struct json_at a;
    size_t len;
    int r = json_get_array(o, key, flags, &a, &len, err);
    if (r <= 0)
        return r;
    char *arr = xmalloc0(len * elem_size);
    *(void **)v = arr;
    *n = len;
    for (size_t i = 0; i < len; i++) {
        struct json_at e = json_elem(&a, i);
        if (json_expect_object(&e, err) < 0 || fn(&e, arr + i * elem_size, err) < 0)
            return -1;
    }
    return 1;
}

int spec_parse_strlist(const struct json_at *o, const char *key, int flags, struct spec_strlist *l,
                       aisbx_error **err)
{
    return json_get_strings(o, key, flags, &l->v, &l->n, err);
}

static int cmp_member(const void *a, const void *b, void *obj)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const char *ki, *kj;
    json_object_entry(obj, i, &ki);
    json_object_entry(obj, j, &kj);
    int c = strcmp(ki, kj);
    if (c)
        return c;
    return i < j ? -1 : (i > j);
}

size_t *spec_object_unique_keys(const struct json_at *at, size_t *n)
{
    size_t len = json_object_len(at), out = 0;
    size_t *idx = xmalloc0(len * sizeof(size_t));
    for (size_t i = 0; i < len; i++)
        idx[i] = i;
    qsort_r(idx, len, sizeof(size_t), cmp_member, (void *)at);
    for (size_t i = 0; i < len; i++) {
        const char *k, *next;
        json_object_entry(at, idx[i], &k);
        if (i + 1 < len) {
            json_object_entry(at, idx[i + 1], &next);
            if (strcmp(k, next) == 0)
                continue; /* a later duplicate wins */
        }
        idx[out++] = idx[i];
    }
    *n = out;
    return idx;
}

int spec_parse_string_map(const struct json_at *o, const char *key, struct spec_kvlist *l,
                          aisbx_error **err)
{
    struct json_at m;
    int r = json_get_object(o, key, 0, &m, err);
    if (r <= 0)
        return r;
    size_t n;
    size_t *idx = spec_object_unique_keys(&m, &n);
    spec_kvlist_free(l);
    l->v = xmalloc0(n * sizeof(*l->v));
    for (size_t i = 0; i < n; i++) {
        const char *k;
        char *val = NULL;
        struct json_at e = json_object_entry(&m, idx[i], &k);
        if (!json_present(&e) || json_as_string(&e, &val, err) < 0) {
            free(idx);
            return json_present(&e) ? -1 : json_error(err, &e, "expected string");
        }
        l->v[l->n].key = xstrdup(k);
        l->v[l->n].value = val;
        l->n++;
    }
    free(idx);
    return 1;
}

static int parse_id_mapping(const struct json_at *e, void *elem, aisbx_error **err)
{
    struct spec_id_mapping *m = elem;
    if (json_get_u32(e, "containerID", JSON_REQUIRED, &m->container_id, err) < 0 ||
        json_get_u32(e, "hostID", JSON_REQUIRED, &m->host_id, err) < 0 ||
        json_get_u32(e, "size", JSON_REQUIRED, &m->size, err) < 0)
        return -1;
    return 0;
}

int spec_parse_id_mappings(const struct json_at *o, const char *key, struct spec_id_mapping **v,
                           size_t *n, aisbx_error **err)
{
    return spec_parse_array(o, key, 0, sizeof(**v), parse_id_mapping, v, n, err);
}
