#include "cmd/commands.h"

COMMAND(start)
{
    const struct opt t[] = {{NULL, 0, 0, NULL}};
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "start", err) < 0)
        return -1;
    return container_start(ctx, argv[i], err);
}
