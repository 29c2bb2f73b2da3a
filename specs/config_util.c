/* Small helpers on the config structs that every module needs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

static const char *const ns_names[SPEC_NS_COUNT] = {
    [SPEC_NS_PID] = "pid",       [SPEC_NS_NETWORK] = "network", [SPEC_NS_MOUNT] = "mount",
    [SPEC_NS_IPC] = "ipc",       [SPEC_NS_UTS] = "uts",         [SPEC_NS_USER] = "user",
    [SPEC_NS_CGROUP] = "cgroup", [SPEC_NS_TIME] = "time",
};

const char *spec_ns_type_name(enum spec_ns_type t)
{
    if ((unsigned)t >= SPEC_NS_COUNT)
        return "unknown";
    return ns_names[t];
}

int spec_ns_type_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < SPEC_NS_COUNT; i++)
        if (strcmp(ns_names[i], name) == 0)
            return i;
    return -1;
}

void spec_strlist_push(struct spec_strlist *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 2) * sizeof(char *));
    l->v[l->n++] = xstrdup(s);
    l->v[l->n] = NULL;
}

void spec_strlist_free(struct spec_strlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

bool spec_strlist_contains(const struct spec_strlist *l, const char *s)
{
    if (!l || !s)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] && strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

int spec_env_check(const struct spec_strlist *env, aisbx_error **err)
{
    for (size_t i = 0; env && i < env->n; i++) {
        const char *e = env->v[i], *eq = e ? strchr(e, '=') : NULL;
        if (!eq || eq == e)
            return aisbx_error_make(err, 0, "invalid environment variable: \"%s\" (%s)", e ? e : "",
                                    eq ? "empty name" : "want NAME=VALUE");
    }
    return 0;
}

void spec_mount_options_split(const struct spec_strlist *in, struct spec_strlist *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; in && i < in->n; i++) {
        const char *s = in->v[i];
        if (!s)
            continue;
        /* Commas inside double quotes belong to the value (SELinux
         * context="...:c1,c2"), as in the kernel's own option parser. */
        for (;;) {
            const char *e = s;
            bool quoted = false;
            while (*e && (quoted || *e != ','))
                quoted ^= *e++ == '"';
            if (e > s) {
                char *tok = xasprintf("%.*s", (int)(e - s), s);
                spec_strlist_push(out, tok);
                free(tok);
            }
            if (!*e)
                break;
            s = e + 1;
        }
    }
    if (!out->v)
        out->v = xmalloc0(sizeof(char *));
}

bool spec_mount_options_has(const struct spec_strlist *opts, const char *name)
{
    struct spec_strlist l;
    spec_mount_options_split(opts, &l);
    bool r = spec_strlist_contains(&l, name);
    spec_strlist_free(&l);
    return r;
}

bool spec_mount_is_bind(const struct spec_mount *m)
{
    if (m->type && strcmp(m->type, "bind") == 0)
        return true;
    return spec_mount_options_has(&m->options, "bind") ||
           spec_mount_options_has(&m->options, "rbind");
}

void spec_kvlist_set(struct spec_kvlist *l, const char *key, const char *value)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].key, key) == 0) {
            char *v = xstrdup(value);
            free(l->v[i].value);
            l->v[i].value = v;
            return;
        }
    }
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n].key = xstrdup(key);
    l->v[l->n].value = xstrdup(value);
    l->n++;
}

const char *spec_kvlist_get(const struct spec_kvlist *l, const char *key)
{
    if (!l || !key)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0)
            return l->v[i].value;
    return NULL;
}

void spec_kvlist_free(struct spec_kvlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].value);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}
