/* The floor's "no network" holds even when an engine's hook hands the
 * container an interface (docker's libnetwork-setkey prestart hook moves a
 * veth into the namespace): every interface but lo is deleted before the
 * program runs, and each deletion is logged. */
#ifndef AISBX_RUNTIME_NETNS_SCRUB_H
#define AISBX_RUNTIME_NETNS_SCRUB_H

#include "specs/error.h"

/* In the container's network namespace; *removed counts deleted links. */
int netns_remove_non_lo(int *removed, aisbx_error **err);

#endif
