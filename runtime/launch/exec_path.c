#include "runtime/launch/exec_path.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_exec(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    if (S_ISDIR(st.st_mode))
        return -EACCES;
    if (!(st.st_mode & 0111))
        return -EACCES;
    return 0;
}

int exec_path_lookup(const char *file, const struct spec_strlist *env, char **out,
                     aisbx_error **err)
{
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    int r;
    if (!file || !*file)
        return aisbx_error_make(err, 0, "exec: no command given in process.args");
    if (strchr(file, '/')) {
        r = check_exec(file);
        if (r == -ENOENT)
            return aisbx_error_make(err, 0, "exec: \"%s\": stat %s: no such file or directory",
                                    file, file);
        if (r < 0)
            return aisbx_error_make(err, 0, "exec: \"%s\": permission denied", file);
        *out = xstrdup(file);
        return 0;
    }
    for (size_t i = 0; i < env->n; i++)
        if (strncmp(env->v[i], "PATH=", 5) == 0)
            path = env->v[i] + 5;
    for (const char *p = path;; p = strchr(p, ':') + 1) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *cand = len ? xasprintf("%.*s/%s", (int)len, p, file) : xasprintf("./%s", file);
        if (check_exec(cand) == 0) {
            *out = cand;
            return 0;
        }
        free(cand);
        if (!end)
            break;
    }
    return aisbx_error_make(err, 0, "exec: \"%s\": executable file not found in $PATH", file);
}
