/* Facts about the host that the pure overlay cannot look up itself. Gathered
 * once, right before overlay_apply(), by the same process that will create
 * the container. */
#ifndef AISBX_RUNTIME_OVERLAY_FACTS_H
#define AISBX_RUNTIME_OVERLAY_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "specs/config.h"
#include "specs/error.h"

/* One per linux.namespaces entry (same index); only meaningful with a path.
 * The path is opened once; everything here is about that open file, and
 * `fd` is what create joins (setns), so what was judged is what is joined. */
struct overlay_ns_fact {
    bool exists;     /* the path could be opened and is a namespace of that type */
    bool is_host;    /* same dev/ino as /proc/1/ns/<type> or /proc/self/ns/<type> */
    bool only_lo;    /* network: holds no interface but lo */
    bool wrong_type; /* it opened, but is not a namespace of the entry's type */
    int fd;          /* the opened namespace (O_RDONLY|O_CLOEXEC), -1 if not opened */
};

/* One per mount (same index); only meaningful for binds. The source is
 * opened once (O_PATH, no magic links); every fact is about that opened
 * object, and `fd` is what create mounts from (bundle.c clones it with
 * open_tree), so a path swapped after the judgement changes nothing. */
struct overlay_bind_fact {
    bool exists;
    bool is_root;                    /* resolves to the host's / */
    bool is_socket;                  /* S_ISSOCK */
    bool is_device;                  /* S_ISCHR or S_ISBLK */
    bool is_proc_sys_dev;            /* within /proc, /sys, /dev, or on a kernel fs (proc, sysfs,
                                        cgroup, debugfs, tracefs, securityfs, bpf, nsfs, ...) */
    uint32_t rdev_major, rdev_minor; /* when is_device */
    char *resolved; /* absolute, symlinks resolved, magic links not followed; NULL if unknown */
    bool has_foreign_socket; /* a directory whose tree (bounded scan) holds a unix socket owned
                                by root or by a user other than the caller's */
    int fd;                  /* O_PATH|O_CLOEXEC of the source, -1 if it could not be opened */
    int open_errno;          /* why not, when fd is -1 */
};

struct overlay_facts {
    struct overlay_ns_fact *ns;
    size_t n_ns; /* == c->linux_->n_namespaces */
    struct overlay_bind_fact *binds;
    size_t n_binds;             /* == c->n_mounts */
    bool rootfs_tmp_unmakeable; /* the rootfs has no /tmp and the runtime cannot create one */
    /* The runtime is root of the initial user namespace (not rootless): it
     * can give the container a user namespace, and judge id mappings. */
    bool userns_root_runtime;
    /* The host id of container id 0 in the slot create claimed for the
     * container's user namespace (userns_slots.h); 0: none claimed. */
    uint32_t userns_base;
    /* ... and that range is the user namespace of a container this one
     * shares namespaces with (joined, not new). */
    bool userns_joined;
};

/* Relative bind sources are resolved against `bundle`. Fails only on
 * allocation-level problems; an unreadable path is recorded as !exists.
 * overlay_facts_free() closes every fd still held. */
int overlay_facts_gather(const struct spec_config *c, const char *bundle, struct overlay_facts *f,
                         aisbx_error **err);
void overlay_facts_free(struct overlay_facts *f);

/* Sets f->rootfs_tmp_unmakeable: `rootfs` has no tmp and it cannot be created
 * (read-only mount; or a user namespace whose root cannot write the rootfs
 * directory). runtime/overlay_facts_rootfs.c. */
void overlay_facts_rootfs(const struct spec_config *c, const char *rootfs, struct overlay_facts *f);

#endif
