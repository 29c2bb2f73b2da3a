/* process.user: groups, gid, uid, umask, in that order (dropping the uid
 * first would take away the right to change groups). */
#include "runtime/kernel/credentials.h"

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

int credentials_apply(const struct spec_user *u, aisbx_error **err)
{
    /* Keep the permitted capabilities across setresuid to non-zero, so that
     * caps_apply() can then set exactly the spec's sets. */
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "prctl(PR_SET_KEEPCAPS)");
    gid_t *groups = NULL;
    if (u->n_additional_gids) {
        groups = xmalloc0(u->n_additional_gids * sizeof(*groups));
        for (size_t i = 0; i < u->n_additional_gids; i++)
            groups[i] = u->additional_gids[i];
    }
    int r = setgroups(u->n_additional_gids, groups);
    int e = errno;
    free(groups);
    /* setgroups is denied in a user namespace with setgroups=deny; without
     * additional groups there is nothing we fail to do. */
    if (r < 0 && (e != EPERM || u->n_additional_gids))
        return aisbx_error_make(err, e, "setgroups (%zu additional gids)", u->n_additional_gids);
    if (setresgid(u->gid, u->gid, u->gid) < 0)
        return aisbx_error_make(err, errno, "setresgid(%u)", u->gid);
    if (setresuid(u->uid, u->uid, u->uid) < 0)
        return aisbx_error_make(err, errno, "setresuid(%u)", u->uid);
    umask(u->has_umask ? (mode_t)(u->umask & 0777) : 0022);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return aisbx_error_make(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");
    return 0;
}
