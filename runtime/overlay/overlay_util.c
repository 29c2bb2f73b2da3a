/* Small helpers of the overlay: change records, lexical path handling and
 * string-list edits. Pure, like the rest of the overlay. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/overlay/overlay_internal.h"

void ov_change(struct overlay_changes *c, const char *rule, const char *old_value,
               const char *new_value, const char *field_fmt, ...)
{
    va_list ap;
    char *field = NULL;
    va_start(ap, field_fmt);
    if (vasprintf(&field, field_fmt, ap) < 0)
        field = NULL;
    va_end(ap);
    c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
    c->v[c->n].field = field ? field : xstrdup("?");
    c->v[c->n].old_value = xstrdup(old_value ? old_value : "(absent)");
    c->v[c->n].new_value = xstrdup(new_value ? new_value : "(absent)");
    c->v[c->n].rule = rule;
    c->n++;
}

void overlay_changes_free(struct overlay_changes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].field);
        free(c->v[i].old_value);
        free(c->v[i].new_value);
    }
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

char *ov_path_clean(const char *p)
{
    size_t len = strlen(p ? p : "");
    char *out = xmalloc0(len + 2);
    size_t o = 0;
    const char *s = p ? p : "";
    out[o++] = '/';
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 0)
            break;
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 1 && out[o - 1] != '/')
                o--;
            if (o > 1)
                o--; /* drop the separator too */
        } else {
            if (o > 1)
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    out[o] = '\0';
    return out;
}

bool ov_path_within(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (strcmp(dir, "/") == 0)
        return p[0] == '/';
    return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

int ov_path_depth_below(const char *p, const char *dir)
{
    if (!ov_path_within(p, dir))
        return -1;
    const char *s = p + (strcmp(dir, "/") == 0 ? 0 : strlen(dir));
    int d = 0;
    for (; *s; s++)
        if (*s == '/' && s[1])
            d++;
    return d;
}

bool ov_path_component(const char *p, const char *dir, int i, char *buf, size_t len)
{
    if (!ov_path_within(p, dir))
        return false;
    const char *s = p + (strcmp(dir, "/") == 0 ? 0 : strlen(dir));
    for (int k = 0; *s; k++) {
        s++; /* the '/' */
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (k == i) {
            if (n + 1 > len)
                return false;
            memcpy(buf, s, n);
            buf[n] = '\0';
            return true;
        }
        if (!e)
            break;
        s = e;
    }
    return false;
}

char *ov_list_summary(const struct spec_strlist *l)
{
    if (!l || l->n == 0)
        return xstrdup("[]");
    if (l->n > 6)
        return xasprintf("[%zu entries]", l->n);
    return ov_list_join(l);
}

char *ov_list_join(const struct spec_strlist *l)
{
    size_t len = 3;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + 1;
    char *s = xmalloc0(len);
    strcat(s, "[");
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, l->v[i]);
    }
    strcat(s, "]");
    return s;
}

size_t ov_strlist_remove(struct spec_strlist *l, const char *s)
{
    size_t o = 0, removed = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i], s) == 0) {
            free(l->v[i]);
            removed++;
        } else {
            l->v[o++] = l->v[i];
        }
    }
    l->n = o;
    if (l->v)
        l->v[o] = NULL;
    return removed;
}

bool ov_strlist_ensure(struct spec_strlist *l, const char *s)
{
    if (spec_strlist_contains(l, s))
        return false;
    spec_strlist_push(l, s);
    return true;
}
