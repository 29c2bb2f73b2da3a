#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"

COMMAND(check)
{
    const char *bundle = ".";
    const struct opt t[] = {{"bundle", 'b', OPT_STRING, &bundle}, {NULL, 0, 0, NULL}};
    char *json = NULL, *changes = NULL;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 0, 0, "check", err) < 0)
        return -1;
    if (container_check(ctx, bundle, &json, &changes, err) < 0)
        return -1;
    printf("%s\n\n# overlay changes (rule: field: old -> new)\n%s", json, changes);
    free(json);
    free(changes);
    return 0;
}
