/* linux.sysctl: written to /proc/sys after the pivot, inside the
 * container's namespaces (the overlay has already kept only namespaced,
 * harmless keys). */
#ifndef AISBX_RUNTIME_SYSCTL_H
#define AISBX_RUNTIME_SYSCTL_H

#include "specs/config.h"

/* "net.ipv4.ip_forward" -> "net/ipv4/ip_forward" (heap string), or NULL
 * with *err set for a key that could name something else: empty, "..",
 * "/", or an empty component. */
char *sysctl_key_path(const char *key, aisbx_error **err);
/* Writes every key; the first failure stops and is returned. */
int sysctl_apply(const struct spec_kvlist *sysctl, aisbx_error **err);

#endif
