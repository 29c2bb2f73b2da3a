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

/* The subcommand being parsed (main.c sets it): `-h`/`--help`, unless the
 * command defines it, prints that command's usage and exits 0. */
extern const char *args_command;

/* Stops at the first positional argument (exec, ps and the global
 * options: what follows belongs to the container's command or ps(1)).
 * On success *next is the index of the first positional argument. */
int args_parse(int argc, char **argv, int start, const struct opt *opts, int *next,
               aisbx_error **err);
/* Every other command, as runc's CLI (urfave/cli reorders arguments):
 * flags may also follow the positional arguments (`update ID
 * --pids-limit 10`). argv[start..] is reordered in place, flags first;
 * after `--` everything is positional. Then as args_parse. */
int args_parse_anywhere(int argc, char **argv, int start, const struct opt *opts, int *next,
                        aisbx_error **err);

/* For commands without options: prints the usage and returns true if
 * argv[i..] asks for help (before any `--`). */
bool args_help_only(int argc, char **argv, int i);

/* Between min and max positional arguments left from index `i`, else
 * runc's error text: `"start" requires exactly 1 argument(s)`. */
int args_want(int argc, int i, int min, int max, const char *cmd, aisbx_error **err);

#endif
