/* Whether the overlay's /tmp tmpfs can get a mount point. The rootfs may
 * have no /tmp, and the runtime may be unable to create one: the rootfs is on
 * a read-only mount, or a user namespace is requested and the container's
 * root (who creates mount points) cannot write the rootfs directory. runc
 * and crun run such bundles, so the overlay then skips /tmp instead of
 * failing the create. */
#include "runtime/overlay/overlay_facts.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static bool user_ns_requested(const struct spec_config *c)
{
    if (!c->linux_)
        return false;
    for (size_t i = 0; i < c->linux_->n_namespaces; i++)
        if (c->linux_->namespaces[i].type == SPEC_NS_USER)
            return true;
    return false;
}

static bool uid_mapped(const struct spec_linux *l, uid_t uid)
{
    for (size_t i = 0; i < l->n_uid_mappings; i++) {
        const struct spec_id_mapping *m = &l->uid_mappings[i];
        if (uid >= m->host_id && (uint64_t)uid < (uint64_t)m->host_id + m->size)
            return true;
    }
    return false;
}

void overlay_facts_rootfs(const struct spec_config *c, const char *rootfs, struct overlay_facts *f)
{
    f->rootfs_tmp_unmakeable = false;
    if (!c || !rootfs)
        return;
    int dfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (dfd < 0)
        return; /* the create reports an unusable rootfs itself */
    struct stat st, tmp;
    struct statvfs sv;
    /* anything already named tmp (dir, symlink resolved in the root later) is a mount point */
    if (fstatat(dfd, "tmp", &tmp, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT ||
        fstat(dfd, &st) < 0)
        goto out;
    if (fstatvfs(dfd, &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
        f->rootfs_tmp_unmakeable = true;
        goto out;
    }
    /* Mapped container root writes as its owner if the owner is mapped (it
     * has CAP_DAC_OVERRIDE over mapped inodes only), else as "others". */
    if (user_ns_requested(c)) {
        bool owner_ok = uid_mapped(c->linux_, st.st_uid);
        bool writable = owner_ok || (st.st_mode & S_IWOTH);
        f->rootfs_tmp_unmakeable = !writable;
    }
out:
    close(dfd);
}
