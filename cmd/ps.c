#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"

/* Table format hands the work to ps(1), as runc does. */
static int ps_table(pid_t *pids, size_t n, aisbx_error **err)
{
    char **argv = xmalloc0((n ? 4 : 3) * sizeof(char *) + sizeof(char *));
    char *list = xmalloc0(n * 12 + 1);
    size_t o = 0;
    for (size_t k = 0; k < n; k++)
        o += (size_t)sprintf(list + o, "%s%d", k ? "," : "", pids[k]);
    argv[0] = "ps";
    argv[1] = "-f";
    if (n) {
        argv[2] = "-p";
        argv[3] = list;
    }
    fflush(stdout);
    execvp("ps", argv);
    free(list);
    free(argv);
    return aisbx_error_make(err, 0, "exec ps failed");
}

COMMAND(ps)
{
    const char *format = "table";
    const struct opt t[] = {{"format", 'f', OPT_STRING, &format}, {NULL, 0, 0, NULL}};
    pid_t *pids = NULL;
    size_t n = 0;
    if (args_parse(argc, argv, i, t, &i, err) < 0 || args_want(argc, i, 1, 1, "ps", err) < 0)
        return -1;
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return aisbx_error_make(err, 0, "invalid format option \"%s\"", format);
    if (container_ps(ctx, argv[i], &pids, &n, err) < 0)
        return -1;
    if (strcmp(format, "table") == 0) {
        int r = ps_table(pids, n, err);
        free(pids);
        return r;
    }
    /* A JSON array of integers needs no escaping; engines parse stdout. */
    putchar('[');
    for (size_t k = 0; k < n; k++)
        printf("%s%d", k ? "," : "", pids[k]);
    printf("]\n");
    free(pids);
    return 0;
}
