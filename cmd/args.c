#include "cmd/args.h"

#include "cmd/commands.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
    for (; opts->name; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
    for (; opts->name; opts++)
        if (opts->short_name && opts->short_name == c)
            return opts;
    return NULL;
}

static int set_value(const struct opt *o, const char *val, aisbx_error **err)
{
    char *end;
    long long v;
    switch (o->kind) {
    case OPT_FLAG:
        if (!val || strcmp(val, "true") == 0)
            *(bool *)o->dest = true;
        else if (strcmp(val, "false") == 0)
            *(bool *)o->dest = false;
        else
            return aisbx_error_make(err, 0, "invalid value \"%s\" for flag --%s", val, o->name);
        return 0;
    case OPT_STRING:
        *(const char **)o->dest = val;
        return 0;
    case OPT_INT:
        errno = 0;
        v = strtoll(val, &end, 10);
        if (errno || end == val || *end)
            return aisbx_error_make(err, 0, "invalid value \"%s\" for flag --%s: not an integer",
                                    val, o->name);
        *(long long *)o->dest = v;
        return 0;
    case OPT_LIST:
        spec_strlist_push((struct spec_strlist *)o->dest, val);
        return 0;
    }
    return 0;
}

const char *args_command;

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0;
}

/* The option `a` names, if any ("--x=v" and "-x" forms). */
static const struct opt *lookup(const struct opt *opts, const char *a)
{
    const char *name = a + 1 + (a[1] == '-');
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct opt *o = find_long(opts, name, len);
    return !o && len == 1 ? find_short(opts, name[0]) : o;
}

bool args_help_only(int argc, char **argv, int i)
{
    for (; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (is_help(argv[i]) && args_command) {
            command_usage(args_command, NULL);
            return true;
        }
    return false;
}

int args_parse_anywhere(int argc, char **argv, int start, const struct opt *opts, int *next,
                        aisbx_error **err)
{
    char **pos = xmalloc0((size_t)(argc + 1) * sizeof(char *));
    char *dashdash = NULL;
    int w = start, np = 0;
    for (int i = start; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            dashdash = a;
            while (++i < argc)
                pos[np++] = argv[i];
            break;
        }
        if (a[0] != '-' || a[1] == '\0') {
            pos[np++] = a;
            continue;
        }
        argv[w++] = a;
        const struct opt *o = lookup(opts, a);
        if (o && o->kind != OPT_FLAG && !strchr(a, '=') && i + 1 < argc)
            argv[w++] = argv[++i];
    }
    /* Kept between the flags and the positionals: a positional that
     * starts with '-' must not become a flag. */
    if (dashdash)
        argv[w++] = dashdash;
    for (int k = 0; k < np; k++)
        argv[w++] = pos[k];
    free(pos);
    return args_parse(argc, argv, start, opts, next, err);
}

int args_parse(int argc, char **argv, int start, const struct opt *opts, int *next,
               aisbx_error **err)
{
    int i = start;
    while (i < argc) {
        const char *a = argv[i];
        const struct opt *o = NULL;
        const char *val = NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        const char *name = a + 1 + (a[1] == '-');
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        o = find_long(opts, name, len);
        if (!o && len == 1)
            o = find_short(opts, name[0]);
        if (!o && args_command && is_help(a)) {
            command_usage(args_command, opts);
            exit(0);
        }
        if (!o)
            return aisbx_error_make(err, 0, "flag provided but not defined: %s", a);
        if (eq)
            val = eq + 1;
        else if (o->kind != OPT_FLAG) {
            if (i + 1 >= argc)
                return aisbx_error_make(err, 0, "flag needs an argument: %s", a);
            val = argv[++i];
        }
        if (set_value(o, val, err) < 0)
            return -1;
        i++;
    }
    *next = i;
    return 0;
}

int args_want(int argc, int i, int min, int max, const char *cmd, aisbx_error **err)
{
    int n = argc - i;
    if (n >= min && n <= max)
        return 0;
    if (min == max)
        return aisbx_error_make(err, 0, "\"%s\" requires exactly %d argument(s)", cmd, min);
    if (n < min)
        return aisbx_error_make(err, 0, "\"%s\" requires a minimum of %d argument(s)", cmd, min);
    return aisbx_error_make(err, 0, "\"%s\" requires a maximum of %d argument(s)", cmd, max);
}
