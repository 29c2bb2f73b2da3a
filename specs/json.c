/* yajl behind a small interface; see json.h for why. */
#include "json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* ---- parsing -------------------------------------------------------- */

/* yajl_tree builds its tree with an explicit stack but frees it
 * recursively, and our walkers recurse too: bound the depth up front with a
 * cheap scan that only has to understand strings. */
static int check_depth(const char *buf, size_t len, const char *what, aisbx_error **err)
{
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_MAX_DEPTH)
                return aisbx_error_make(err, 0, "%s: JSON nested deeper than %d levels", what,
                                        JSON_MAX_DEPTH);
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* yajl's verbose error is three lines: the reason, the text around the
 * error, and an arrow. Keep the reason and the context on one line, with
 * control characters from a hostile input made harmless. */
static char *one_line_error(const char *eb)
{
    char reason[256] = "", near[128] = "";
    const char *nl = strchr(eb, '\n');
    size_t rl = nl ? (size_t)(nl - eb) : strlen(eb);
    if (rl >= sizeof(reason))
        rl = sizeof(reason) - 1;
    memcpy(reason, eb, rl);
    if (nl) {
        const char *ctx = nl + 1;
        const char *end = strchr(ctx, '\n');
        size_t cl = end ? (size_t)(end - ctx) : strlen(ctx);
        while (cl > 0 && (*ctx == ' ' || *ctx == '\t'))
            ctx++, cl--;
        while (cl > 0 && (ctx[cl - 1] == ' ' || ctx[cl - 1] == '\t'))
            cl--;
        if (cl >= sizeof(near))
            cl = sizeof(near) - 1;
        memcpy(near, ctx, cl);
    }
    for (char *p = reason; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    for (char *p = near; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    rl = strlen(reason);
    while (rl > 0 && reason[rl - 1] == ' ')
        reason[--rl] = '\0';
    if (!reason[0])
        snprintf(reason, sizeof(reason), "malformed JSON");
    if (near[0])
        return xasprintf("%s (near '%s')", reason, near);
    return xstrdup(reason);
}

int json_parse(const char *buf, size_t len, size_t max_bytes, const char *what, json_node **out,
               aisbx_error **err)
{
    char eb[1024] = "";
    *out = NULL;
    if (len > max_bytes)
        return aisbx_error_make(err, 0, "%s: %zu bytes is more than the limit of %zu", what, len,
                                max_bytes);
    const char *nul = memchr(buf, '\0', len);
    if (nul)
        return aisbx_error_make(err, 0, "%s: NUL byte at offset %zu", what, (size_t)(nul - buf));
    if (check_depth(buf, len, what, err) < 0)
        return -1;
    char *copy = xmalloc0(len + 1);
    memcpy(copy, buf, len);
    yajl_val v = yajl_tree_parse(copy, eb, sizeof(eb));
    free(copy);
    if (!v) {
        char *msg = one_line_error(eb);
        aisbx_error_make(err, 0, "%s: invalid JSON: %s", what, msg);
        free(msg);
        return -1;
    }
    *out = v;
    return 0;
}

void json_free(json_node *v)
{
    if (v)
        yajl_tree_free(v);
}

/* ---- locations and paths ---------------------------------------------- */

static json_node *not_null(json_node *v)
{
    return (v && v->type == yajl_t_null) ? NULL : v;
}

struct json_at json_root(json_node *v, const char *name)
{
    struct json_at at = {.v = not_null(v), .parent = NULL, .key = name ? name : "", .index = 0};
    return at;
}

struct json_at json_member(const struct json_at *o, const char *key)
{
    struct json_at at = {.v = NULL, .parent = o, .key = key, .index = 0};
    if (!YAJL_IS_OBJECT(o->v))
        return at;
    for (size_t i = o->v->u.object.len; i-- > 0;) {
        if (strcmp(o->v->u.object.keys[i], key) == 0) {
            at.v = not_null(o->v->u.object.values[i]);
            break;
        }
    }
    return at;
}

struct json_at json_elem(const struct json_at *a, size_t i)
{
    struct json_at at = {.v = NULL, .parent = a, .key = NULL, .index = i};
    if (YAJL_IS_ARRAY(a->v) && i < a->v->u.array.len)
        at.v = not_null(a->v->u.array.values[i]);
    return at;
}

static bool plain_key(const char *k)
{
    if (!*k)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '-'))
            return false;
    return true;
}

static void append(char **buf, size_t *len, const char *s, size_t n)
{
    *buf = xrealloc(*buf, *len + n + 1);
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static void append_component(char **buf, size_t *len, const struct json_at *at)
{
    char tmp[32];
    if (at->parent)
        append_component(buf, len, at->parent);
    if (!at->key) {
        int n = snprintf(tmp, sizeof(tmp), "[%zu]", at->index);
        append(buf, len, tmp, (size_t)n);
        return;
    }
    if (!at->parent) { /* root name */
        append(buf, len, at->key, strlen(at->key));
        return;
    }
    if (plain_key(at->key)) {
        if (*len)
            append(buf, len, ".", 1);
        append(buf, len, at->key, strlen(at->key));
        return;
    }
    /* Map keys such as annotations can hold anything: quote them and keep
     * control bytes out of the message. */
    append(buf, len, "[\"", 2);
    for (const unsigned char *p = (const unsigned char *)at->key; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\') {
            int n = snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
            append(buf, len, tmp, (size_t)n);
        } else {
            append(buf, len, (const char *)p, 1);
        }
    }
    append(buf, len, "\"]", 2);
}

char *json_path(const struct json_at *at)
{
    char *buf = xstrdup("");
    size_t len = 0;
    append_component(&buf, &len, at);
    if (!len) {
        free(buf);
        buf = xstrdup("(root)");
    }
    return buf;
}

int json_error(aisbx_error **err, const struct json_at *at, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    char *path = json_path(at);
    aisbx_error_make(err, 0, "%s: %s", path, msg ? msg : "error");
    free(path);
    free(msg);
    return -1;
}

/* ---- shapes ------------------------------------------------------------ */

bool json_present(const struct json_at *at)
{
    return at->v != NULL;
}

int json_expect_object(const struct json_at *at, aisbx_error **err)
{
    if (!YAJL_IS_OBJECT(at->v))
        return json_error(err, at, "expected object");
    return 0;
}

int json_array_len(const struct json_at *at, size_t *n, aisbx_error **err)
{
    if (!YAJL_IS_ARRAY(at->v))
        return json_error(err, at, "expected array");
    *n = at->v->u.array.len;
    return 0;
}

size_t json_object_len(const struct json_at *at)
{
    return YAJL_IS_OBJECT(at->v) ? at->v->u.object.len : 0;
}

struct json_at json_object_entry(const struct json_at *at, size_t i, const char **key)
{
    struct json_at e = {.v = NULL, .parent = at, .key = NULL, .index = 0};
    *key = at->v->u.object.keys[i];
    e.key = *key;
    e.v = not_null(at->v->u.object.values[i]);
    return e;
}

int json_no_unknown_keys(const struct json_at *at, const char *const *known, aisbx_error **err)
{
    for (size_t i = 0; i < json_object_len(at); i++) {
        const char *key;
        struct json_at e = json_object_entry(at, i, &key);
        bool found = false;
        for (const char *const *k = known; *k && !found; k++)
            found = strcmp(*k, key) == 0;
        if (!found)
            return json_error(err, &e, "unknown key");
    }
    return 0;
}

/* ---- scalars ----------------------------------------------------------- */

int json_as_string(const struct json_at *at, char **out, aisbx_error **err)
{
    if (!YAJL_IS_STRING(at->v))
        return json_error(err, at, "expected string");
    free(*out);
    *out = xstrdup(at->v->u.string);
    return 0;
}

int json_as_bool(const struct json_at *at, bool *out, aisbx_error **err)
{
    if (YAJL_IS_TRUE(at->v))
        *out = true;
    else if (YAJL_IS_FALSE(at->v))
        *out = false;
    else
        return json_error(err, at, "expected boolean");
    return 0;
}

/* The integer's text, or NULL when the value is not a plain integer
 * (yajl accepts 1.0 and 1e3 as numbers; Go refuses them for integers). */
static const char *integer_text(const struct json_at *at)
{
    if (!YAJL_IS_NUMBER(at->v) || !at->v->u.number.r)
        return NULL;
    const char *s = at->v->u.number.r;
    const char *p = s + (*s == '-');
    if (!*p)
        return NULL;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return NULL;
    return s;
}

static int as_signed(const struct json_at *at, int64_t lo, int64_t hi, int64_t *out,
                     const char *expected, aisbx_error **err)
{
    const char *s = integer_text(at);
    if (!s)
        return json_error(err, at, "expected %s", expected);
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno || v < lo || v > hi)
        return json_error(err, at, "expected %s", expected);
    *out = v;
    return 0;
}

static int as_unsigned(const struct json_at *at, uint64_t hi, uint64_t *out, const char *expected,
                       aisbx_error **err)
{
    const char *s = integer_text(at);
    if (!s || *s == '-')
        return json_error(err, at, "expected %s", expected);
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno || v > hi)
        return json_error(err, at, "expected %s", expected);
    *out = v;
    return 0;
}

int json_as_i64(const struct json_at *at, int64_t *out, aisbx_error **err)
{
    return as_signed(at, INT64_MIN, INT64_MAX, out, "integer", err);
}

int json_as_i32(const struct json_at *at, int32_t *out, aisbx_error **err)
{
    int64_t v;
    if (as_signed(at, INT32_MIN, INT32_MAX, &v, "32-bit integer", err) < 0)
        return -1;
    *out = (int32_t)v;
    return 0;
}

int json_as_u64(const struct json_at *at, uint64_t *out, aisbx_error **err)
{
    return as_unsigned(at, UINT64_MAX, out, "unsigned 64-bit integer", err);
}

int json_as_u32(const struct json_at *at, uint32_t *out, aisbx_error **err)
{
    uint64_t v;
    if (as_unsigned(at, UINT32_MAX, &v, "unsigned 32-bit integer", err) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int json_as_u16(const struct json_at *at, uint16_t *out, aisbx_error **err)
{
    uint64_t v;
    if (as_unsigned(at, UINT16_MAX, &v, "unsigned 16-bit integer", err) < 0)
        return -1;
    *out = (uint16_t)v;
    return 0;
}

/* ---- members ------------------------------------------------------------ */

/* 1 present, 0 absent, -1 missing-but-required. */
static int member(const struct json_at *o, const char *key, int flags, struct json_at *m,
                  aisbx_error **err)
{
    *m = json_member(o, key);
    if (m->v)
        return 1;
    if (flags & JSON_REQUIRED)
        return json_error(err, m, "missing required key");
    return 0;
}

/* The member getters differ only in the value reader; one macro keeps
 * them identical. */
#define DEFINE_GET(name, type, reader)                                                             \
    int name(const struct json_at *o, const char *key, int flags, type *out, aisbx_error **err)    \
    {                                                                                              \
        struct json_at m;                                                                          \
        int r = member(o, key, flags, &m, err);                                                    \
        if (r <= 0)                                                                                \
            return r;                                                                              \
        return reader(&m, out, err) < 0 ? -1 : 1;                                                  \
    }

DEFINE_GET(json_get_string, char *, json_as_string)
DEFINE_GET(json_get_bool, bool, json_as_bool)
DEFINE_GET(json_get_i64, int64_t, json_as_i64)
DEFINE_GET(json_get_i32, int32_t, json_as_i32)
DEFINE_GET(json_get_u64, uint64_t, json_as_u64)
DEFINE_GET(json_get_u32, uint32_t, json_as_u32)
DEFINE_GET(json_get_u16, uint16_t, json_as_u16)

int json_get_strings(const struct json_at *o, const char *key, int flags, char ***v, size_t *n,
                     aisbx_error **err)
{
    struct json_at m;
    int r = member(o, key, flags, &m, err);
    if (r <= 0)
        return r;
    if (!YAJL_IS_ARRAY(m.v))
        return json_error(err, &m, "expected array of strings");
    size_t len = m.v->u.array.len;
    for (size_t i = 0; i < len; i++)
        if (!YAJL_IS_STRING(m.v->u.array.values[i]))
            return json_error(err, &m, "expected array of strings");
    if (*v) {
        for (size_t i = 0; (*v)[i]; i++)
            free((*v)[i]);
        free(*v);
    }
    *v = xmalloc0((len + 1) * sizeof(char *));
    for (size_t i = 0; i < len; i++)
        (*v)[i] = xstrdup(m.v->u.array.values[i]->u.string);
    *n = len;
    return 1;
}

int json_get_object(const struct json_at *o, const char *key, int flags, struct json_at *child,
                    aisbx_error **err)
{
    int r = member(o, key, flags, child, err);
    if (r <= 0)
        return r;
    return json_expect_object(child, err) < 0 ? -1 : 1;
}

int json_get_array(const struct json_at *o, const char *key, int flags, struct json_at *child,
                   size_t *n, aisbx_error **err)
{
    *n = 0;
    int r = member(o, key, flags, child, err);
    if (r <= 0)
        return r;
    return json_array_len(child, n, err) < 0 ? -1 : 1;
}

/* ---- generation ------------------------------------------------------------ */

struct json_gen {
    yajl_gen g;
    yajl_gen_status status; /* first failure, sticky */
};

struct json_gen *json_gen_new(bool pretty)
{
    struct json_gen *g = xmalloc0(sizeof(*g));
    g->g = yajl_gen_alloc(NULL);
    if (!g->g)
        abort();
    if (pretty) {
        yajl_gen_config(g->g, yajl_gen_beautify, 1);
        yajl_gen_config(g->g, yajl_gen_indent_string, "  ");
    }
    g->status = yajl_gen_status_ok;
    return g;
}

void json_gen_free(struct json_gen *g)
{
    if (!g)
        return;
    yajl_gen_free(g->g);
    free(g);
}

static const char *gen_status_str(yajl_gen_status s)
{
    switch (s) {
    case yajl_gen_keys_must_be_strings:
        return "keys must be strings";
    case yajl_max_depth_exceeded:
        return "maximum depth exceeded";
    case yajl_gen_in_error_state:
        return "generator in error state";
    case yajl_gen_generation_complete:
        return "value after the end of the document";
    case yajl_gen_invalid_number:
        return "invalid number";
    case yajl_gen_invalid_string:
        return "invalid UTF-8 string";
    default:
        return "generator error";
    }
}

int json_gen_finish(struct json_gen *g, char **out, size_t *len, aisbx_error **err)
{
    const unsigned char *buf;
    size_t n;
    *out = NULL;
    if (g->status != yajl_gen_status_ok) {
        aisbx_error_make(err, 0, "generating JSON: %s", gen_status_str(g->status));
        json_gen_free(g);
        return -1;
    }
    yajl_gen_get_buf(g->g, &buf, &n);
    *out = xmalloc0(n + 1);
    memcpy(*out, buf, n);
    if (len)
        *len = n;
    json_gen_free(g);
    return 0;
}

static void track(struct json_gen *g, yajl_gen_status s)
{
    if (g->status == yajl_gen_status_ok && s != yajl_gen_status_ok)
        g->status = s;
}

void json_gen_map_open(struct json_gen *g)
{
    track(g, yajl_gen_map_open(g->g));
}

void json_gen_map_close(struct json_gen *g)
{
    track(g, yajl_gen_map_close(g->g));
}

void json_gen_array_open(struct json_gen *g)
{
    track(g, yajl_gen_array_open(g->g));
}

void json_gen_array_close(struct json_gen *g)
{
    track(g, yajl_gen_array_close(g->g));
}

void json_gen_string(struct json_gen *g, const char *s)
{
    if (!s)
        s = "";
    track(g, yajl_gen_string(g->g, (const unsigned char *)s, strlen(s)));
}

void json_gen_bool(struct json_gen *g, bool b)
{
    track(g, yajl_gen_bool(g->g, b));
}

void json_gen_null(struct json_gen *g)
{
    track(g, yajl_gen_null(g->g));
}

void json_gen_i64(struct json_gen *g, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
    track(g, yajl_gen_number(g->g, buf, (size_t)n));
}

void json_gen_u64(struct json_gen *g, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    track(g, yajl_gen_number(g->g, buf, (size_t)n));
}
