#include "cmd/commands.h"
#include "runtime/container.h"

COMMAND(features)
{
    const struct opt t[] = {{NULL, 0, 0, NULL}};
    struct spec_features f = {0};
    char *json = NULL;
    size_t len;
    int r;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 0, 0, "features", err) < 0)
        return -1;
    runtime_features(&f);
    r = spec_features_generate(&f, true, &json, &len, err);
    spec_features_clear(&f);
    return r < 0 ? -1 : print_json(json, err);
}
