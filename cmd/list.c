#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"

COMMAND(list)
{
    const char *format = "table";
    bool quiet = false;
    const struct opt t[] = {
        {"format", 'f', OPT_STRING, &format}, {"quiet", 'q', OPT_FLAG, &quiet}, {NULL, 0, 0, NULL}};
    struct spec_state **v = NULL;
    size_t n = 0;
    int r = 0;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 0, 0, "list", err) < 0)
        return -1;
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return aisbx_error_make(err, 0, "invalid format option \"%s\"", format);
    if (container_list(ctx, &v, &n, err) < 0)
        return -1;
    if (quiet) {
        for (size_t k = 0; k < n; k++)
            printf("%s\n", v[k]->id);
    } else if (strcmp(format, "json") == 0) {
        char *json = NULL;
        size_t len;
        r = spec_state_list_generate(v, n, false, &json, &len, err);
        if (r == 0)
            r = print_json(json, err);
    } else {
        printf("%-12s %-10s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
               "OWNER");
        for (size_t k = 0; k < n; k++)
            printf("%-12s %-10d %-10s %-40s %-30s %s\n", v[k]->id, v[k]->pid, v[k]->status,
                   v[k]->bundle ? v[k]->bundle : "", v[k]->created ? v[k]->created : "",
                   v[k]->owner ? v[k]->owner : "");
    }
    container_state_list_free(v, n);
    return r;
}
