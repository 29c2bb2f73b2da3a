/* The layers of an overlay mount from mountinfo (ovl_layers.h). */
#include "runtime/kernel/ovl_layers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* mountinfo's octal escapes (\040 ...) undone; "\:" is kept as is when
 * keep_colon (the layer separator's escape, undone per layer). */
static char *unescape(const char *s, size_t n, bool keep_colon)
{
    char *o = xmalloc0(n + 1), *p = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            *p++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else if (s[i] == '\\' && i + 1 < n && s[i + 1] == ':' && !keep_colon) {
            *p++ = ':';
            i++;
        } else {
            *p++ = s[i];
        }
    }
    *p = '\0';
    return o;
}

/* The n-th space-separated field of line (0-based), as a pointer + length. */
static bool field(const char *line, int n, const char **f, size_t *len)
{
    const char *s = line;
    for (int i = 0;; i++) {
        while (*s == ' ')
            s++;
        if (!*s || *s == '\n')
            return false;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\n')
            e++;
        if (i == n) {
            *f = s;
            *len = (size_t)(e - s);
            return true;
        }
        s = e;
    }
}

/* Value of key= in an option list (commas separate, escaped ones are \054). */
static char *option(const char *opts, size_t n, const char *key)
{
    size_t k = strlen(key);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && opts[j] != ',')
            j++;
        if (j - i > k && strncmp(opts + i, key, k) == 0 && opts[i + k] == '=')
            return unescape(opts + i + k + 1, j - i - k - 1, true);
        i = j + 1;
    }
    return NULL;
}

static char *resolve(const char *layer, const char *base)
{
    if (layer[0] == '/')
        return xstrdup(layer);
    return base ? xasprintf("%s/%s", base, layer) : NULL;
}

/* The directory that holds the upper dir's parent (docker's overlay2 dir). */
static char *base_of(const char *upper)
{
    if (!upper || upper[0] != '/')
        return NULL;
    char *b = xstrdup(upper);
    for (int k = 0; k < 2; k++) {
        char *s = strrchr(b, '/');
        if (!s || s == b) {
            free(b);
            return NULL;
        }
        *s = '\0';
    }
    return b;
}

static int split_lower(const char *lower, const char *base, struct ovl_layers *out,
                       aisbx_error **err)
{
    const char *s = lower;
    while (*s) {
        const char *e = s;
        while (*e && !(*e == ':' && (e == lower || e[-1] != '\\')))
            e++;
        if (e > s) { /* "::" (data-only layers, 6.7+) leaves an empty one */
            char *raw = unescape(s, (size_t)(e - s), false);
            char *abs = resolve(raw, base);
            free(raw);
            if (!abs)
                return aisbx_error_make(err, 0, "overlay lower layer %.*s: relative, no upper dir",
                                        (int)(e - s), s);
            out->lower = xrealloc(out->lower, (out->n_lower + 1) * sizeof(char *));
            out->lower[out->n_lower++] = abs;
        }
        s = *e ? e + 1 : e;
    }
    return 0;
}

int ovl_layers_parse(const char *mountinfo, const char *mountpoint, struct ovl_layers *out,
                     aisbx_error **err)
{
    const char *found = NULL;
    memset(out, 0, sizeof(*out));
    for (const char *line = mountinfo; line && *line;) {
        const char *f;
        size_t n;
        if (field(line, 4, &f, &n)) {
            char *mp = unescape(f, n, true);
            if (strcmp(mp, mountpoint) == 0)
                found = line;
            free(mp);
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    if (!found)
        return 0;
    /* "... - fstype source superopts" */
    const char *dash = strstr(found, " - ");
    const char *nl = strchr(found, '\n');
    if (!dash || (nl && dash > nl))
        return aisbx_error_make(err, EINVAL, "mountinfo: no separator for %s", mountpoint);
    const char *type, *opts;
    size_t tl, ol;
    if (!field(dash + 3, 0, &type, &tl) || !field(dash + 3, 2, &opts, &ol))
        return aisbx_error_make(err, EINVAL, "mountinfo: short line for %s", mountpoint);
    if (tl != 7 || strncmp(type, "overlay", 7) != 0)
        return 0;
    char *lower = option(opts, ol, "lowerdir");
    if (!lower) /* only lowerdir+= fds (6.8+): nothing to read here */
        return aisbx_error_make(err, EINVAL, "mountinfo: overlay at %s has no lowerdir",
                                mountpoint);
    char *up = option(opts, ol, "upperdir");
    if (up) {
        out->upper = unescape(up, strlen(up), false);
        free(up);
    }
    char *base = base_of(out->upper);
    int r = split_lower(lower, base, out, err);
    free(base);
    free(lower);
    if (r < 0 || (out->upper && out->upper[0] != '/')) {
        if (r == 0)
            aisbx_error_make(err, EINVAL, "overlay upper dir %s is relative", out->upper);
        ovl_layers_free(out);
        return -1;
    }
    return 1;
}

void ovl_layers_free(struct ovl_layers *l)
{
    for (size_t i = 0; i < l->n_lower; i++)
        free(l->lower[i]);
    free(l->lower);
    free(l->upper);
    memset(l, 0, sizeof(*l));
}
