/* uid_map / gid_map of a new user namespace: written directly where the
 * kernel allows it, else through the judged newuidmap/newgidmap. */
#include "runtime/kernel/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/kernel/idmap_helper.h"

enum idmap_way idmap_choose(const struct spec_id_mapping *m, size_t n, unsigned own_id,
                            bool privileged, bool is_gid)
{
    if (n == 0)
        return IDMAP_NONE;
    if (privileged)
        return IDMAP_WRITE;
    /* user_namespaces(7): one line, count 1, the opener's own id outside. */
    if (n == 1 && m[0].size == 1 && m[0].host_id == own_id)
        return is_gid ? IDMAP_WRITE_NO_GROUPS : IDMAP_WRITE;
    return IDMAP_HELPER;
}

static int write_proc(pid_t pid, const char *file, const char *buf, size_t len, aisbx_error **err)
{
    char path[64];
    int fd, r = 0;
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return aisbx_error_make(err, errno, "open %s", path);
    if (write(fd, buf, len) != (ssize_t)len)
        r = aisbx_error_make(err, errno, "write %s", path);
    close(fd);
    return r;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                     aisbx_error **err)
{
    char buf[4096];
    size_t o = 0;
    for (size_t i = 0; i < n && o < sizeof(buf) - 40; i++)
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%u %u %u\n", m[i].container_id,
                              m[i].host_id, m[i].size);
    return write_proc(pid, file, buf, o, err);
}

static int write_one(pid_t pid, bool gid, const struct spec_id_mapping *m, size_t n,
                     bool privileged, bool *denied, aisbx_error **err)
{
    unsigned own = gid ? (unsigned)getegid() : (unsigned)geteuid();
    switch (idmap_choose(m, n, own, privileged, gid)) {
    case IDMAP_NONE:
        return 0;
    case IDMAP_WRITE_NO_GROUPS:
        if (write_proc(pid, "setgroups", "deny", 4, err) < 0)
            return -1;
        *denied = true;
        /* fall through */
    case IDMAP_WRITE:
        return write_map(pid, gid ? "gid_map" : "uid_map", m, n, err);
    case IDMAP_HELPER:
        return idmap_helper_run(gid ? "newgidmap" : "newuidmap", pid, m, n, err);
    }
    return aisbx_error_make(err, EINVAL, "id mapping: unknown way");
}

int idmap_write_all(pid_t pid, const struct spec_linux *lx, bool privileged, bool *setgroups_denied,
                    aisbx_error **err)
{
    *setgroups_denied = false;
    if (write_one(pid, false, lx->uid_mappings, lx->n_uid_mappings, privileged, setgroups_denied,
                  err) < 0 ||
        write_one(pid, true, lx->gid_mappings, lx->n_gid_mappings, privileged, setgroups_denied,
                  err) < 0)
        return -1;
    return 0;
}
