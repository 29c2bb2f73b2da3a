#include "cmd/commands.h"

COMMAND(exec)
{
    struct exec_options o = {0};
    long long preserve = 0;
    int status = 0, ret;
    const struct opt t[] = {
        {"process", 'p', OPT_STRING, &o.process_file},
        {"console-socket", 0, OPT_STRING, &o.console_socket},
        {"cwd", 0, OPT_STRING, &o.cwd},
        {"env", 'e', OPT_LIST, &o.env},
        {"tty", 't', OPT_FLAG, &o.tty},
        {"user", 'u', OPT_STRING, &o.user},
        {"cap", 'c', OPT_LIST, &o.caps},
        {"detach", 'd', OPT_FLAG, &o.detach},
        {"ignore-paused", 0, OPT_FLAG, &o.ignore_paused},
        {"pid-file", 0, OPT_STRING, &o.pid_file},
        {"no-new-privs", 0, OPT_FLAG, &o.no_new_privs},
        {"preserve-fds", 0, OPT_INT, &preserve},
        {"process-label", 0, OPT_STRING, &o.process_label},
        {"apparmor", 0, OPT_STRING, &o.apparmor},
        {"additional-gids", 'g', OPT_LIST, &o.additional_gids},
        {"cgroup", 0, OPT_LIST, &o.cgroups},
        {NULL, 0, 0, NULL},
    };
    if (args_parse(argc, argv, i, t, &i, err) < 0)
        goto fail;
    if (argc - i < (o.process_file ? 1 : 2)) {
        aisbx_error_make(err, 0, "\"exec\" requires a minimum of %d argument(s)",
                         o.process_file ? 1 : 2);
        goto fail;
    }
    if (preserve < 0 || preserve > 1024) {
        aisbx_error_make(err, 0, "--preserve-fds must be between 0 and 1024");
        goto fail;
    }
    o.preserve_fds = (int)preserve;
    /* a malformed id is bad input (exit 1); from here on a failure is
     * exec's own (255, as runc's exec), told from the process's status */
    if (container_id_validate(argv[i], err) < 0)
        goto fail;
    for (int k = i + 1; k < argc; k++)
        spec_strlist_push(&o.args, argv[k]);
    ret = container_exec(ctx, argv[i], &o, &status, err);
    spec_strlist_free(&o.args);
    spec_strlist_free(&o.env);
    spec_strlist_free(&o.caps);
    spec_strlist_free(&o.additional_gids);
    spec_strlist_free(&o.cgroups);
    return ret < 0 ? CMD_FAILED_255 : status;
fail:
    spec_strlist_free(&o.env);
    spec_strlist_free(&o.caps);
    spec_strlist_free(&o.additional_gids);
    spec_strlist_free(&o.cgroups);
    return -1;
}
