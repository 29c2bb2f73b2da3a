/* Writing a new user namespace's uid_map and gid_map, as the caller is
 * allowed to. The kernel lets an unprivileged process write one line that
 * maps its own effective id (and, for gid_map, only after "deny" went into
 * setgroups); any other map needs the setuid helpers newuidmap/newgidmap
 * (package uidmap), which check it against /etc/subuid and /etc/subgid. A
 * privileged caller (root, also root of a rootless engine's namespace)
 * writes the maps itself, as before. */
#ifndef AISBX_RUNTIME_IDMAP_H
#define AISBX_RUNTIME_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "specs/config.h"

enum idmap_way {
    IDMAP_NONE,            /* no mapping given: nothing to write */
    IDMAP_WRITE,           /* write the file ourselves */
    IDMAP_WRITE_NO_GROUPS, /* write it after "deny" to setgroups (gid_map) */
    IDMAP_HELPER,          /* newuidmap / newgidmap */
};

/* Pure: how a map of n entries gets written by a caller whose effective id
 * is own_id; privileged callers always write; is_gid selects the setgroups
 * rule. */
enum idmap_way idmap_choose(const struct spec_id_mapping *m, size_t n, unsigned own_id,
                            bool privileged, bool is_gid);

/* Parent side: both maps of the child pid (gid_map's setgroups "deny"
 * before it when written unprivileged). *setgroups_denied tells whether
 * the container can still call setgroups. */
int idmap_write_all(pid_t pid, const struct spec_linux *lx, bool privileged, bool *setgroups_denied,
                    aisbx_error **err);

#endif
