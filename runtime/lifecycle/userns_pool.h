/* The host ids the containers' user namespaces map to: one pool, cut into
 * 65536-id slots, one slot per running container. The pool is the `aisbx`
 * entry of /etc/subuid and /etc/subgid when the operator wrote one (the
 * same start and count in both, start 65536-aligned, count at least 65536),
 * else USERNS_POOL_DEFAULT_*: the top of the range systemd documents as
 * unused by it (1879048192...2147483647). A pool that overlaps any other
 * user's subuid/subgid entry is refused: those ids belong to that user's
 * rootless containers, and sharing them would let one reach the other. */
#ifndef AISBX_RUNTIME_USERNS_POOL_H
#define AISBX_RUNTIME_USERNS_POOL_H

#include <stdint.h>

#include "runtime/userns_range.h"
#include "specs/error.h"

#define USERNS_POOL_DEFAULT_BASE 0x70000000u
#define USERNS_POOL_DEFAULT_SIZE 0x10000000u /* 4096 slots, up to 0x7FFFFFFF */
#define USERNS_POOL_OWNER "aisbx"

struct userns_pool {
    uint32_t base;  /* host id of slot 0's container id 0 */
    uint32_t slots; /* how many 65536-id slots */
};

/* Pure: the pool from the texts of /etc/subuid and /etc/subgid (NULL: the
 * file does not exist). Errors name the file, the line and the rule. */
int userns_pool_from_subid(const char *subuid, const char *subgid, struct userns_pool *p,
                           aisbx_error **err);

/* Reads both files and decides (a missing file is an empty one). */
int userns_pool_load(const char *subuid_path, const char *subgid_path, struct userns_pool *p,
                     aisbx_error **err);

/* Host id where slot k starts. */
static inline uint32_t userns_pool_slot_base(const struct userns_pool *p, uint32_t slot)
{
    return p->base + slot * USERNS_RANGE_SIZE;
}

#endif
