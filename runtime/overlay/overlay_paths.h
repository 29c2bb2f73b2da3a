/* Host path classes used by the mount rules (see overlay_paths.c). Paths
 * are absolute and lexically clean. */
#ifndef AISBX_RUNTIME_OVERLAY_PATHS_H
#define AISBX_RUNTIME_OVERLAY_PATHS_H

#include <stdbool.h>
#include <stdint.h>

/* An engine's per-container file or volume directory: stays writable. */
bool ovp_engine_rw(const char *p);
/* A control socket, an ancestor of one, or inside a daemon's socket dir. */
bool ovp_socket_path(const char *p);
/* Within /etc, /boot, /root, /usr, /bin, /sbin, /lib*, /run, /var/lib/{docker,
 * containerd,kubelet,containers}: forced read-only. */
bool ovp_system_tree(const char *p);
/* /dev/{null,zero,full,random,urandom,tty} (with the right numbers when checked). */
bool ovp_standard_device(const char *p, bool check_rdev, uint32_t major, uint32_t minor);

#endif
