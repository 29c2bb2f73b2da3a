#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/fd_util.h"

/* Go's time.ParseDuration, which runc's --interval goes through: a
 * sequence of decimal numbers with optional fraction and a unit each
 * ("5s", "1.5s", "1m30s", "300ms"); "0" alone is allowed. */
static int parse_duration(const char *s, long long *ns, aisbx_error **err)
{
    static const struct {
        const char *unit;
        double ns;
    } units[] = {{"ns", 1},   {"us", 1e3}, {"µs", 1e3}, {"μs", 1e3},
                 {"ms", 1e6}, {"s", 1e9},  {"m", 60e9}, {"h", 3600e9}};
    const char *p = s;
    double total = 0;
    int sign = 1;
    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
    if (strcmp(p, "0") == 0) {
        *ns = 0;
        return 0;
    }
    if (!*p)
        goto bad;
    while (*p) {
        char *end = NULL;
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            goto bad;
        errno = 0;
        double v = strtod(p, &end);
        if (errno || end == p)
            goto bad;
        p = end;
        size_t best = 0, k = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t l = strlen(units[i].unit);
            if (strncmp(p, units[i].unit, l) == 0 && l > best) {
                best = l;
                k = i;
            }
        }
        if (!best)
            goto bad;
        total += v * units[k].ns;
        p += best;
    }
    if (total > 9.2e18)
        goto bad;
    *ns = sign * (long long)total;
    return 0;
bad:
    return aisbx_error_make(err, 0, "invalid value \"%s\" for flag -interval: parse error", s);
}

/* One write per event: a reader following the file or pipe never sees a
 * line cut in two by stdio's buffer. */
static int print_line(const char *line, void *arg, aisbx_error **err)
{
    size_t n = strlen(line);
    char *buf = xmalloc0(n + 2);
    memcpy(buf, line, n);
    buf[n] = '\n';
    int r = write_all(1, buf, n + 1);
    free(buf);
    return r < 0 ? aisbx_error_make(err, errno, "write events") : 0;
}

/* `events [--stats] [--interval D] ID`: runc's events, one JSON object a
 * line on stdout (runtime/lifecycle/events.c). */
COMMAND(events)
{
    bool stats = false;
    const char *interval = "5s";
    const struct opt t[] = {
        {"stats", 0, OPT_FLAG, &stats},
        {"interval", 0, OPT_STRING, &interval},
        {NULL, 0, 0, NULL},
    };
    struct events_options o = {0};
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "events", err) < 0 ||
        parse_duration(interval, &o.interval_ns, err) < 0)
        return -1;
    o.stats_only = stats;
    return container_events(ctx, argv[i], &o, print_line, NULL, err);
}
