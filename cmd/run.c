#include "cmd/commands.h"

COMMAND(run)
{
    struct create_options o = {.bundle = "."};
    long long preserve = 0;
    bool detach = false, no_subreaper = false;
    int status = 0;
    struct opt t[10];
    create_opts_table(&o, &preserve, t);
    t[6] = (struct opt){"detach", 'd', OPT_FLAG, &detach};
    t[7] = (struct opt){"keep", 0, OPT_FLAG, &o.keep};
    /* Asks for what is always so: aisbx never makes itself a subreaper,
     * and the floor's pid namespace makes the container's init the reaper
     * of every process inside it. */
    t[8] = (struct opt){"no-subreaper", 0, OPT_FLAG, &no_subreaper};
    t[9] = (struct opt){NULL, 0, 0, NULL};
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "run", err) < 0)
        return -1;
    if (preserve < 0 || preserve > 1024)
        return aisbx_error_make(err, 0, "--preserve-fds must be between 0 and 1024");
    o.preserve_fds = (int)preserve;
    if (container_run(ctx, argv[i], &o, detach, &status, err) < 0)
        return -1;
    return status;
}
