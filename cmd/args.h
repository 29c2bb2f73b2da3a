/* A small runc-style option parser: `--opt value`, `--opt=value`, `-opt`
 * (urfave/cli accepts single-dash long names), `-o value`, flags with an
 * optional `=true|false`. Parsing stops at the first positional argument or
 * after `--`, so `exec ID cmd -x` leaves `-x` to the command. */
#ifndef AISBX_CMD_ARGS_H
#define AISBX_CMD_ARGS_H

#include <stdbool.h>

#include "specs/config.h"
#include "specs/error.h"

enum opt_kind { OPT_FLAG, OPT_STRING, OPT_INT, OPT_LIST };

struct opt {
    const char *name;
    char short_name; /* 0 if none */
    enum opt_kind kind;
    void *dest; /* bool*, const char**, long long*, struct spec_strlist* */
};

/* On success *next is the index of the first positional argument. */
int args_parse(int argc, char **argv, int start, const struct opt *opts, int *next,
               aisbx_error **err);

/* Between min and max positional arguments left from index `i`, else
 * runc's error text: `"start" requires exactly 1 argument(s)`. */
int args_want(int argc, int i, int min, int max, const char *cmd, aisbx_error **err);

#endif
