/* The OCI mount "options" list turned into what mount(2) and
 * mount_setattr(2) take, with runc's table and runc's rule that an unknown
 * option is filesystem data ("size=64m", "mode=755", "lowerdir=..."). */
#ifndef AISBX_RUNTIME_MOUNT_OPTIONS_H
#define AISBX_RUNTIME_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "specs/config.h"

#define MOUNT_OPTS_MAX_PROPAGATION 8

struct mount_opts {
    unsigned long flags; /* MS_* for the mount (and the remount of a bind) */
    /* Propagation changes, applied one by one after the mount, in order. */
    unsigned long propagation[MOUNT_OPTS_MAX_PROPAGATION];
    int n_propagation;
    /* Recursive (r*) options for mount_setattr(AT_RECURSIVE). */
    uint64_t attr_set, attr_clr;
    bool bind, rec_bind; /* "bind" / "rbind" */
    bool tmpcopyup;      /* accepted, not implemented (logged) */
    bool idmap, ridmap;  /* binds only: idmapped by create (userns_setup.c) */
    char *data;          /* comma-joined unknown options, NULL if none */
};

/* Fills *out (which the caller frees with mount_options_free even on error).
 * "idmap"/"ridmap" are refused with ENOTSUP. */
int mount_options_parse(const struct spec_strlist *opts, struct mount_opts *out, aisbx_error **err);
void mount_options_free(struct mount_opts *o);

/* Adds context="label" (SELinux's mount option; the quotes keep the commas
 * of an MCS range together) to the data. A label with a quote is refused. */
int mount_options_add_context(struct mount_opts *o, const char *label, aisbx_error **err);

/* True when flags hold something a bind mount only applies on a remount. */
bool mount_opts_need_remount(const struct mount_opts *o);

#endif
