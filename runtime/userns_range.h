/* How many ids a container's own user namespace maps (container ids
 * 0..65535, as a stock /etc/subuid entry): the overlay writes mappings of
 * this size, the pool hands out ranges of it, and /dev nodes made as host
 * root are chowned into it. One number, three folders: a base header. */
#ifndef AISBX_RUNTIME_USERNS_RANGE_H
#define AISBX_RUNTIME_USERNS_RANGE_H

#include <stdint.h>

#define USERNS_RANGE_SIZE 65536u

/* A container id as the host sees it, in the range that starts at host id
 * base (0: no range of ours, ids are host ids); an id past the range is not
 * mapped and is returned as it is. */
static inline uint32_t userns_host_id(uint32_t id, uint32_t base)
{
    return base && id < USERNS_RANGE_SIZE ? base + id : id;
}

#endif
