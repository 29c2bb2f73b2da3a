/* aisbx: the command line. Global options, then one subcommand from the
 * table below; everything else lives in runtime/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/log.h"

const struct command commands[] = {
    {"create", cmd_create, "create a container", false},
    {"start", cmd_start, "execute the user-defined process in a created container", false},
    {"run", cmd_run, "create and run a container", false},
    {"state", cmd_state, "output the state of a container", true},
    {"kill", cmd_kill, "send a signal to the container's init process", false},
    {"delete", cmd_delete, "delete any resources held by the container", false},
    {"list", cmd_list, "list containers started by aisbx with the given root", false},
    {"ps", cmd_ps, "display the processes running inside a container", true},
    {"pause", cmd_pause, "pause all processes within the container", false},
    {"resume", cmd_resume, "resume all processes that have been previously paused", false},
    {"update", cmd_update, "update container resource constraints", false},
    {"exec", cmd_exec, "execute new process inside the container", false},
    {"features", cmd_features, "show the enabled features", true},
    {"spec", cmd_spec, "create a new specification file", false},
    {"check", cmd_check, "print the hardened config and the overlay's changes", false},
    {"events", cmd_events,
     "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
     false},
    {"checkpoint", cmd_checkpoint, "checkpoint a running container", false},
    {"restore", cmd_restore, "restore a container from a previous checkpoint", false},
    {"version", cmd_version, "print the version", true},
    {"help", cmd_help, "show this help", true},
    {NULL, NULL, NULL, false},
};

int main(int argc, char **argv)
{
    struct aisbx_context ctx = {.root = AISBX_DEFAULT_ROOT};
    const char *log_path = NULL, *log_format = "text", *root = NULL, *policy = NULL;
    const char *rootless = NULL;
    bool debug = false, version = false, help = false;
    aisbx_error *err = NULL;
    const struct opt globals[] = {
        {"root", 0, OPT_STRING, &root},
        {"log", 0, OPT_STRING, &log_path},
        {"log-format", 0, OPT_STRING, &log_format},
        {"debug", 0, OPT_FLAG, &debug},
        {"systemd-cgroup", 0, OPT_FLAG, &ctx.systemd_cgroup},
        {"rootless", 0, OPT_STRING, &rootless},
        {"policy", 0, OPT_STRING, &policy},
        {"criu", 0, OPT_STRING, &(const char *){NULL}},
        {"version", 'v', OPT_FLAG, &version},
        {"help", 'h', OPT_FLAG, &help},
        {NULL, 0, 0, NULL},
    };
    int i, status = -1;
    const struct command *c;

    if (args_parse(argc, argv, 1, globals, &i, &err) < 0)
        goto fail;
    ctx.policy_path = policy;
    if (strcmp(log_format, "text") != 0 && strcmp(log_format, "json") != 0) {
        aisbx_error_make(&err, 0, "invalid log-format \"%s\": must be text or json", log_format);
        goto fail;
    }
    if (log_init(log_path, strcmp(log_format, "json") == 0, debug, &err) < 0)
        goto fail;
    if (rootless_setup(&ctx, rootless, root, &err) < 0)
        goto fail;
    if (version)
        return cmd_version(&ctx, argc, argv, argc, &err) < 0 ? 1 : 0;
    if (i >= argc || help)
        return cmd_help(&ctx, argc, argv, argc, &err) < 0 ? 1 : (i >= argc && !help);

    for (c = commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            break;
    if (!c->name) {
        aisbx_error_make(&err, 0, "no such command: %s (see 'aisbx help')", argv[i]);
        goto fail;
    }
    log_set_quiet(c->quiet);
    args_command = c->name;
    status = c->fn(&ctx, argc, argv, i + 1, &err);
    if (status >= 0) {
        if (fflush(stdout) != 0)
            return 1;
        return status;
    }
fail:
    log_error("%s", err ? err->msg : "unknown error");
    aisbx_error_free(&err);
    return status == CMD_FAILED_255 ? 255 : 1;
}
