#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

static bool has_pid(const pid_t *pids, size_t n, long p)
{
    for (size_t k = 0; k < n; k++)
        if (pids[k] == p)
            return true;
    return false;
}

/* Which whitespace-separated column of ps's header is "PID". */
static int pid_column(const char *header)
{
    char *h = xstrdup(header), *save = NULL;
    int col = 0, found = -1;
    for (char *t = strtok_r(h, " \t", &save); t; t = strtok_r(NULL, " \t", &save), col++)
        if (strcmp(t, "PID") == 0) {
            found = col;
            break;
        }
    free(h);
    return found;
}

static long field_at(const char *line, int col)
{
    const char *s = line;
    for (int c = 0;; c++) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            return -1;
        if (c == col)
            return strtol(s, NULL, 10);
        while (*s && *s != ' ' && *s != '\t')
            s++;
    }
}

/* `ps ID [ps options]`: runc runs ps(1) with the caller's options and keeps
 * the header and the lines whose PID column names a container process. */
static int ps_filtered(const pid_t *pids, size_t n, char **args, int nargs, aisbx_error **err)
{
    int p[2], ws;
    if (pipe(p) < 0)
        return aisbx_error_make(err, errno, "pipe");
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        return aisbx_error_make(err, errno, "fork");
    if (child == 0) {
        char **argv = xmalloc0((size_t)(nargs + 2) * sizeof(char *));
        argv[0] = "ps";
        memcpy(argv + 1, args, (size_t)nargs * sizeof(char *));
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execvp("ps", argv);
        _exit(127);
    }
    close(p[1]);
    FILE *f = fdopen(p[0], "r");
    int r = 0;
    if (!f) {
        close(p[0]);
        r = aisbx_error_make(err, errno, "read ps output");
    }
    char *line = NULL;
    size_t cap = 0;
    int col = -1;
    for (bool first = true; f && getline(&line, &cap, f) >= 0; first = false) {
        if (first && (col = pid_column(line)) < 0) {
            r = aisbx_error_make(err, 0, "couldn't find PID field in ps output");
            break;
        }
        if (first || has_pid(pids, n, field_at(line, col)))
            fputs(line, stdout);
    }
    free(line);
    if (f)
        fclose(f);
    while (waitpid(child, &ws, 0) < 0 && errno == EINTR)
        ;
    if (r == 0 && !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0))
        r = aisbx_error_make(err, 0, "ps(1) failed (status %d)",
                             WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
    return r;
}

COMMAND(ps)
{
    const char *format = "table";
    const struct opt t[] = {{"format", 'f', OPT_STRING, &format}, {NULL, 0, 0, NULL}};
    pid_t *pids = NULL;
    size_t n = 0;
    /* Everything after the id is ps(1)'s (runc: SkipArgReorder). */
    if (args_parse(argc, argv, i, t, &i, err) < 0 || args_want(argc, i, 1, argc, "ps", err) < 0)
        return -1;
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return aisbx_error_make(err, 0, "invalid format option \"%s\"", format);
    if (container_ps(ctx, argv[i], &pids, &n, err) < 0)
        return -1;
    if (strcmp(format, "table") == 0 && container_ps_view(ctx, argv[i], err) < 0) {
        free(pids);
        return -1;
    }
    if (strcmp(format, "table") == 0 && argc - i > 1) {
        int r = ps_filtered(pids, n, argv + i + 1, argc - i - 1, err);
        free(pids);
        return r;
    }
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
