/* Bounded search of a directory tree for unix sockets a container must not
 * reach: a bind mount of a directory exposes every socket below it, and a
 * read-only mount does not stop connect(2). */
#ifndef AISBX_RUNTIME_SOCKET_SCAN_H
#define AISBX_RUNTIME_SOCKET_SCAN_H

#include <stdbool.h>
#include <sys/types.h>

#define SOCKET_SCAN_MAX_ENTRIES 4096
#define SOCKET_SCAN_MAX_DEPTH 8

/* Scans the tree of the directory `dirfd` (not consumed; O_PATH is fine)
 * without following symlinks and without leaving its mount. True when it
 * holds a unix socket owned by root or by a uid other than `caller`, or when
 * the scan hit a bound or could not read a directory (then the tree cannot
 * be shown to be free of them). False for a non-directory. */
bool socket_scan_foreign(int dirfd, uid_t caller);

#endif
