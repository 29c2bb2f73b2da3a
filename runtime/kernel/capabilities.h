/* Capability sets of the container process (libcap). The overlay has
 * already removed the dangerous set from the spec; this module applies what
 * the spec says, exactly. */
#ifndef AISBX_RUNTIME_CAPABILITIES_H
#define AISBX_RUNTIME_CAPABILITIES_H

#include <stdint.h>

#include "specs/config.h"

/* "CAP_CHOWN" ... -> bit mask (bit n = capability n), by cap_from_oci_name.
 * An unknown name is an error naming it; a capability this kernel does not
 * have (libcap knows it, the kernel is older) is skipped with a warning, as
 * runc does. The mask the process gets, so also the one verify expects. */
int caps_from_names(const struct spec_strlist *names, uint64_t *mask, aisbx_error **err);

/* Drops every capability not in c->bounding from the bounding set
 * (PR_CAPBSET_DROP; needs CAP_SETPCAP). c == NULL: drops all. */
int caps_drop_bounding(const struct spec_capabilities *c, aisbx_error **err);

/* Called after credentials_apply() (which keeps the permitted set across the
 * uid switch with PR_SET_KEEPCAPS): sets effective, permitted and inheritable,
 * then clears the ambient set and raises c->ambient. c == NULL: all empty. */
int caps_apply(const struct spec_capabilities *c, aisbx_error **err);

#endif
