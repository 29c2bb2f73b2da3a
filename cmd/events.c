#include "cmd/commands.h"

/* Not built yet: no engine in engines.md needs it for everyday use. */
COMMAND(events)
{
    if (args_help_only(argc, argv, i))
        return 0;
    return aisbx_error_make(err, 0, "events: not implemented");
}
