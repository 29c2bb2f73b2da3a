/* libFuzzer target: the command-line option parser. The input is split on
 * NUL bytes into an argv of at most 64 items (argv[0] is the first item, as
 * for a subcommand parsed from index 1) and run through args_parse with a
 * runc-like option table covering every kind, then args_want. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/args.h"

/* cmd/help.c's usage printer, which args.c calls for -h/--help once a
 * subcommand is set (args_command). The harness never sets one, so
 * reaching this is a bug: abort makes the fuzzer report it. */
void command_usage(const char *name, const struct opt *opts);
void command_usage(const char *name, const struct opt *opts)
{
    (void)name;
    (void)opts;
    abort();
}

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (char *p = buf; argc < MAX_ARGS && p <= buf + size; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    bool detach = false, tty = false, no_pivot = false;
    const char *bundle = NULL, *pid_file = NULL, *cwd = NULL;
    long long preserve_fds = 0, uid = -1;
    struct spec_strlist env = {0}, caps = {0};
    const struct opt opts[] = {
        {"detach", 'd', OPT_FLAG, &detach},
        {"tty", 't', OPT_FLAG, &tty},
        {"no-pivot", 0, OPT_FLAG, &no_pivot},
        {"bundle", 'b', OPT_STRING, &bundle},
        {"pid-file", 0, OPT_STRING, &pid_file},
        {"cwd", 0, OPT_STRING, &cwd},
        {"preserve-fds", 0, OPT_INT, &preserve_fds},
        {"uid", 'u', OPT_INT, &uid},
        {"env", 'e', OPT_LIST, &env},
        {"cap", 'c', OPT_LIST, &caps},
        {NULL, 0, OPT_FLAG, NULL},
    };

    int start = argc > 0 ? 1 : 0;
    int next = -1;
    aisbx_error *err = NULL;
    if (args_parse(argc, argv, start, opts, &next, &err) == 0) {
        if (next < start || next > argc) {
            fprintf(stderr, "args_parse: next %d outside [%d, %d]\n", next, start, argc);
            abort();
        }
        /* strings must point into argv, never at freed or static memory */
        const char *strs[] = {bundle, pid_file, cwd};
        for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
            if (strs[i] && (strs[i] < buf || strs[i] > buf + size))
                abort();
        int min = size ? data[0] % 4 : 0;
        int max = size > 1 ? min + data[1] % 4 : min;
        if (args_want(argc, next, min, max, "create", &err) < 0) {
            if (!err)
                abort();
            aisbx_error_free(&err);
        }
        if (args_want(argc, next, 1, 1, "start", &err) < 0)
            aisbx_error_free(&err);
    } else {
        if (!err) {
            fprintf(stderr, "args_parse failed without an error\n");
            abort();
        }
        aisbx_error_free(&err);
    }
    spec_strlist_free(&env);
    spec_strlist_free(&caps);
    free(buf);
    return 0;
}
