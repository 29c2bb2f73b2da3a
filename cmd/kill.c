#include "cmd/commands.h"
#include "runtime/container.h"

#include <string.h>

COMMAND(kill)
{
    bool all = false;
    int sig = 15;
    const struct opt t[] = {{"all", 'a', OPT_FLAG, &all}, {NULL, 0, 0, NULL}};
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 1, 2, "kill", err) < 0)
        return -1;
    /* Signal 0 only checks that the init is alive (runc and crun accept it);
     * signal_parse keeps refusing it for everything that really signals. */
    if (argc - i == 2 && strspn(argv[i + 1], "0") == strlen(argv[i + 1]) && argv[i + 1][0])
        sig = 0;
    else if (argc - i == 2 && signal_parse(argv[i + 1], &sig, err) < 0)
        return -1;
    return container_kill(ctx, argv[i], sig, all, err);
}
