#include <stdio.h>
#include <stdlib.h>

#include "cmd/commands.h"

int print_json(char *json, aisbx_error **err)
{
    int r = printf("%s\n", json);
    free(json);
    if (r < 0)
        return aisbx_error_make(err, 0, "write to stdout failed");
    return 0;
}
