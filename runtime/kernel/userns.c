#include "runtime/kernel/userns.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/fd_util.h"

bool userns_map_is_initial(const char *text)
{
    unsigned long long in, out, n;
    int used = 0;
    if (!text || sscanf(text, " %llu %llu %llu %n", &in, &out, &n, &used) != 3)
        return false;
    return in == 0 && out == 0 && n == 4294967295ULL && text[used] == '\0';
}

bool userns_map_outside(const char *text, uint32_t id, uint32_t *out)
{
    const char *p = text;
    while (p && *p) {
        unsigned long long in, o, n;
        if (sscanf(p, " %llu %llu %llu", &in, &o, &n) == 3 && id >= in && id - in < n) {
            *out = (uint32_t)(o + (id - in));
            return true;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return false;
}

static char *read_uid_map(void)
{
    cleanup_close int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
    char *text = NULL;
    size_t n;
    if (fd < 0 || read_all(fd, &text, &n, 1 << 16) < 0)
        return NULL;
    return text;
}

bool userns_running_in_child(void)
{
    char *text = read_uid_map();
    bool child = text && !userns_map_is_initial(text);
    free(text);
    return child;
}

bool userns_euid_is_outer_root(void)
{
    char *text = read_uid_map();
    uint32_t out = 1;
    bool root = geteuid() == 0 && (!text || (userns_map_outside(text, 0, &out) && out == 0));
    free(text);
    return root;
}

int64_t userns_outer_euid(void)
{
    char *text = read_uid_map();
    uint32_t out = 0;
    int64_t r = -1;
    if (text && userns_map_outside(text, (uint32_t)geteuid(), &out))
        r = out;
    else if (!text)
        r = geteuid();
    free(text);
    return r;
}
