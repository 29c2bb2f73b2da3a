#include <stdio.h>

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
