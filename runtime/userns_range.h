/* How many ids a container's own user namespace maps (container ids
 * 0..65535, as a stock /etc/subuid entry): the overlay writes mappings of
 * this size, the pool hands out ranges of it, and /dev nodes made as host
 * root are chowned into it. One number, three folders: a base header. */
#ifndef AISBX_RUNTIME_USERNS_RANGE_H
#define AISBX_RUNTIME_USERNS_RANGE_H

#define USERNS_RANGE_SIZE 65536u

#endif
