/* Switching the container process to process.user (uid, gid, additional
 * groups, umask). */
#ifndef AISBX_RUNTIME_CREDENTIALS_H
#define AISBX_RUNTIME_CREDENTIALS_H

#include "specs/config.h"

/* PR_SET_KEEPCAPS, setgroups, setresgid, setresuid, umask (0022 when the spec
 * has none), PR_SET_KEEPCAPS back to 0. In a user namespace whose setgroups
 * is "deny", setgroups fails with EPERM; that is an error only when the spec
 * asks for additional groups. Call caps_apply() afterwards. */
int credentials_apply(const struct spec_user *u, aisbx_error **err);

#endif
