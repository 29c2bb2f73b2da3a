/* Namespaces from linux.namespaces: which are new (clone flags), which are
 * joined by path (setns). The user namespace's id maps: idmap.h. */
#ifndef AISBX_RUNTIME_NAMESPACES_H
#define AISBX_RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "specs/config.h"

int ns_clone_flag(enum spec_ns_type t);
/* CLONE_NEW* flags of the namespaces the config asks to create. */
int ns_new_flags(const struct spec_linux *lx);
/* The path of a joined namespace of type t, NULL if none / new. */
const char *ns_path(const struct spec_linux *lx, enum spec_ns_type t);
/* setns() into every namespace of fds (indexed by enum spec_ns_type, -1:
 * none; create passes the fds the overlay judged, never re-opening a path)
 * except those in skip_flags; the user namespace first, so the others are
 * joined with its rights. fds may be NULL. */
int ns_join_fds(const int *fds, int skip_flags, aisbx_error **err);
/* exec: joins the namespaces (flags) of the process pidfd refers to, all at
 * once (setns on a pidfd); CLONE_NEWPID applies to our children. pidfd -1 or
 * a kernel without pidfd setns: one /proc/<pid>/ns/<name> at a time. */
int ns_join_process(int pidfd, pid_t pid, int flags, aisbx_error **err);
/* Parent side, before clone: enter the pid namespace fd (-1: none) for the
 * children only; *restore_fd gets our own to return to (-1 if none). */
int ns_enter_pid_for_children(int fd, int *restore_fd, aisbx_error **err);
/* Parent side, before clone: a new time namespace for the child with the
 * config's offsets (time namespaces apply to children only). */
int ns_new_time_for_children(const struct spec_linux *lx, int *restore_fd, aisbx_error **err);
int ns_restore_for_children(int restore_fd, int nstype, aisbx_error **err);

#endif
