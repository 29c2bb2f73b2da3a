#include "cmd/commands.h"

COMMAND(state)
{
    const struct opt t[] = {{NULL, 0, 0, NULL}};
    struct spec_state *s = NULL;
    char *json = NULL;
    size_t len;
    int r;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 1, "state", err) < 0)
        return -1;
    if (container_state(ctx, argv[i], &s, err) < 0)
        return -1;
    r = spec_state_generate(s, false, true, &json, &len, err);
    spec_state_free(s);
    return r < 0 ? -1 : print_json(json, err);
}
