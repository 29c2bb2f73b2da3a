#include "cmd/commands.h"

/* Options shared with `run`. */
void create_opts_table(struct create_options *o, long long *preserve, struct opt *t)
{
    const struct opt table[] = {
        {"bundle", 'b', OPT_STRING, &o->bundle},
        {"pid-file", 0, OPT_STRING, &o->pid_file},
        {"console-socket", 0, OPT_STRING, &o->console_socket},
        {"no-pivot", 0, OPT_FLAG, &o->no_pivot},
        {"no-new-keyring", 0, OPT_FLAG, &o->no_new_keyring},
        {"preserve-fds", 0, OPT_INT, preserve},
        {NULL, 0, 0, NULL},
    };
    for (int k = 0; k < 7; k++)
        t[k] = table[k];
}

COMMAND(create)
{
    struct create_options o = {.bundle = "."};
    long long preserve = 0;
    struct opt t[7];
    create_opts_table(&o, &preserve, t);
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "create", err) < 0)
        return -1;
    if (preserve < 0 || preserve > 1024)
        return aisbx_error_make(err, 0, "--preserve-fds must be between 0 and 1024");
    o.preserve_fds = (int)preserve;
    return container_create(ctx, argv[i], &o, err);
}
