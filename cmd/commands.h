/* One entry per subcommand; each lives in its own cmd/<name>.c. A command
 * returns the process exit status (0, or the container's status for run and
 * exec) or -1 with *err set (exit 1), or CMD_FAILED_255 with *err set. */
#ifndef AISBX_CMD_COMMANDS_H
#define AISBX_CMD_COMMANDS_H

#include "cmd/args.h"
#include "runtime/container.h"

/* exec's failure once its arguments were accepted (no such container, the
 * process could not be started, the pid file not written): exit 255, as
 * runc's exec, so that a caller tells it from the process's own status. */
#define CMD_FAILED_255 (-255)

typedef int (*command_fn)(const struct aisbx_context *ctx, int argc, char **argv, int i,
                          aisbx_error **err);

struct command {
    const char *name;
    command_fn fn;
    const char *summary;
    /* Commands whose stdout+stderr an engine parses as JSON: warnings must
     * not reach stderr on success. */
    bool quiet;
};

#define COMMAND(n)                                                                                 \
    int cmd_##n(const struct aisbx_context *ctx, int argc, char **argv, int i, aisbx_error **err)
COMMAND(create);
COMMAND(start);
COMMAND(run);
COMMAND(state);
COMMAND(kill);
COMMAND(delete);
COMMAND(list);
COMMAND(ps);
COMMAND(pause);
COMMAND(resume);
COMMAND(update);
COMMAND(exec);
COMMAND(features);
COMMAND(spec);
COMMAND(check);
COMMAND(events);
COMMAND(checkpoint);
COMMAND(restore);
COMMAND(version);
COMMAND(help);

extern const struct command commands[];

/* `aisbx CMD -h`: NAME, USAGE and OPTIONS (from the command's own option
 * table), in the layout of runc's help. */
void command_usage(const char *name, const struct opt *opts);

/* The options create and run share (cmd/create.c), into out[]. */
void create_opts_table(struct create_options *o, long long *preserve, struct opt *out);

/* Prints a heap JSON string plus newline to stdout and frees it. */
int print_json(char *json, aisbx_error **err);

#endif
