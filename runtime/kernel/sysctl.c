#include "runtime/kernel/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"

char *sysctl_key_path(const char *key, aisbx_error **err)
{
    if (!key || !*key || strstr(key, "..") || strchr(key, '/') || key[0] == '.' ||
        key[strlen(key) - 1] == '.') {
        aisbx_error_make(err, EINVAL, "invalid sysctl key \"%s\"", key ? key : "");
        return NULL;
    }
    char *p = xstrdup(key);
    for (char *s = p; *s; s++)
        if (*s == '.')
            *s = '/';
    return p;
}

static int write_one(int sysfd, const char *key, const char *value, aisbx_error **err)
{
    cleanup_free char *rel = sysctl_key_path(key, err);
    if (!rel)
        return -1;
    /* Below /proc/sys and no symlinks: the key cannot name another file. */
    struct open_how how = {
        .flags = O_WRONLY | O_CLOEXEC | O_NOCTTY,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    cleanup_close int fd = (int)syscall(SYS_openat2, sysfd, rel, &how, sizeof(how));
    if (fd < 0)
        return aisbx_error_make(err, errno, "open /proc/sys/%s", rel);
    size_t len = value ? strlen(value) : 0;
    ssize_t n = write(fd, value ? value : "", len);
    if (n < 0)
        return aisbx_error_make(err, errno, "write sysctl %s=%s", key, value ? value : "");
    if ((size_t)n != len)
        return aisbx_error_make(err, EIO, "short write to sysctl %s", key);
    log_debug("sysctl %s=%s", key, value ? value : "");
    return 0;
}

int sysctl_apply(const struct spec_kvlist *sysctl, aisbx_error **err)
{
    if (!sysctl || !sysctl->n)
        return 0;
    cleanup_close int sysfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (sysfd < 0)
        return aisbx_error_make(err, errno, "open /proc/sys");
    struct statfs sf;
    if (fstatfs(sysfd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC)
        return aisbx_error_make(err, EINVAL, "/proc/sys is not procfs");
    for (size_t i = 0; i < sysctl->n; i++)
        if (write_one(sysfd, sysctl->v[i].key, sysctl->v[i].value, err) < 0)
            return -1;
    return 0;
}
