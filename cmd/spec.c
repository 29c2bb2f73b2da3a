#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/fd_util.h"

COMMAND(spec)
{
    const char *bundle = ".";
    bool rootless = false;
    const struct opt t[] = {{"bundle", 'b', OPT_STRING, &bundle},
                            {"rootless", 0, OPT_FLAG, &rootless},
                            {NULL, 0, 0, NULL}};
    struct spec_config *c;
    char *json = NULL, *path;
    size_t len;
    int fd, r;
    if (args_parse_anywhere(argc, argv, i, t, &i, err) < 0 ||
        args_want(argc, i, 0, 0, "spec", err) < 0)
        return -1;
    c = default_spec(rootless);
    r = spec_config_generate(c, true, &json, &len, err);
    spec_config_free(c);
    if (r < 0)
        return -1;
    path = xasprintf("%s/config.json", bundle);
    /* runc refuses to overwrite an existing config. */
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        r = aisbx_error_make(
            err, errno, errno == EEXIST ? "File %s exists. Remove it first" : "create %s", path);
        if (errno == EEXIST)
            (*err)->errnum = 0;
    } else {
        r = write_all(fd, json, len) < 0 || write_all(fd, "\n", 1) < 0
                ? aisbx_error_make(err, errno, "write %s", path)
                : 0;
        close(fd);
    }
    free(path);
    free(json);
    return r;
}
