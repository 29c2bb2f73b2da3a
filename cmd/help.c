#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"

COMMAND(help)
{
    printf(
        "aisbx - an OCI runtime that hardens every container it runs\n\n"
        "usage: aisbx [global options] command [command options] [arguments...]\n\n"
        "global options:\n"
        "  --root DIR             state directory (default %s; rootless: $XDG_RUNTIME_DIR/aisbx)\n"
        "  --log FILE             log file (always created)\n"
        "  --log-format text|json log line format\n"
        "  --debug                debug logging\n"
        "  --systemd-cgroup       manage the cgroup through systemd (slice:prefix:name paths)\n"
        "  --rootless VALUE       true, false or auto (default: euid not 0 or in a user "
        "namespace)\n"
        "  --policy FILE          overlay policy (default $AISBX_POLICY or "
        "/etc/aisbx/policy.json)\n"
        "  --version, -v          print the version\n\ncommands:\n",
        AISBX_DEFAULT_ROOT);
    for (const struct command *c = commands; c->name; c++)
        printf("  %-12s %s\n", c->name, c->summary);
    return 0;
}

/* What follows the options, as runc's ArgsUsage says it. */
static const struct {
    const char *name, *args;
} arg_usage[] = {
    {"create", "<container-id>"},
    {"start", "<container-id>"},
    {"run", "<container-id>"},
    {"state", "<container-id>"},
    {"kill", "<container-id> [signal]"},
    {"delete", "<container-id>"},
    {"ps", "<container-id> [ps options]"},
    {"pause", "<container-id>"},
    {"resume", "<container-id>"},
    {"update", "<container-id>"},
    {"exec", "<container-id> <command> [command options]  ||  -p process.json <container-id>"},
    {"events", "<container-id>"},
    {"checkpoint", "<container-id>"},
    {"restore", "<container-id>"},
};

void command_usage(const char *name, const struct opt *opts)
{
    const char *summary = "", *args = "";
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            summary = c->summary;
    for (size_t k = 0; k < sizeof(arg_usage) / sizeof(arg_usage[0]); k++)
        if (strcmp(arg_usage[k].name, name) == 0)
            args = arg_usage[k].args;
    printf("NAME:\n   aisbx %s - %s\n\nUSAGE:\n   aisbx %s [command options] %s\n", name, summary,
           name, args);
    if (opts && opts->name)
        printf("\nOPTIONS:\n");
    for (; opts && opts->name; opts++) {
        const char *val = opts->kind == OPT_FLAG ? "" : " value";
        if (opts->short_name)
            printf("   --%s%s, -%c%s\n", opts->name, val, opts->short_name, val);
        else
            printf("   --%s%s\n", opts->name, val);
    }
    fflush(stdout);
}
