#include "cmd/commands.h"

COMMAND(delete)
{
    bool force = false;
    const struct opt t[] = {{"force", 'f', OPT_FLAG, &force}, {NULL, 0, 0, NULL}};
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "delete", err) < 0)
        return -1;
    return container_delete(ctx, argv[i], force, err);
}
